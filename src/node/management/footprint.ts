import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import { aggregate, importBom, type OwnEmissions, parseUnit, units } from '../../apps/footprint/index.js';
import { insertOffer } from '../../dataspace/catalog/index.js';
import { findPolicy, insertPolicy } from '../../dataspace/policy/index.js';
import { InvalidInput, NotFound } from '../../errors/index.js';
import {
  deleteTradeLink,
  findPart,
  findRequest,
  footprintSettings,
  listParts,
  listPublished,
  listRequests,
  listTradeLinks,
  participantStore,
  putFootprintSettings,
  putPart,
  putTradeLink,
  replaceBom,
  requestStatuses,
  type StoredPart,
  type StoredPublished,
  type StoredRequest,
} from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { companyOf, resultsOf, shownResult } from '../footprint/company.js';
import { supplierFromDirectory } from '../footprint/directory.js';
import { nodeFootprint } from '../footprint/exchange.js';
import { exchangeAssetId, exchangeOfferId, exchangeSourceType } from '../footprint/wire.js';
import { idempotencyHeaders, idempotentCreate } from './idempotency.js';
import { problemResponses } from './schemas.js';
import './auth.js';

const tags = ['footprint'];
const decimal = { type: 'string', pattern: '^-?(\\d+(\\.\\d+)?)$', maxLength: 60 } as const;
const traceParams = {
  type: 'object',
  required: ['traceId'],
  properties: { traceId: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s/?#]+$' } },
} as const;
const requestParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const dqr = {
  type: 'object',
  additionalProperties: false,
  required: ['TeR', 'GeR', 'TiR'],
  properties: { TeR: decimal, GeR: decimal, TiR: decimal },
} as const;
const stage = {
  type: 'object',
  additionalProperties: false,
  required: ['emissions'],
  properties: { emissions: decimal, dqr },
} as const;

const partBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'unit'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 500 },
    unit: { type: 'string', minLength: 1, maxLength: 20 },
    leaf: { type: 'boolean', default: false },
    massPerUnit: decimal,
    productIds: {
      type: 'array',
      maxItems: 20,
      items: { type: 'string', minLength: 1, maxLength: 500 },
      default: [],
    },
    own: {
      type: 'object',
      description:
        "The part's own emissions per unit (docs/footprint.md, OwnEmissions): pre and main stages with DQR, PACT fields under pcf, and the scope fields (primaryDataShare, reference period…).",
      required: ['pre', 'main'],
      properties: { pre: stage, main: stage, pcf: { type: 'object', additionalProperties: decimal } },
    },
  },
} as const;

const partView = {
  type: 'object',
  additionalProperties: true,
  properties: {
    traceId: { type: 'string' },
    name: { type: 'string' },
    unit: { type: 'string' },
    leaf: { type: 'boolean' },
    massPerUnit: { type: 'string' },
    productIds: { type: 'array', items: { type: 'string' } },
    own: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const requestView = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    direction: { type: 'string' },
    status: { type: 'string' },
    counterpartyDid: { type: 'string' },
    partRef: { type: 'string' },
    traceId: { type: 'string' },
    message: { type: 'string' },
    dueDate: { type: 'string' },
    reply: { type: 'string' },
    pfId: { type: 'string' },
    answer: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const anyObject = { type: 'object', additionalProperties: true } as const;

const shownPart = (p: StoredPart): Record<string, unknown> => ({ ...p, productIds: [...p.productIds] });

/** A request as its owner sees it: the event as sent or received, never a token. */
function shownRequest(r: StoredRequest) {
  const { answerJws: _jws, answer, ...rest } = r;
  if (answer === undefined) return rest;
  // The answer is filed under "<supplier DID> <part>"; the owner knows it as the supplier's part id.
  return { ...rest, answer: { ...(answer as Record<string, unknown>), traceId: r.partRef } };
}

function shownPublished(p: StoredPublished) {
  return { ...p, document: p.document as Record<string, unknown> };
}

/**
 * The footprint app's management API (docs/footprint.md): parts with own emissions, BOM import, trade links,
 * settings, requests in both directions and the steps on them, results with the owner's breakdown.
 */
export const footprintManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const service = nodeFootprint(ctx);
  const audit = (participantId: string, actor: string, action: string, type: string, id: string) =>
    participantStore(ctx.db, participantId).audit(
      { actor, action, resourceType: type, resourceId: id, via: 'management-api', outcome: 'success' },
      ctx.now(),
    );

  app.get(
    '/footprint/settings',
    {
      schema: {
        tags,
        summary: 'Footprint settings of the participant',
        response: { 200: anyObject, ...problemResponses },
      },
    },
    async (req) => ({ ...(await footprintSettings(ctx.db, req.participantId)) }),
  );

  app.put(
    '/footprint/settings',
    {
      schema: {
        tags,
        summary: 'Auto-link, approve-before-publish, and whether the footprint exchange is offered',
        description:
          'exchange: true offers the asset footprint-exchange to every participant (contract: use); customers then send requests through their agreement for it.',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            autoLink: { type: 'boolean' },
            approveBeforePublish: { type: 'boolean' },
            exchange: { type: 'boolean' },
          },
        },
        response: { 200: anyObject, ...problemResponses },
      },
    },
    async (req) => {
      const p = req.participantId;
      const at = ctx.now().toISOString();
      const now = await footprintSettings(ctx.db, p);
      const next = {
        autoLink: req.body.autoLink ?? now.autoLink,
        approveBeforePublish: req.body.approveBeforePublish ?? now.approveBeforePublish,
      };
      await ctx.db.transaction().execute(async (trx) => {
        const tx = participantStore(trx, p);
        await putFootprintSettings(trx, p, next, at);
        if (req.body.exchange && !(await tx.findAsset(exchangeAssetId))) {
          await tx.insertAsset({
            id: exchangeAssetId,
            title: 'footprint exchange',
            description:
              'Send product footprint requests (PACT v3 RequestCreatedEvent) and fetch your answers.',
            contentType: 'application/json',
            keywords: ['footprint-exchange'],
            properties: {},
            // A stream: the transfer stays STARTED for as long as the customer exchanges requests.
            dataAddress: { type: exchangeSourceType, finite: false },
            createdAt: at,
            updatedAt: at,
          });
          for (const [id, title] of [
            ['footprint-exchange-everyone', 'footprint exchange: everyone'],
            ['footprint-exchange-use', 'footprint exchange: use'],
          ] as const)
            if (!(await findPolicy(trx, p, id)))
              await insertPolicy(trx, p, {
                id,
                title,
                permission: [{ action: 'use' }],
                createdAt: at,
                updatedAt: at,
              });
          await insertOffer(trx, p, {
            id: exchangeOfferId,
            accessPolicyId: 'footprint-exchange-everyone',
            contractPolicyId: 'footprint-exchange-use',
            selector: { assetIds: [exchangeAssetId] },
            createdAt: at,
            updatedAt: at,
          });
        }
        await tx.audit(
          {
            actor: req.actor,
            action: 'footprint.settings',
            resourceType: 'footprint-settings',
            resourceId: p,
            via: 'management-api',
            outcome: 'success',
          },
          new Date(at),
        );
      });
      return { ...next, exchange: Boolean(await participantStore(ctx.db, p).findAsset(exchangeAssetId)) };
    },
  );

  app.put(
    '/footprint/parts/:traceId',
    {
      schema: {
        tags,
        summary: 'Create or replace a part (with its own emissions per unit)',
        params: traceParams,
        body: partBody,
        response: { 200: partView, ...problemResponses },
      },
    },
    async (req) => {
      const b = req.body;
      const unit = parseUnit(b.unit);
      if (!unit)
        throw new InvalidInput(
          'footprint.unit-unknown',
          `unknown unit ${JSON.stringify(b.unit)} (known: ${units.join(', ')})`,
        );
      const at = ctx.now().toISOString();
      const old = await findPart(ctx.db, req.participantId, req.params.traceId);
      const part: StoredPart = {
        traceId: req.params.traceId,
        name: b.name,
        unit,
        leaf: b.leaf ?? false,
        ...(b.massPerUnit !== undefined ? { massPerUnit: b.massPerUnit } : {}),
        productIds: b.productIds ?? [],
        ...(b.own ? { own: { ...(b.own as unknown as OwnEmissions), traceId: req.params.traceId } } : {}),
        createdAt: old?.createdAt ?? at,
        updatedAt: at,
      };
      await ctx.db.transaction().execute(async (trx) => {
        const tx = participantStore(trx, req.participantId);
        await putPart(trx, req.participantId, part);
        // The part must still aggregate (its own numbers valid, no role mixed): else nothing is kept.
        const { data, answers } = await companyOf(trx, req.participantId);
        aggregate(data, answers, [part.traceId]);
        await tx.audit(
          {
            actor: req.actor,
            action: old ? 'footprint.part.update' : 'footprint.part.create',
            resourceType: 'part',
            resourceId: part.traceId,
            via: 'management-api',
            outcome: 'success',
          },
          new Date(at),
        );
      });
      await service.ownChanged(req.participantId, [part.traceId]);
      return shownPart(part);
    },
  );

  app.get(
    '/footprint/parts',
    {
      schema: {
        tags,
        summary: 'Parts, by trace id',
        response: { 200: { type: 'array', items: partView }, ...problemResponses },
      },
    },
    async (req) => (await listParts(ctx.db, req.participantId)).map(shownPart),
  );

  app.get(
    '/footprint/parts/:traceId',
    {
      schema: {
        tags,
        summary: 'One part',
        params: traceParams,
        response: { 200: partView, ...problemResponses },
      },
    },
    async (req) => {
      const p = await findPart(ctx.db, req.participantId, req.params.traceId);
      if (!p) throw new NotFound('part', req.params.traceId);
      return shownPart(p);
    },
  );

  app.post(
    '/footprint/bom',
    {
      schema: {
        tags,
        summary: 'Import BOM lines from a CSV or JSON file',
        description:
          "Replaces the lines of every parent the file names; parts it names that do not exist are created (unit: the line's unit). " +
          'The first bad line stops the import with its line number, a cycle names the cycle; then nothing is stored.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['format', 'text'],
          properties: {
            format: { type: 'string', enum: ['csv', 'json'] },
            text: { type: 'string', maxLength: 900_000 },
          },
        },
        response: { 200: anyObject, ...problemResponses },
      },
    },
    async (req) => {
      const p = req.participantId;
      const bom = importBom(req.body.text, req.body.format);
      const at = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        const tx = participantStore(trx, p);
        const known = new Set((await listParts(trx, p)).map((x) => x.traceId));
        const unitOf = new Map<string, string>();
        for (const l of bom.lines) if (!unitOf.has(l.childTraceId)) unitOf.set(l.childTraceId, l.unit);
        for (const id of new Set(bom.lines.flatMap((l) => [l.parentTraceId, l.childTraceId])))
          if (!known.has(id))
            await putPart(trx, p, {
              traceId: id,
              name: bom.names.get(id) ?? id,
              unit: unitOf.get(id) ?? 'piece',
              leaf: false,
              productIds: [],
              createdAt: at,
              updatedAt: at,
            });
        await replaceBom(trx, p, bom.lines);
        // A cycle (or a role mixed up by the new lines) rolls the whole import back.
        const { data, answers } = await companyOf(trx, p);
        aggregate(data, answers);
        await tx.audit(
          {
            actor: req.actor,
            action: 'footprint.bom.import',
            resourceType: 'bom',
            resourceId: p,
            via: 'management-api',
            outcome: 'success',
            details: { lines: bom.lines.length },
          },
          new Date(at),
        );
      });
      const parents = [...new Set(bom.lines.map((l) => l.parentTraceId))];
      await service.ownChanged(p, parents);
      return { lines: bom.lines.length, parents };
    },
  );

  app.get(
    '/footprint/bom',
    {
      schema: {
        tags,
        summary: 'BOM lines, by parent',
        response: { 200: { type: 'array', items: anyObject }, ...problemResponses },
      },
    },
    async (req) => (await companyOf(ctx.db, req.participantId)).data.bom.map((l) => ({ ...l })),
  );

  app.put(
    '/footprint/links/:traceId',
    {
      schema: {
        tags,
        summary:
          "Link my part to a supplier's part (the supplier's DID and connector address, or its 法人番号)",
        description:
          "The supplier is named by its DID and connector address, or by its corporate number (法人番号, 全角 and hyphens allowed), looked up in the participant directory of `authority` (default: the node's directoryAuthority). The link keeps the DID and address found.",
        params: traceParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['supplierPart'],
          oneOf: [
            { required: ['supplierDid', 'supplierAddress'], not: { required: ['supplierCorporateNumber'] } },
            {
              required: ['supplierCorporateNumber'],
              not: { anyOf: [{ required: ['supplierDid'] }, { required: ['supplierAddress'] }] },
            },
          ],
          properties: {
            supplierDid: { type: 'string', pattern: '^did:', maxLength: 2048 },
            supplierAddress: { type: 'string', pattern: '^https?://', maxLength: 2048 },
            supplierCorporateNumber: { type: 'string', minLength: 1, maxLength: 64 },
            authority: { type: 'string', pattern: '^https?://', maxLength: 2048 },
            supplierPart: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
        response: { 200: anyObject, ...problemResponses },
      },
    },
    async (req) => {
      const p = req.participantId;
      if (!(await findPart(ctx.db, p, req.params.traceId))) throw new NotFound('part', req.params.traceId);
      const b = req.body;
      // Resolved before the transaction: no database transaction waits on the authority.
      const found = b.supplierCorporateNumber
        ? await supplierFromDirectory(ctx, b.supplierCorporateNumber, b.authority)
        : undefined;
      const link = {
        traceId: req.params.traceId,
        supplierDid: found?.did ?? b.supplierDid ?? '',
        supplierAddress: found?.address ?? b.supplierAddress ?? '',
        supplierPart: b.supplierPart,
        createdAt: ctx.now().toISOString(),
      };
      await ctx.db.transaction().execute(async (trx) => {
        const tx = participantStore(trx, p);
        await putTradeLink(trx, p, link);
        const { data, answers } = await companyOf(trx, p);
        aggregate(data, answers, [link.traceId]);
        await tx.audit(
          {
            actor: req.actor,
            action: 'footprint.link.put',
            resourceType: 'trade-link',
            resourceId: link.traceId,
            via: 'management-api',
            outcome: 'success',
            ...(found
              ? { details: { corporateNumber: found.corporateNumber, directory: found.authority } }
              : {}),
          },
          ctx.now(),
        );
      });
      if (!found) return link;
      const { corporateNumber, name, authority } = found;
      return {
        ...link,
        supplierCorporateNumber: corporateNumber,
        ...(name ? { supplierName: name } : {}),
        directory: authority,
      };
    },
  );

  app.get(
    '/footprint/links',
    {
      schema: {
        tags,
        summary: 'Trade links',
        response: { 200: { type: 'array', items: anyObject }, ...problemResponses },
      },
    },
    async (req) => (await listTradeLinks(ctx.db, req.participantId)).map((l) => ({ ...l })),
  );

  app.delete(
    '/footprint/links/:traceId',
    {
      schema: {
        tags,
        summary: 'Remove a trade link',
        params: traceParams,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      if (!(await deleteTradeLink(ctx.db, req.participantId, req.params.traceId)))
        throw new NotFound('trade-link', req.params.traceId);
      await audit(req.participantId, req.actor, 'footprint.link.delete', 'trade-link', req.params.traceId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/footprint/requests',
    {
      schema: {
        tags,
        summary: 'Requests: inbox (customers asked us) or outbox (we asked suppliers)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            direction: { type: 'string', enum: ['inbox', 'outbox'] },
            status: { type: 'string', enum: [...requestStatuses] },
          },
        },
        response: { 200: { type: 'array', items: requestView }, ...problemResponses },
      },
    },
    async (req) =>
      (
        await listRequests(ctx.db, req.participantId, {
          ...(req.query.direction ? { direction: req.query.direction } : {}),
          ...(req.query.status ? { status: req.query.status } : {}),
        })
      ).map(shownRequest),
  );

  app.get(
    '/footprint/requests/:id',
    {
      schema: {
        tags,
        summary: 'One request',
        params: requestParams,
        response: { 200: requestView, ...problemResponses },
      },
    },
    async (req) => {
      const r = await findRequest(ctx.db, req.participantId, req.params.id);
      if (!r) throw new NotFound('footprint-request', req.params.id);
      return shownRequest(r);
    },
  );

  app.post(
    '/footprint/requests',
    {
      schema: {
        tags,
        summary: 'Ask the supplier of a bought part for its footprint (outbox)',
        description:
          'Sends a PACT v3 RequestCreatedEvent naming the supplier part, a message and a due date — never our quantities — through the exchange agreement with the supplier (negotiated first when missing).',
        headers: idempotencyHeaders,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['traceId'],
          properties: {
            traceId: { type: 'string', minLength: 1, maxLength: 200 },
            message: { type: 'string', maxLength: 5000 },
            dueDate: { type: 'string', format: 'date' },
          },
        },
        response: { 201: requestView, ...problemResponses },
      },
    },
    async (req, reply) =>
      idempotentCreate(ctx, req, reply, 'footprint.request', async () =>
        shownRequest(
          await service.ask(
            req.participantId,
            req.body.traceId,
            {
              ...(req.body.message ? { message: req.body.message } : {}),
              ...(req.body.dueDate ? { dueDate: req.body.dueDate } : {}),
            },
            req.actor,
          ),
        ),
      ),
  );

  app.post(
    '/footprint/requests/:id/link',
    {
      schema: {
        tags,
        summary: 'Link an incoming request to one of my parts',
        params: requestParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['traceId'],
          properties: { traceId: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: { 200: requestView, ...problemResponses },
      },
    },
    async (req) =>
      shownRequest(await service.link(req.participantId, req.params.id, req.body.traceId, req.actor)),
  );

  app.post(
    '/footprint/requests/:id/answer',
    {
      schema: {
        tags,
        summary: 'Compute and publish the answer (or hold it for approval)',
        description:
          '409 while supplier answers are missing, unless allowPartial: the answer is then published flagged partial.',
        params: requestParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { allowPartial: { type: 'boolean', default: false } },
        },
        response: { 200: requestView, ...problemResponses },
      },
    },
    async (req) =>
      shownRequest(
        await service.answer(req.participantId, req.params.id, req.actor, req.body?.allowPartial ?? false),
      ),
  );

  app.post(
    '/footprint/requests/:id/reject',
    {
      schema: {
        tags,
        summary: 'Reject an incoming request with a reply',
        params: requestParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reply'],
          properties: { reply: { type: 'string', minLength: 1, maxLength: 5000 } },
        },
        response: { 200: requestView, ...problemResponses },
      },
    },
    async (req) =>
      shownRequest(await service.reject(req.participantId, req.params.id, req.body.reply, req.actor)),
  );

  app.post(
    '/footprint/requests/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Withdraw a request I sent; the supplier is told, its answer stops counting',
        params: requestParams,
        response: { 200: requestView, ...problemResponses },
      },
    },
    async (req) => shownRequest(await service.cancel(req.participantId, req.params.id, req.actor)),
  );

  app.post(
    '/footprint/requests/:id/approve',
    {
      schema: {
        tags,
        summary: 'Approve the answer held for approval: it is signed and published',
        params: requestParams,
        response: { 200: requestView, ...problemResponses },
      },
    },
    async (req) => shownRequest(await service.approve(req.participantId, req.params.id, req.actor)),
  );

  app.get(
    '/footprint/results',
    {
      schema: {
        tags,
        summary: 'Aggregated footprints of my parts with the breakdown I may see',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { traceId: { type: 'string', maxLength: 200 } },
        },
        response: { 200: { type: 'array', items: anyObject }, ...problemResponses },
      },
    },
    async (req) => {
      const targets = req.query.traceId ? [req.query.traceId] : undefined;
      if (targets && !(await findPart(ctx.db, req.participantId, targets[0] ?? '')))
        throw new NotFound('part', targets[0] ?? '');
      const { results } = await resultsOf(ctx.db, req.participantId, targets);
      return [...results.values()].filter((r) => !targets || targets.includes(r.traceId)).map(shownResult);
    },
  );

  app.get(
    '/footprint/published',
    {
      schema: {
        tags,
        summary: 'Footprints I published (all versions)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { customer: { type: 'string', maxLength: 2048 } },
        },
        response: { 200: { type: 'array', items: anyObject }, ...problemResponses },
      },
    },
    async (req) =>
      (
        await listPublished(
          ctx.db,
          req.participantId,
          req.query.customer ? { customerDid: req.query.customer } : {},
        )
      ).map(shownPublished),
  );
};
