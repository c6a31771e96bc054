import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import {
  type CounterProposal,
  findByIdempotencyKey,
  findFinalizedAgreement,
  findNegotiation,
  listNegotiations,
  type Negotiation,
  NegotiationNotFound,
  negotiationStates,
  PeerRefused,
  PeerUnsupported,
} from '../../dataspace/negotiation/index.js';
import { declarePurpose } from '../../dataspace/policy/index.js';
import type { Offer } from '../../dataspace/protocol/index.js';
import { InvalidInput } from '../../errors/index.js';
import { BadStatus } from '../../outbound/index.js';
import type { NodeContext } from '../context.js';
import { dspAuthHeaders } from '../counterparty.js';
import { decisionsOf, decisionView, shownDecision } from '../policy/index.js';
import { nodeProcesses } from '../processes.js';
import { idParams, problemResponses } from './schemas.js';
import './auth.js';

const offerBody = {
  type: 'object',
  required: ['@id', 'target'],
  properties: {
    '@id': { type: 'string', minLength: 1, maxLength: 2048 },
    target: { type: 'string', minLength: 1, maxLength: 2048 },
    permission: { type: 'array', items: { type: 'object' } },
    prohibition: { type: 'array', items: { type: 'object' } },
    obligation: { type: 'array', items: { type: 'object' } },
  },
  description: "the offer as the provider's catalog shows it (compact ODRL)",
} as const;

/** An ODRL rule as the DSP 2025-1 contract schema takes it: an action, constraints atomic or logical. */
const constraint = {
  type: 'object',
  anyOf: [
    { required: ['leftOperand', 'operator', 'rightOperand'] },
    { required: ['and'] },
    { required: ['or'] },
    { required: ['xone'] },
    { required: ['andSequence'] },
  ],
  properties: {
    leftOperand: { type: 'string', minLength: 1, maxLength: 200 },
    operator: {
      type: 'string',
      enum: [
        'eq',
        'gt',
        'gteq',
        'lteq',
        'hasPart',
        'isA',
        'isAllOf',
        'isAnyOf',
        'isNoneOf',
        'isPartOf',
        'lt',
        'term-lteq',
        'neq',
      ],
    },
    rightOperand: { anyOf: [{ type: 'string' }, { type: 'object' }, { type: 'array' }] },
    and: { type: 'array', maxItems: 100, items: { type: 'object' } },
    or: { type: 'array', maxItems: 100, items: { type: 'object' } },
    xone: { type: 'array', maxItems: 100, items: { type: 'object' } },
    andSequence: { type: 'array', maxItems: 100, items: { type: 'object' } },
  },
} as const;
const rules = {
  type: 'array',
  minItems: 1,
  maxItems: 100,
  items: {
    type: 'object',
    required: ['action'],
    properties: {
      action: { type: 'string', minLength: 1, maxLength: 200 },
      constraint: { type: 'array', maxItems: 100, items: constraint },
    },
  },
} as const;

const counterBody = {
  type: 'object',
  additionalProperties: false,
  required: ['offer'],
  properties: {
    offer: {
      type: 'object',
      additionalProperties: false,
      anyOf: [{ required: ['permission'] }, { required: ['prohibition'] }],
      properties: {
        '@id': {
          type: 'string',
          minLength: 1,
          maxLength: 2048,
          description: "the counter-offer's id; default: the id of the offer it answers",
        },
        target: {
          type: 'string',
          minLength: 1,
          maxLength: 2048,
          description: 'if given, must be the negotiated dataset',
        },
        permission: rules,
        prohibition: rules,
        obligation: rules,
      },
      description: 'the rules the consumer proposes instead of the provider’s (compact ODRL)',
    },
  },
} as const;

const startBody = {
  type: 'object',
  additionalProperties: false,
  required: ['counterpartyAddress', 'counterpartyId'],
  properties: {
    counterpartyAddress: {
      type: 'string',
      format: 'uri',
      maxLength: 2048,
      description:
        "the provider participant's root URL (where /.well-known/dspace-version answers), or its DSP base …/dsp/2025-1",
    },
    counterpartyId: { type: 'string', minLength: 1, maxLength: 2048, description: "the provider's DID" },
    offerId: { type: 'string', minLength: 1, maxLength: 2048 },
    datasetId: {
      type: 'string',
      minLength: 1,
      maxLength: 2048,
      description: "with offerId: the dataset whose offer is read from the provider's catalog",
    },
    offer: offerBody,
    purpose: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      description:
        'the purpose declared to the provider: appended to each permission of the offer as `purpose eq <purpose>` (the agreement records it)',
    },
    force: {
      type: 'boolean',
      default: false,
      description: 'negotiate even if a FINALIZED agreement for this offer exists',
    },
  },
} as const;

export const negotiationView = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'role', 'state', 'counterpartyId', 'offerId', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    role: { type: 'string', enum: ['provider', 'consumer'] },
    state: { type: 'string', enum: [...negotiationStates] },
    providerPid: { type: ['string', 'null'] },
    consumerPid: { type: ['string', 'null'] },
    counterpartyId: { type: 'string' },
    counterpartyAddress: { type: 'string' },
    offerId: { type: 'string' },
    offer: { type: 'object', additionalProperties: true },
    agreementId: { type: ['string', 'null'] },
    deadlineAt: { type: ['string', 'null'] },
    reasonCode: { type: ['string', 'null'] },
    reason: { type: ['string', 'null'] },
    reused: { type: 'boolean', description: 'an existing FINALIZED agreement was reused; nothing was sent' },
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
      description: 'the id of the last negotiation of the previous page',
    },
    state: { type: 'string', enum: [...negotiationStates] },
    role: { type: 'string', enum: ['provider', 'consumer'] },
  },
} as const;

const idempotencyHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

function view(n: Negotiation, reused?: boolean) {
  const { participantId: _p, version: _v, idempotencyKey: _k, offer, ...rest } = n;
  // the ODRL offer is an interface without an index signature; the response schema takes it as an object
  const shown = { ...rest, offer: offer as unknown as Record<string, unknown> };
  return reused ? { ...shown, reused } : shown;
}

// Peers' version documents, briefly remembered: one lookup per peer, not one per negotiation.
const versionTtlMs = 5 * 60_000;
const versionCache = new WeakMap<NodeContext, Map<string, { base: string; at: number }>>();

/** The peer's DSP 2025-1 base, read from its `/.well-known/dspace-version`; a peer without 2025-1 is refused. */
export async function peerDspBase(ctx: NodeContext, address: string): Promise<string> {
  const root = address.replace(/\/+$/, '').replace(/\/dsp\/2025-1$/, '');
  const cache = versionCache.get(ctx) ?? new Map<string, { base: string; at: number }>();
  versionCache.set(ctx, cache);
  const now = ctx.now().getTime();
  const hit = cache.get(root);
  if (hit && now - hit.at < versionTtlMs) return hit.base;
  const base = await readDspBase(ctx, root);
  if (cache.size > 1000) cache.clear();
  cache.set(root, { base, at: now });
  return base;
}

async function readDspBase(ctx: NodeContext, root: string): Promise<string> {
  const url = `${root}/.well-known/dspace-version`;
  let versions: { protocolVersions?: { version?: unknown; path?: unknown }[] };
  try {
    versions = await ctx.outbound.json(url);
  } catch (e) {
    throw new PeerUnsupported(root, `${url} did not answer (${(e as Error).message})`);
  }
  const list = Array.isArray(versions?.protocolVersions) ? versions.protocolVersions : [];
  const v = list.find((p) => p?.version === '2025-1');
  if (!v || typeof v.path !== 'string') {
    const offered = list.map((p) => String(p?.version)).join(', ') || 'none';
    throw new PeerUnsupported(root, `it does not speak DSP 2025-1 (versions offered: ${offered})`);
  }
  return new URL(v.path, `${root}/`).href.replace(/\/+$/, '');
}

/** Reads the offer from the provider's catalog: the dataset, and the policy with that id among its offers. */
export async function offerFromCatalog(
  ctx: NodeContext,
  participantId: string,
  base: string,
  counterpartyId: string,
  datasetId: string,
  offerId: string,
): Promise<Offer> {
  const headers = await dspAuthHeaders(ctx, participantId, counterpartyId);
  let dataset: { hasPolicy?: unknown };
  try {
    dataset = await ctx.outbound.json(`${base}/catalog/datasets/${encodeURIComponent(datasetId)}`, {
      headers,
    });
  } catch (e) {
    const status = e instanceof BadStatus ? e.fields.status : undefined;
    if (status === 401 || status === 403) throw new PeerRefused(base, `to show dataset ${datasetId}`, status);
    throw new PeerUnsupported(base, `dataset ${datasetId} could not be read (${(e as Error).message})`);
  }
  const policies = Array.isArray(dataset.hasPolicy) ? dataset.hasPolicy : [dataset.hasPolicy];
  const found = policies.find((p) => (p as { '@id'?: unknown } | undefined)?.['@id'] === offerId) as
    | Offer
    | undefined;
  if (!found)
    throw new InvalidInput('negotiation.offer-unknown', `dataset ${datasetId} has no offer ${offerId}`);
  return { ...found, target: datasetId };
}

/** Contract negotiations of the calling participant (both roles). */
export const negotiationManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (
  base,
  { ctx },
) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const tags = ['negotiations'];
  const { negotiations } = nodeProcesses(ctx);

  app.post(
    '/negotiations',
    {
      schema: {
        tags,
        summary: 'Negotiate a contract for an offer of another participant (as consumer)',
        description:
          "Reads the provider's /.well-known/dspace-version (a peer without DSP 2025-1 is refused), reuses a FINALIZED " +
          'agreement for the same offer and provider unless force is set (200, reused: true), else sends the ' +
          'ContractRequestMessage and answers 201; the negotiation then runs to FINALIZED by itself. ' +
          'An Idempotency-Key header makes a retried create return the negotiation it created.',
        headers: idempotencyHeaders,
        body: startBody,
        response: { 200: negotiationView, 201: negotiationView, ...problemResponses },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const key = req.headers['idempotency-key'];
      const idempotencyKey = typeof key === 'string' ? key : undefined;
      if (idempotencyKey) {
        const earlier = await findByIdempotencyKey(ctx.db, req.participantId, idempotencyKey);
        if (earlier) return reply.status(201).send(view(earlier));
      }
      if (!b.offer && !(b.offerId && b.datasetId)) {
        throw new InvalidInput(
          'negotiation.offer-missing',
          'give the offer, or offerId together with datasetId',
        );
      }
      const offerId = b.offer?.['@id'] ?? b.offerId ?? '';
      if (!b.force) {
        const agreement = await findFinalizedAgreement(ctx.db, req.participantId, b.counterpartyId, offerId);
        const done = agreement && (await findNegotiation(ctx.db, req.participantId, agreement.negotiationId));
        if (done) return reply.status(200).send(view(done, true));
      }
      const dspBase = await peerDspBase(ctx, b.counterpartyAddress);
      const offer =
        (b.offer as Offer | undefined) ??
        (await offerFromCatalog(
          ctx,
          req.participantId,
          dspBase,
          b.counterpartyId,
          b.datasetId ?? '',
          offerId,
        ));
      const n = await negotiations.request({
        participantId: req.participantId,
        actor: req.actor,
        counterpartyId: b.counterpartyId,
        providerBase: dspBase,
        offer: b.purpose ? declarePurpose(offer, b.purpose) : offer,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      return reply.status(201).send(view(n));
    },
  );

  app.get(
    '/negotiations',
    {
      schema: {
        tags,
        summary: 'List negotiations, oldest first; filter by state and role',
        querystring: listQuery,
        response: { 200: { type: 'array', items: negotiationView }, ...problemResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const last = q.after ? await findNegotiation(ctx.db, req.participantId, q.after) : undefined;
      if (q.after && !last) throw new NegotiationNotFound(q.after);
      const page = await listNegotiations(ctx.db, req.participantId, {
        limit: q.limit ?? 100,
        ...(q.state ? { state: q.state } : {}),
        ...(q.role ? { role: q.role } : {}),
        ...(last ? { after: { createdAt: last.createdAt, id: last.id } } : {}),
      });
      return page.map((n) => view(n));
    },
  );

  app.get(
    '/negotiations/:id',
    {
      schema: {
        tags,
        summary: 'One negotiation',
        params: idParams,
        response: { 200: negotiationView, ...problemResponses },
      },
    },
    async (req) => {
      const n = await findNegotiation(ctx.db, req.participantId, req.params.id);
      if (!n) throw new NegotiationNotFound(req.params.id);
      const decisions = await decisionsOf(ctx.db, req.participantId, 'negotiation', n.id);
      return { ...view(n), decisions: decisions.map(shownDecision) };
    },
  );

  app.post(
    '/negotiations/:id/agree',
    {
      schema: {
        tags,
        summary: 'Approve a request waiting for a person (as provider): the agreement is sent',
        params: idParams,
        response: { 200: negotiationView, ...problemResponses },
      },
    },
    async (req) => view(await negotiations.agree(req.participantId, req.params.id, req.actor)),
  );

  app.post(
    '/negotiations/:id/accept',
    {
      schema: {
        tags,
        summary:
          "Accept the provider's offer (as consumer, in OFFERED): the provider then sends the agreement",
        params: idParams,
        response: { 200: negotiationView, ...problemResponses },
      },
    },
    async (req) => view(await negotiations.accept(req.participantId, req.params.id, req.actor)),
  );

  app.post(
    '/negotiations/:id/counter',
    {
      schema: {
        tags,
        summary:
          "Answer the provider's offer with another (as consumer, in OFFERED): a counter-request is sent",
        description:
          'Sends a ContractRequestMessage to the provider’s process with the proposed rules for the same dataset ' +
          '(OFFERED → REQUESTED); the provider then offers again, agrees, or terminates.',
        params: idParams,
        body: counterBody,
        response: { 200: negotiationView, ...problemResponses },
      },
    },
    async (req) =>
      view(
        await negotiations.counter(
          req.participantId,
          req.params.id,
          req.actor,
          req.body.offer as unknown as CounterProposal,
        ),
      ),
  );

  app.post(
    '/negotiations/:id/terminate',
    {
      schema: {
        tags,
        summary: 'Terminate a negotiation; the counterparty is told',
        params: idParams,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: 1000 } },
        },
        response: { 200: negotiationView, ...problemResponses },
      },
    },
    async (req) => {
      const reason = (req.body as { reason?: string } | null)?.reason ?? 'terminated by the participant';
      return view(await negotiations.terminate(req.participantId, req.params.id, req.actor, reason));
    },
  );
};
