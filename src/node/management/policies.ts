import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { offersUsingPolicy } from '../../dataspace/catalog/index.js';
import {
  defaultRegistry,
  deletePolicy,
  findPolicy,
  insertPolicy,
  listPolicies,
  type Policy,
  parsePolicy,
  updatePolicy,
} from '../../dataspace/policy/index.js';
import { Conflict, NotFound } from '../../errors/index.js';
import { appendAudit, type Tables } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { checkAccess } from '../policy/check.js';
import { idempotencyHeaders, idempotentCreate } from './idempotency.js';
import { idParams, pageQuery, problemResponses } from './schemas.js';
import './auth.js';

const constraint = { type: 'object', description: 'an ODRL constraint (atomic or and / or / xone)' } as const;
const rule = {
  type: 'object',
  required: ['action'],
  properties: {
    action: { type: 'string', minLength: 1, maxLength: 200 },
    constraint: { type: 'array', maxItems: 100, items: constraint },
  },
} as const;
const rules = { type: 'array', minItems: 1, maxItems: 100, items: rule } as const;

const ruleMembers = {
  title: { type: 'string', maxLength: 500 },
  profile: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  permission: rules,
  prohibition: rules,
  obligation: rules,
} as const;

const policyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  anyOf: [{ required: ['permission'] }, { required: ['prohibition'] }],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s/?#]+$' },
    ...ruleMembers,
  },
} as const;

const policyUpdate = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['permission'] }, { required: ['prohibition'] }],
  properties: ruleMembers,
} as const;

const policySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    ...ruleMembers,
    permission: { type: 'array' },
    prohibition: { type: 'array' },
    obligation: { type: 'array' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

/** A policy as the API shows it (plain arrays, as the response schema types them). */
function shown(p: Policy) {
  const list = <T>(xs: readonly T[] | undefined) => (xs ? [...xs] : undefined);
  const { profile, permission, prohibition, obligation, ...rest } = p;
  return {
    ...rest,
    ...(profile !== undefined ? { profile: typeof profile === 'string' ? profile : [...profile] } : {}),
    ...(permission ? { permission: list(permission) } : {}),
    ...(prohibition ? { prohibition: list(prohibition) } : {}),
    ...(obligation ? { obligation: list(obligation) } : {}),
  };
}

/** The operands a stored policy may use; a policy naming another is refused at creation (400, with its path). */
const operands = defaultRegistry();

const changeRule =
  'Agreements keep what was agreed: each agreement stores its own copy of the agreed policy, so changing a ' +
  'policy changes only what later catalog requests show and later negotiations agree to.';

/** ODRL policies of the calling participant, used by offers as access or contract policy. */
export const policyManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const tags = ['policies'];
  const audit = (
    db: Kysely<Tables>,
    participantId: string,
    actor: string,
    action: string,
    id: string,
    at: Date,
  ) =>
    appendAudit(
      db,
      {
        participantId,
        actor,
        action,
        resourceType: 'policy',
        resourceId: id,
        via: 'management-api',
        outcome: 'success',
      },
      at,
    );

  app.post(
    '/policies',
    {
      schema: {
        tags,
        summary: 'Create an ODRL policy',
        description:
          'Permission, prohibition and obligation rules in compact ODRL (as DSP messages carry them). ' +
          'Left operands, operators and right operands are checked: a policy that would not evaluate is refused ' +
          'with 400 naming the offending path (e.g. permission[0].constraint[2].rightOperand).',
        headers: idempotencyHeaders,
        body: policyBody,
        response: { 201: policySchema, ...problemResponses },
      },
    },
    async (req, reply) =>
      idempotentCreate(ctx, req, reply, 'policy.create', async () => {
        const at = ctx.now();
        const { id, title, ...rest } = req.body;
        const policy: Policy = {
          id,
          title: title ?? id,
          ...parsePolicy(rest, operands),
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
        };
        await ctx.db.transaction().execute(async (tx) => {
          if (await findPolicy(tx, req.participantId, id))
            throw new Conflict('policy.exists', `policy ${JSON.stringify(id)} already exists`, { id });
          await insertPolicy(tx, req.participantId, policy);
          await audit(tx, req.participantId, req.actor, 'policy.create', id, at);
        });
        return shown(policy);
      }),
  );

  app.get(
    '/policies',
    {
      schema: {
        tags,
        summary: 'List policies, ordered by id',
        querystring: pageQuery,
        response: { 200: { type: 'array', items: policySchema }, ...problemResponses },
      },
    },
    async (req) =>
      (
        await listPolicies(ctx.db, req.participantId, {
          limit: req.query.limit ?? 100,
          ...(req.query.after ? { after: req.query.after } : {}),
        })
      ).map(shown),
  );

  app.get(
    '/policies/:id',
    {
      schema: {
        tags,
        summary: 'One policy',
        params: idParams,
        response: { 200: policySchema, ...problemResponses },
      },
    },
    async (req) => {
      const policy = await findPolicy(ctx.db, req.participantId, req.params.id);
      if (!policy) throw new NotFound('policy', req.params.id);
      return shown(policy);
    },
  );

  app.put(
    '/policies/:id',
    {
      schema: {
        tags,
        summary: "Replace a policy's rules",
        description: changeRule,
        params: idParams,
        body: policyUpdate,
        response: { 200: policySchema, ...problemResponses },
      },
    },
    async (req) => {
      const at = ctx.now();
      return ctx.db.transaction().execute(async (tx) => {
        const old = await findPolicy(tx, req.participantId, req.params.id);
        if (!old) throw new NotFound('policy', req.params.id);
        const { title, ...rest } = req.body;
        const policy: Policy = {
          id: old.id,
          title: title ?? old.title,
          ...parsePolicy(rest, operands),
          createdAt: old.createdAt,
          updatedAt: at.toISOString(),
        };
        await updatePolicy(tx, req.participantId, policy);
        await audit(tx, req.participantId, req.actor, 'policy.update', old.id, at);
        return shown(policy);
      });
    },
  );

  app.delete(
    '/policies/:id',
    {
      schema: {
        tags,
        summary: 'Delete a policy',
        description: `A policy an offer still uses cannot be deleted (409 naming the offers). ${changeRule}`,
        params: idParams,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const at = ctx.now();
      await ctx.db.transaction().execute(async (tx) => {
        const users = await offersUsingPolicy(tx, req.participantId, req.params.id);
        if (users.length > 0)
          throw new Conflict(
            'policy.in-use',
            `policy ${JSON.stringify(req.params.id)} is used by offers ${users.join(', ')}`,
            {
              offers: users,
            },
          );
        if (!(await deletePolicy(tx, req.participantId, req.params.id)))
          throw new NotFound('policy', req.params.id);
        await audit(tx, req.participantId, req.actor, 'policy.delete', req.params.id, at);
      });
      return reply.status(204).send(null);
    },
  );

  const scopeAnswer = {
    type: 'object',
    additionalProperties: false,
    required: ['permitted', 'reasonCode', 'message', 'trace'],
    properties: {
      permitted: { type: 'boolean' },
      reasonCode: { type: 'string' },
      message: { type: 'string' },
      trace: { type: 'array', items: { type: 'object', additionalProperties: true } },
      agreementId: { type: ['string', 'null'] },
    },
  } as const;
  app.post(
    '/policies/check',
    {
      schema: {
        tags,
        summary: 'Dry run: would a participant see, obtain and use an asset now, and why not',
        description:
          'Per offer covering the asset: the catalog (access policy), the negotiation (contract policy, with the ' +
          "purpose declared) and a transfer now (the participant's latest agreement for the offer, else as if " +
          "signed now), each with the full trace. Shows the provider's rules: for the local operator only. " +
          'Nothing is stored or sent.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['assetId', 'as'],
          properties: {
            assetId: { type: 'string', minLength: 1, maxLength: 2048 },
            as: { type: 'string', minLength: 1, maxLength: 2048, description: 'the counterparty (its DID)' },
            claims: {
              type: 'object',
              additionalProperties: true,
              description: "claims to assume instead of the claims source's",
            },
            purpose: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['assetId', 'as', 'purpose', 'claims', 'offers'],
            properties: {
              assetId: { type: 'string' },
              as: { type: 'string' },
              purpose: { type: ['string', 'null'] },
              claims: { type: 'object', additionalProperties: true },
              offers: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['offerId', 'catalog', 'negotiation', 'transfer'],
                  properties: {
                    offerId: { type: 'string' },
                    catalog: scopeAnswer,
                    negotiation: scopeAnswer,
                    transfer: scopeAnswer,
                  },
                },
              },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (req) => {
      const b = req.body;
      return checkAccess(ctx, {
        participantId: req.participantId,
        assetId: b.assetId,
        as: b.as,
        ...(b.claims ? { claims: b.claims } : {}),
        ...(b.purpose ? { purpose: b.purpose } : {}),
      });
    },
  );
};
