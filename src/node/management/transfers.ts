import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import type { DataAddress } from '../../dataspace/protocol/index.js';
import {
  findTransfer,
  listTransfers,
  type Transfer,
  type TransferAction,
  TransferNotFound,
  transferFormats,
  transferStates,
} from '../../dataspace/transfer/index.js';
import type { NodeContext } from '../context.js';
import { nodeEdrs } from '../edrs.js';
import { decisionsOf, decisionView, shownDecision } from '../policy/index.js';
import { nodeTransfers } from '../scopes/transfers.js';
import { idParams, problemResponses } from './schemas.js';
import './auth.js';

const dataAddressSchema = {
  type: 'object',
  required: ['endpointType'],
  additionalProperties: true,
  properties: {
    endpointType: { type: 'string', minLength: 1, maxLength: 2048 },
    endpoint: { type: 'string', maxLength: 2048 },
    endpointProperties: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['name', 'value'],
        properties: { name: { type: 'string' }, value: { type: 'string' } },
      },
    },
  },
} as const;

const startBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agreementId'],
  properties: {
    agreementId: {
      type: 'string',
      minLength: 1,
      maxLength: 2048,
      description: 'a FINALIZED agreement (consumer)',
    },
    format: { type: 'string', enum: [...transferFormats], default: 'HttpData-PULL' },
    providerAddress: {
      type: 'string',
      format: 'uri',
      maxLength: 2048,
      description: "the provider's DSP base …/dsp/2025-1 (default: where the agreement was negotiated)",
    },
    dataAddress: { ...dataAddressSchema, description: 'HttpData-PUSH: where the provider pushes the data' },
    purpose: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      description:
        "the purpose declared to the provider (default: the agreement's); it must match the agreement's",
    },
  },
} as const;

export const transferView = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'role', 'state', 'counterpartyId', 'agreementId', 'format', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    role: { type: 'string', enum: ['provider', 'consumer'] },
    state: { type: 'string', enum: [...transferStates] },
    providerPid: { type: ['string', 'null'] },
    consumerPid: { type: ['string', 'null'] },
    counterpartyId: { type: 'string' },
    counterpartyAddress: { type: 'string' },
    agreementId: { type: 'string' },
    format: { type: 'string' },
    dataAddress: {
      anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: true }],
      description:
        'consumer: where and with which token to pull (from the provider); provider: the push target',
    },
    deadlineAt: { type: ['string', 'null'] },
    reasonCode: { type: ['string', 'null'] },
    reason: { type: ['string', 'null'] },
    decisions: {
      type: 'array',
      items: decisionView,
      description:
        "usage-control decisions with the full trace (the provider's rules): the local operator only",
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    after: {
      type: 'string',
      maxLength: 2048,
      description: 'the id of the last transfer of the previous page',
    },
    state: { type: 'string', enum: [...transferStates] },
    role: { type: 'string', enum: ['provider', 'consumer'] },
    agreementId: { type: 'string', maxLength: 2048 },
  },
} as const;

const idempotencyHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const reasonBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 1000 } },
} as const;

const edrView = {
  type: 'object',
  additionalProperties: false,
  required: ['transferId', 'endpoint', 'authType', 'authorization', 'expiresAt'],
  properties: {
    transferId: { type: 'string' },
    endpoint: { type: 'string', description: "the provider's data-plane URL of this transfer" },
    authType: { type: 'string', enum: ['bearer'] },
    authorization: { type: 'string', description: 'the access token: send `Authorization: Bearer <token>`' },
    expiresAt: { type: 'string', description: 'when the access token expires; ask again before then' },
  },
} as const;

function view(t: Transfer) {
  const { participantId: _p, version: _v, idempotencyKey: _k, accessTokenHash: _h, dataAddress, ...rest } = t;
  return { ...rest, dataAddress: dataAddress as unknown as Record<string, unknown> | null };
}

/** Transfer processes of the calling participant (both roles). */
export const transferManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const tags = ['transfers'];
  const transfers = nodeTransfers(ctx);

  app.post(
    '/transfers',
    {
      schema: {
        tags,
        summary: 'Ask the provider of a FINALIZED agreement for a transfer (as consumer)',
        description:
          'Sends the TransferRequestMessage and answers 201 with the transfer in REQUESTED; when the provider ' +
          'starts it, dataAddress holds the endpoint and token to pull from. An Idempotency-Key header makes a ' +
          'retried create return the transfer it created.',
        headers: idempotencyHeaders,
        body: startBody,
        response: { 201: transferView, ...problemResponses },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const key = req.headers['idempotency-key'];
      const t = await transfers.request({
        participantId: req.participantId,
        actor: req.actor,
        agreementId: b.agreementId,
        format: b.format ?? 'HttpData-PULL',
        ...(b.providerAddress ? { providerAddress: b.providerAddress } : {}),
        ...(b.dataAddress ? { dataAddress: b.dataAddress as unknown as DataAddress } : {}),
        ...(b.purpose ? { purpose: b.purpose } : {}),
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      });
      return reply.status(201).send(view(t));
    },
  );

  app.get(
    '/transfers',
    {
      schema: {
        tags,
        summary: 'List transfers, oldest first; filter by state, role and agreement',
        querystring: listQuery,
        response: { 200: { type: 'array', items: transferView }, ...problemResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const last = q.after ? await findTransfer(ctx.db, req.participantId, q.after) : undefined;
      if (q.after && !last) throw new TransferNotFound(q.after);
      const page = await listTransfers(ctx.db, req.participantId, {
        limit: q.limit ?? 100,
        ...(q.state ? { state: q.state } : {}),
        ...(q.role ? { role: q.role } : {}),
        ...(q.agreementId ? { agreementId: q.agreementId } : {}),
        ...(last ? { after: { createdAt: last.createdAt, id: last.id } } : {}),
      });
      return page.map(view);
    },
  );

  app.get(
    '/transfers/:id',
    {
      schema: {
        tags,
        summary: 'One transfer',
        params: idParams,
        response: { 200: transferView, ...problemResponses },
      },
    },
    async (req) => {
      const t = await findTransfer(ctx.db, req.participantId, req.params.id);
      if (!t) throw new TransferNotFound(req.params.id);
      const decisions = await decisionsOf(ctx.db, req.participantId, 'transfer', t.id);
      return { ...view(t), decisions: decisions.map(shownDecision) };
    },
  );

  app.get(
    '/transfers/:id/edr',
    {
      schema: {
        tags,
        summary: 'The endpoint and a valid access token to pull a STARTED transfer (as consumer)',
        description:
          'Refreshes the token with the provider first when it expires within a margin; concurrent callers ' +
          'share one refresh, repeated pulls reuse the token. 409 when the transfer is not STARTED or the ' +
          'provider refused a refresh (the problem names the reason), 503 when an expired token cannot be ' +
          'refreshed now.',
        params: idParams,
        response: { 200: edrView, ...problemResponses },
      },
    },
    async (req, reply) => {
      const e = await nodeEdrs(ctx).current(req.participantId, req.params.id);
      void reply.header('cache-control', 'no-store');
      return {
        transferId: e.transferId,
        endpoint: e.endpoint,
        authType: 'bearer' as const,
        authorization: e.accessToken,
        expiresAt: e.expiresAt,
      };
    },
  );

  const steps: readonly [string, string, (reason: string) => TransferAction][] = [
    [
      'terminate',
      'Terminate a transfer; the counterparty is told',
      (reason) => ({
        kind: 'terminate',
        code: 'terminated-by-user',
        reason,
      }),
    ],
    [
      'suspend',
      'Suspend a started transfer; the counterparty is told',
      (reason) => ({
        kind: 'suspend',
        code: 'suspended-by-user',
        reason,
      }),
    ],
    [
      'start',
      'Start (provider) or resume a suspended transfer; the counterparty is told',
      () => ({ kind: 'start' }),
    ],
    ['complete', 'Mark a started transfer completed; the counterparty is told', () => ({ kind: 'complete' })],
  ];
  for (const [step, summary, action] of steps) {
    app.post(
      `/transfers/:id/${step}`,
      {
        schema: {
          tags,
          summary,
          params: idParams,
          body: reasonBody,
          response: { 200: transferView, ...problemResponses },
        },
      },
      async (req) => {
        const reason = (req.body as { reason?: string } | null)?.reason ?? `${step} by the participant`;
        return view(await transfers.act(req.participantId, req.params.id, req.actor, action(reason)));
      },
    );
  }
};
