import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import { keyStatus, participantDid } from '../../dataspace/identity/index.js';
import { NotFound } from '../../errors/index.js';
import { findParticipant, participantStore } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import './auth.js';
import { historyEntry, issueApiKey, rotateParticipantKey } from '../participants.js';
import { forgetSigningKeys } from '../signing.js';
import { idParams, problemResponses } from './schemas.js';

const participantSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'did', 'createdAt', 'keys'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    corporateNumber: { type: 'string' },
    did: { type: 'string' },
    createdAt: { type: 'string' },
    keys: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kid: { type: 'string' },
          alg: { type: 'string' },
          status: { type: 'string', enum: ['pending', 'active', 'retiring', 'retired'] },
          createdAt: { type: 'string' },
          activeFrom: { type: 'string' },
          retiredAt: { type: 'string' },
        },
      },
    },
  },
} as const;

const apiKeySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'label', 'createdAt'],
  properties: {
    id: { type: 'string' },
    label: { type: 'string' },
    createdAt: { type: 'string' },
    revokedAt: { type: 'string' },
  },
} as const;

/** The calling participant itself and its API keys. Keys are shown in full only when issued. */
export const participantManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (
  base,
  { ctx },
) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();

  app.get(
    '/participant',
    {
      schema: {
        tags: ['participant'],
        summary: 'The participant the API key belongs to',
        response: { 200: participantSchema, ...problemResponses },
      },
    },
    async (req) => {
      const p = await findParticipant(ctx.db, req.participantId);
      if (!p) throw new NotFound('participant', req.participantId);
      const keys = await participantStore(ctx.db, p.id).listKeys();
      return {
        id: p.id,
        name: p.name,
        ...(p.corporate_number ? { corporateNumber: p.corporate_number } : {}),
        did: participantDid(ctx.publicHost(), p.id, p.id === ctx.config.defaultParticipantId),
        createdAt: p.created_at,
        keys: keys.map(historyEntry).map((k) => ({
          kid: k.kid,
          alg: k.alg,
          status: keyStatus(k, ctx.now(), ctx.config.keyGracePeriodS * 1000),
          createdAt: k.createdAt,
          ...(k.activeFrom ? { activeFrom: k.activeFrom } : {}),
          ...(k.retiredAt ? { retiredAt: k.retiredAt } : {}),
        })),
      };
    },
  );

  app.post(
    '/participant/keys/rotate',
    {
      schema: {
        tags: ['participant'],
        summary: 'Rotate the key pairs without downtime',
        description:
          'New key pairs are published in the DID document at once and sign after `activateInSeconds` (default: the ' +
          'node’s keyActivationDelayS), when peers caching the document know them; the replaced keys sign until then ' +
          'and stay published for keyGracePeriodS, so what they signed still verifies.',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { activateInSeconds: { type: 'integer', minimum: 0, maximum: 86_400 } },
        },
        response: {
          201: {
            type: 'object',
            additionalProperties: false,
            required: ['kids', 'activeFrom'],
            properties: {
              kids: { type: 'array', items: { type: 'string' } },
              activeFrom: { type: 'string' },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (req, reply) => {
      const delayS = req.body?.activateInSeconds ?? ctx.config.keyActivationDelayS;
      const rotated = await rotateParticipantKey(
        ctx.participants,
        req.participantId,
        delayS * 1000,
        req.actor,
        'management-api',
      );
      forgetSigningKeys(ctx, req.participantId);
      return reply.status(201).send({ kids: [...rotated.kids], activeFrom: rotated.activeFrom });
    },
  );

  app.get(
    '/api-keys',
    {
      schema: {
        tags: ['participant'],
        summary: 'API keys of this participant (never the secrets)',
        response: { 200: { type: 'array', items: apiKeySchema }, ...problemResponses },
      },
    },
    async (req) =>
      (await participantStore(ctx.db, req.participantId).listApiKeys()).map((k) => ({
        id: k.id,
        label: k.label,
        createdAt: k.created_at,
        ...(k.revoked_at ? { revokedAt: k.revoked_at } : {}),
      })),
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags: ['participant'],
        summary: 'Issue a new API key; the key is in this response only',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['label'],
          properties: { label: { type: 'string', minLength: 1, maxLength: 100 } },
        },
        response: {
          201: {
            type: 'object',
            required: ['id', 'key'],
            properties: { id: { type: 'string' }, key: { type: 'string' } },
          },
          ...problemResponses,
        },
      },
    },
    async (req, reply) => {
      const issued = await issueApiKey(
        ctx.participants,
        req.participantId,
        req.body.label,
        req.actor,
        'management-api',
      );
      return reply.status(201).send({ ...issued });
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags: ['participant'],
        summary: 'Revoke an API key',
        params: idParams,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const store = participantStore(ctx.db, req.participantId);
      const at = ctx.now();
      await store.transaction(async (tx) => {
        if (!(await tx.revokeApiKey(req.params.id, at.toISOString())))
          throw new NotFound('api-key', req.params.id);
        await tx.audit(
          {
            actor: req.actor,
            action: 'api-key.revoke',
            resourceType: 'api-key',
            resourceId: req.params.id,
            via: 'management-api',
            outcome: 'success',
          },
          at,
        );
      });
      return reply.status(204).send(null);
    },
  );
};
