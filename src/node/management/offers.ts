import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import {
  type AssetSelector,
  deleteOffer,
  findOfferDefinitions,
  insertOffer,
  listOffers,
  type OfferDefinition,
  updateOffer,
} from '../../dataspace/catalog/index.js';
import { findPolicies } from '../../dataspace/policy/index.js';
import { Conflict, InvalidInput, NotFound } from '../../errors/index.js';
import type { Tables } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { changeAuditor } from './change-audit.js';
import { idempotencyHeaders, idempotentCreate } from './idempotency.js';
import { idParams, problemResponses } from './schemas.js';
import './auth.js';

const names = {
  type: 'array',
  minItems: 1,
  maxItems: 1000,
  items: { type: 'string', minLength: 1, maxLength: 200 },
} as const;
const selector = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  description:
    'which assets the offer covers: every listed asset, every asset with one of the keywords, every asset of one ' +
    'of the media types — or all assets. An offer on exactly one asset id is published under its own id, any ' +
    'other as <offer id>:<asset id>.',
  properties: { all: { type: 'boolean', const: true }, assetIds: names, keywords: names, mediaTypes: names },
} as const;

const offerMembers = {
  accessPolicyId: {
    type: 'string',
    minLength: 1,
    maxLength: 200,
    description: 'who may see the offer in the catalog',
  },
  contractPolicyId: {
    type: 'string',
    minLength: 1,
    maxLength: 200,
    description: 'the terms a negotiation agrees to',
  },
  selector,
} as const;

const offerBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'accessPolicyId', 'contractPolicyId', 'selector'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s/?#]+$' },
    ...offerMembers,
  },
} as const;

const offerUpdate = {
  type: 'object',
  additionalProperties: false,
  required: ['accessPolicyId', 'contractPolicyId', 'selector'],
  properties: offerMembers,
} as const;

const offerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'accessPolicyId', 'contractPolicyId', 'selector', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    accessPolicyId: { type: 'string' },
    contractPolicyId: { type: 'string' },
    selector: {
      type: 'object',
      properties: {
        all: { type: 'boolean' },
        assetIds: { type: 'array', items: { type: 'string' } },
        keywords: { type: 'array', items: { type: 'string' } },
        mediaTypes: { type: 'array', items: { type: 'string' } },
      },
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const offerQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    after: { type: 'string', maxLength: 200 },
    policyId: {
      type: 'string',
      maxLength: 200,
      description: 'offers using this policy (access or contract)',
    },
    assetId: { type: 'string', maxLength: 200, description: 'offers naming this asset in their selector' },
  },
} as const;

const changeRule =
  'Agreements keep what was agreed: each agreement stores its own copy of the agreed policy and asset id, so ' +
  'changing or deleting an offer changes only what later catalog requests show and later negotiations may ask for.';

function shown(o: OfferDefinition) {
  const s = o.selector;
  return {
    ...o,
    selector: {
      ...(s.all ? { all: true } : {}),
      ...(s.assetIds ? { assetIds: [...s.assetIds] } : {}),
      ...(s.keywords ? { keywords: [...s.keywords] } : {}),
      ...(s.mediaTypes ? { mediaTypes: [...s.mediaTypes] } : {}),
    },
  };
}

async function requirePolicies(
  db: Kysely<Tables>,
  participantId: string,
  ids: readonly string[],
): Promise<void> {
  const found = await findPolicies(db, participantId, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0)
    throw new InvalidInput(
      'offer.unknown-policy',
      `no policy ${missing.map((m) => JSON.stringify(m)).join(', ')}`,
      {
        policies: missing,
      },
    );
}

/** Offer definitions of the calling participant: access policy + contract policy + asset selector. */
export const offerManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const tags = ['offers'];
  const audit = changeAuditor('offer');

  app.post(
    '/offers',
    {
      schema: {
        tags,
        summary: 'Create an offer',
        description: 'Publishes the selected assets in the catalog to whoever the access policy admits.',
        headers: idempotencyHeaders,
        body: offerBody,
        response: { 201: offerSchema, ...problemResponses },
      },
    },
    async (req, reply) =>
      idempotentCreate(ctx, req, reply, 'offer.create', async () => {
        const at = ctx.now();
        const b = req.body;
        const offer: OfferDefinition = {
          id: b.id,
          accessPolicyId: b.accessPolicyId,
          contractPolicyId: b.contractPolicyId,
          selector: b.selector as AssetSelector,
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
        };
        await ctx.db.transaction().execute(async (tx) => {
          if ((await findOfferDefinitions(tx, req.participantId, [offer.id])).length > 0)
            throw new Conflict('offer.exists', `offer ${JSON.stringify(offer.id)} already exists`, {
              id: offer.id,
            });
          await requirePolicies(tx, req.participantId, [offer.accessPolicyId, offer.contractPolicyId]);
          await insertOffer(tx, req.participantId, offer);
          await audit(tx, req.participantId, req.actor, 'offer.create', offer.id, at, {
            policyId: offer.contractPolicyId,
          });
        });
        return shown(offer);
      }),
  );

  app.get(
    '/offers',
    {
      schema: {
        tags,
        summary: 'List offers, ordered by id',
        querystring: offerQuery,
        response: { 200: { type: 'array', items: offerSchema }, ...problemResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const offers = await listOffers(ctx.db, req.participantId, {
        limit: q.limit ?? 100,
        ...(q.after ? { after: q.after } : {}),
        ...(q.policyId ? { policyId: q.policyId } : {}),
        ...(q.assetId ? { assetId: q.assetId } : {}),
      });
      return offers.map(shown);
    },
  );

  app.get(
    '/offers/:id',
    {
      schema: {
        tags,
        summary: 'One offer',
        params: idParams,
        response: { 200: offerSchema, ...problemResponses },
      },
    },
    async (req) => {
      const [offer] = await findOfferDefinitions(ctx.db, req.participantId, [req.params.id]);
      if (!offer) throw new NotFound('offer', req.params.id);
      return shown(offer);
    },
  );

  app.put(
    '/offers/:id',
    {
      schema: {
        tags,
        summary: "Replace an offer's policies and selector",
        description: changeRule,
        params: idParams,
        body: offerUpdate,
        response: { 200: offerSchema, ...problemResponses },
      },
    },
    async (req) => {
      const at = ctx.now();
      return ctx.db.transaction().execute(async (tx) => {
        const [old] = await findOfferDefinitions(tx, req.participantId, [req.params.id]);
        if (!old) throw new NotFound('offer', req.params.id);
        const b = req.body;
        const offer: OfferDefinition = {
          ...old,
          accessPolicyId: b.accessPolicyId,
          contractPolicyId: b.contractPolicyId,
          selector: b.selector as AssetSelector,
          updatedAt: at.toISOString(),
        };
        await requirePolicies(tx, req.participantId, [offer.accessPolicyId, offer.contractPolicyId]);
        await updateOffer(tx, req.participantId, offer);
        await audit(tx, req.participantId, req.actor, 'offer.update', offer.id, at, {
          policyId: offer.contractPolicyId,
        });
        return shown(offer);
      });
    },
  );

  app.delete(
    '/offers/:id',
    {
      schema: {
        tags,
        summary: 'Delete an offer',
        description: changeRule,
        params: idParams,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const at = ctx.now();
      await ctx.db.transaction().execute(async (tx) => {
        if (!(await deleteOffer(tx, req.participantId, req.params.id)))
          throw new NotFound('offer', req.params.id);
        await audit(tx, req.participantId, req.actor, 'offer.delete', req.params.id, at);
      });
      return reply.status(204).send(null);
    },
  );
};
