import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { authorize, sourceFailed } from '../../dataspace/dataplane/index.js';
import { InvalidInput, NotFound } from '../../errors/index.js';
import {
  appendAudit,
  findPublished,
  insertRequest,
  listPublished,
  listRequests,
  type StoredRequest,
} from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { nodeDataPlane, registerDataSource } from '../scopes/dataplane.js';
import { addressedParticipant, type ScopeRoutes } from '../scopes/protocol.js';
import { NotTheExchange } from './errors.js';
import { wireOuranos } from './ouranos.js';
import { type FootprintService, footprintService } from './service.js';
import {
  exchangeClient,
  exchangeSourceType,
  publishedEventType,
  publishedSourceType,
  rejectedEventType,
  requestCancelledEventType,
  requestCreatedEventType,
} from './wire.js';

const services = new WeakMap<NodeContext, FootprintService>();

/**
 * Another way customers reach a participant (the PACT host): it hears every notice for a customer first and
 * says whether it delivered it itself (the request came its way), so no data-space notice is sent.
 */
export type NoticeChannel = (
  participantId: string,
  customerDid: string,
  kind: 'published' | 'rejected',
  data: { readonly requestEventId?: string; readonly pfIds?: readonly string[]; readonly reply?: string },
) => Promise<boolean>;
const channels = new WeakMap<NodeContext, NoticeChannel[]>();

export function addNoticeChannel(ctx: NodeContext, channel: NoticeChannel): void {
  channels.set(ctx, [...(channels.get(ctx) ?? []), channel]);
}

/** The node's footprint service (one per node), with the exchange asset's data source registered. */
export function nodeFootprint(ctx: NodeContext): FootprintService {
  const known = services.get(ctx);
  if (known) return known;
  const wire = exchangeClient(ctx);
  // A notice is retried when the data-space delivery fails: the channels were told already and are not again.
  const told = new Map<string, boolean>();
  const made = footprintService(ctx, {
    ...wire,
    notify: async (participantId, customerDid, type, data) => {
      const key = JSON.stringify([participantId, customerDid, type, data]);
      let delivered = told.get(key);
      if (delivered === undefined) {
        delivered = false;
        const kind = type === publishedEventType ? 'published' : 'rejected';
        for (const channel of channels.get(ctx) ?? [])
          if (await channel(participantId, customerDid, kind, data)) delivered = true;
        told.set(key, delivered);
      }
      if (!delivered) await wire.notify(participantId, customerDid, type, data);
      told.delete(key);
    },
  });
  services.set(ctx, made);
  // The Ouranos API's trades with operators hosted elsewhere go through this service (ouranos.ts).
  wireOuranos(ctx, made);
  // Pulling the exchange asset itself yields only a description: the exchange runs at its own endpoints.
  registerDataSource(ctx, {
    type: exchangeSourceType,
    validate: () => {},
    open: async () => {
      const body = Buffer.from(JSON.stringify({ type: 'musubi-footprint-exchange', version: 1 }));
      return {
        status: 200,
        body: Readable.from([body]),
        contentType: 'application/json',
        contentLength: body.length,
      };
    },
  });
  // Pulling a published footprint's own asset (its policy admits its customer alone) yields its JWS.
  registerDataSource(ctx, {
    type: publishedSourceType,
    validate: (address) => {
      if (typeof address.pfId !== 'string' || typeof address.participantId !== 'string')
        throw new InvalidInput(
          'footprint.address-invalid',
          'a FootprintPublished address names pfId and participantId',
        );
    },
    open: async (address) => {
      const p = await findPublished(ctx.db, String(address.participantId), String(address.pfId));
      if (!p?.jws) throw sourceFailed('unavailable', 'footprint.gone', 'the footprint is not published');
      const body = Buffer.from(p.jws);
      return {
        status: 200,
        body: Readable.from([body]),
        contentType: 'application/jose',
        contentLength: body.length,
      };
    },
  });
  return made;
}

/**
 * A customer's RequestCreatedEvent into the inbox (once per customer and event id), then auto-link and the
 * unattended answer as settings say. Over the data space and from the PACT host alike.
 */
export async function receiveRequest(
  ctx: NodeContext,
  participantId: string,
  customerDid: string,
  e: { id: string; productId: string; comment?: string; dueDate?: string; raw: unknown },
  how: { via: string; actor?: string; details?: Record<string, unknown> },
): Promise<void> {
  const known = await listRequests(ctx.db, participantId, {
    direction: 'inbox',
    counterpartyDid: customerDid,
    eventId: e.id,
  });
  if (known.length > 0) return;
  const at = ctx.now().toISOString();
  const r: StoredRequest = {
    id: `urn:uuid:${randomUUID()}`,
    direction: 'inbox',
    eventId: e.id,
    counterpartyDid: customerDid,
    partRef: e.productId,
    ...(e.comment !== undefined ? { message: e.comment } : {}),
    ...(e.dueDate !== undefined ? { dueDate: e.dueDate } : {}),
    status: 'requested',
    event: e.raw,
    createdAt: at,
    updatedAt: at,
  };
  await insertRequest(ctx.db, participantId, r);
  await appendAudit(
    ctx.db,
    {
      participantId,
      actor: how.actor ?? customerDid,
      action: 'footprint.request-received',
      resourceType: 'footprint-request',
      resourceId: r.id,
      via: how.via,
      outcome: 'success',
      details: { ...how.details, part: r.partRef },
    },
    ctx.now(),
  );
  await nodeFootprint(ctx).received(participantId, r);
}

const bearerOf = (req: FastifyRequest) => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

/** The exchange agreement behind a request's EDR token: its customer DID, or a 401 / 403-like refusal. */
async function exchangeGrant(
  ctx: NodeContext,
  req: FastifyRequest,
  participantId: string,
  transferId: string,
) {
  const plane = nodeDataPlane(ctx);
  const authorized = await authorize(
    { db: ctx.db, access: plane.access },
    bearerOf(req),
    { participantId, transferId },
    ctx.now(),
  );
  if (authorized.address.type !== exchangeSourceType) throw new NotTheExchange();
  return authorized.grant;
}

const eventBody = {
  type: 'object',
  required: ['type', 'specversion', 'id', 'source', 'time', 'data'],
  properties: {
    type: { type: 'string', const: requestCreatedEventType },
    specversion: { type: 'string', const: '1.0' },
    id: { type: 'string', minLength: 1, maxLength: 200 },
    source: { type: 'string', maxLength: 2048 },
    time: { type: 'string', maxLength: 64 },
    data: {
      type: 'object',
      // Only PACT's request criteria and a due date: a customer's quantities or BOM have no place here.
      additionalProperties: false,
      required: ['productId'],
      properties: {
        productId: {
          type: 'array',
          minItems: 1,
          maxItems: 1,
          items: { type: 'string', minLength: 1, maxLength: 500 },
        },
        companyId: { type: 'array', items: { type: 'string', maxLength: 500 } },
        geography: { type: 'array', items: { type: 'string', maxLength: 100 } },
        classification: { type: 'array', items: { type: 'string', maxLength: 500 } },
        validOn: { type: 'string', maxLength: 64 },
        validAfter: { type: 'string', maxLength: 64 },
        validBefore: { type: 'string', maxLength: 64 },
        status: { type: 'array', items: { type: 'string', enum: ['Active', 'Deprecated'] } },
        comment: { type: 'string', maxLength: 5000 },
        dueDate: { type: 'string', maxLength: 64 },
      },
    },
  },
} as const;

const transferParams = {
  type: 'object',
  required: ['transferId'],
  properties: {
    transferId: { type: 'string', minLength: 1, maxLength: 2048 },
    participant: { type: 'string' },
  },
} as const;

/**
 * The supplier's exchange endpoints, reached with the EDR token of a customer's exchange agreement:
 * requests in (`POST …/footprint/exchange/:transferId/events`) and that customer's own published footprints out
 * (`GET …/footprint/exchange/:transferId/footprints/:pfId`). Another customer's footprint answers 404.
 */
export const footprintExchangeScope: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const service = nodeFootprint(ctx);

  app.post(
    '/exchange/:transferId/events',
    { schema: { params: transferParams, body: eventBody } },
    async (req) => {
      const participantId = await addressedParticipant(ctx, req);
      const grant = await exchangeGrant(ctx, req, participantId, req.params.transferId);
      const e = req.body;
      await receiveRequest(
        ctx,
        participantId,
        grant.consumerId,
        {
          id: e.id,
          productId: e.data.productId[0] ?? '',
          ...(e.data.comment !== undefined ? { comment: e.data.comment } : {}),
          ...(e.data.dueDate !== undefined ? { dueDate: e.data.dueDate } : {}),
          raw: e,
        },
        { via: 'footprint-exchange', details: { agreementId: grant.agreementId } },
      );
      return { id: e.id };
    },
  );

  app.post(
    '/exchange/:transferId/cancellations',
    {
      schema: {
        params: transferParams,
        body: {
          type: 'object',
          required: ['type', 'specversion', 'id', 'data'],
          properties: {
            type: { type: 'string', const: requestCancelledEventType },
            specversion: { type: 'string', const: '1.0' },
            id: { type: 'string', minLength: 1, maxLength: 200 },
            data: {
              type: 'object',
              additionalProperties: false,
              required: ['requestEventId'],
              properties: { requestEventId: { type: 'string', minLength: 1, maxLength: 200 } },
            },
          },
        },
      },
    },
    async (req) => {
      const participantId = await addressedParticipant(ctx, req);
      const grant = await exchangeGrant(ctx, req, participantId, req.params.transferId);
      await service.cancelled(participantId, grant.consumerId, req.body.data.requestEventId);
      return { id: req.body.id };
    },
  );

  app.get(
    '/exchange/:transferId/footprints/:pfId',
    {
      schema: {
        params: {
          type: 'object',
          required: ['transferId', 'pfId'],
          properties: {
            ...transferParams.properties,
            pfId: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
      },
    },
    async (req, reply) => {
      const participantId = await addressedParticipant(ctx, req);
      const grant = await exchangeGrant(ctx, req, participantId, req.params.transferId);
      // Only this customer's footprints exist for it (the data product's policy: its DID alone).
      const found = (await listPublished(ctx.db, participantId, { customerDid: grant.consumerId })).find(
        (p) => p.id === req.params.pfId && p.jws,
      );
      await appendAudit(
        ctx.db,
        {
          participantId,
          actor: grant.consumerId,
          action: 'footprint.fetch',
          resourceType: 'footprint',
          resourceId: req.params.pfId,
          via: 'footprint-exchange',
          outcome: found ? 'success' : 'denied',
          details: { agreementId: grant.agreementId },
        },
        ctx.now(),
      );
      if (!found?.jws) throw new NotFound('footprint', req.params.pfId);
      return reply
        .header('content-type', 'application/jose')
        .header('cache-control', 'no-store')
        .send(found.jws);
    },
  );
};

const noticeBody = {
  type: 'object',
  required: ['type', 'specversion', 'id', 'data'],
  properties: {
    type: { type: 'string', enum: [publishedEventType, rejectedEventType] },
    specversion: { type: 'string', const: '1.0' },
    id: { type: 'string', minLength: 1, maxLength: 200 },
    data: {
      type: 'object',
      required: ['requestEventId'],
      properties: {
        requestEventId: { type: 'string', minLength: 1, maxLength: 200 },
        pfIds: {
          type: 'array',
          minItems: 1,
          maxItems: 1,
          items: { type: 'string', minLength: 1, maxLength: 200 },
        },
        reply: { type: 'string', maxLength: 5000 },
      },
    },
  },
} as const;

/**
 * The customer's notice endpoint (in an authenticated scope: the caller proved its DID): a supplier says it
 * published a footprint for one of our requests (we fetch and verify it before answering) or rejected one.
 * Only a supplier we asked can notify about our request to it; anything else is 404.
 */
export const footprintNoticeRoutes: ScopeRoutes = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const service = nodeFootprint(ctx);
  app.post('', { schema: { body: noticeBody } }, async (req) => {
    const participantId = await addressedParticipant(ctx, req);
    const supplier = req.counterparty?.id ?? '';
    const { type, data } = req.body;
    if (type === publishedEventType) {
      const pfId = data.pfIds?.[0];
      if (!pfId) throw new InvalidInput('footprint.notice-invalid', 'a PublishedEvent names the pfIds');
      const r = await service.published(participantId, supplier, data.requestEventId, pfId);
      return { status: r.status };
    }
    const r = await service.rejected(participantId, supplier, data.requestEventId, data.reply ?? '');
    return { status: r.status };
  });
};
