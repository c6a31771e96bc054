import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import { InvalidInput } from '../../errors/index.js';
import type { NodeContext } from '../context.js';
import { issueAndDeliver, revokeCredential } from '../credentials/authority.js';
import { requestCredentials } from '../credentials/issuance.js';
import { heldCredentials, listIssuedCredentials } from '../credentials/store.js';
import './auth.js';
import { idParams, problemResponses } from './schemas.js';

const issuedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'holder', 'type', 'statusList', 'statusIndex', 'issuedAt'],
  properties: {
    id: { type: 'string' },
    holder: { type: 'string' },
    type: { type: 'string' },
    statusList: { type: 'string' },
    statusIndex: { type: 'integer' },
    issuedAt: { type: 'string' },
    validUntil: { type: 'string' },
    revokedAt: { type: 'string' },
  },
} as const;

const heldSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'issuer', 'profile', 'receivedAt'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    issuer: { type: 'string' },
    profile: { type: 'string' },
    validUntil: { type: 'string' },
    receivedAt: { type: 'string' },
  },
} as const;

const issueBody = {
  type: 'object',
  additionalProperties: false,
  required: ['holder', 'type'],
  properties: {
    holder: { type: 'string', maxLength: 2048 },
    type: { type: 'string', maxLength: 100 },
    claims: { type: 'object', additionalProperties: true },
    validFrom: { type: 'string', format: 'date-time' },
    validUntil: { type: 'string', format: 'date-time' },
  },
} as const;

const issued = (c: Awaited<ReturnType<typeof listIssuedCredentials>>[number]) => ({
  id: c.id,
  holder: c.holder,
  type: c.type,
  statusList: c.status_list,
  statusIndex: Number(c.status_index),
  issuedAt: c.issued_at,
  ...(c.valid_until ? { validUntil: c.valid_until } : {}),
  ...(c.revoked_at ? { revokedAt: c.revoked_at } : {}),
});

/**
 * Credentials: the ones the participant holds (`/credentials`), and the authority role (`/authority/…`):
 * issue and deliver to a holder, list, revoke.
 */
export const credentialManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();

  app.get(
    '/credentials',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Verifiable credentials this participant holds (never their content)',
        response: { 200: { type: 'array', items: heldSchema }, ...problemResponses },
      },
    },
    async (req) =>
      (await heldCredentials(ctx.db, req.participantId)).map((c) => ({
        id: c.id,
        type: c.type,
        issuer: c.issuer,
        profile: c.profile,
        ...(c.valid_until ? { validUntil: c.valid_until } : {}),
        receivedAt: c.received_at,
      })),
  );

  app.post(
    '/credentials/requests',
    {
      schema: {
        tags: ['credentials'],
        summary:
          "Ask an issuer for credentials (DCP CredentialRequestMessage); they arrive at this participant's CredentialService",
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['issuer', 'types'],
          properties: {
            issuer: { type: 'string', pattern: '^did:web:', maxLength: 2048 },
            types: {
              type: 'array',
              minItems: 1,
              maxItems: 20,
              items: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9._-]{0,99}$' },
            },
          },
        },
        response: {
          202: {
            type: 'object',
            additionalProperties: false,
            required: ['holderPid', 'status'],
            properties: {
              holderPid: { type: 'string' },
              status: { type: 'string' },
              statusUrl: { type: 'string' },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (req, reply) =>
      reply
        .code(202)
        .send(await requestCredentials(ctx, req.participantId, req.body.issuer, req.body.types, req.actor)),
  );

  app.post(
    '/authority/credentials',
    {
      schema: {
        tags: ['authority'],
        summary: "Issue a credential (VC 2.0 JOSE) and deliver it to the holder's CredentialService",
        body: issueBody,
        response: { 201: issuedSchema, ...problemResponses },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const validFrom = b.validFrom ? new Date(b.validFrom) : undefined;
      const validUntil = b.validUntil ? new Date(b.validUntil) : undefined;
      if (validFrom && validUntil && validUntil <= validFrom)
        throw new InvalidInput('authority.invalid-validity', 'validUntil must be after validFrom');
      const c = await issueAndDeliver(
        ctx,
        req.participantId,
        {
          holder: b.holder,
          type: b.type,
          claims: b.claims ?? {},
          ...(validFrom ? { validFrom } : {}),
          ...(validUntil ? { validUntil } : {}),
        },
        req.actor,
      );
      return reply.code(201).send(issued(c));
    },
  );

  app.get(
    '/authority/credentials',
    {
      schema: {
        tags: ['authority'],
        summary: 'Credentials this participant issued, with their status',
        response: { 200: { type: 'array', items: issuedSchema }, ...problemResponses },
      },
    },
    async (req) => (await listIssuedCredentials(ctx.db, req.participantId)).map(issued),
  );

  app.post(
    '/authority/credentials/:id/revoke',
    {
      schema: {
        tags: ['authority'],
        summary: 'Revoke an issued credential (sets its bit in the published status list)',
        params: idParams,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: 500 } },
        },
        response: { 200: issuedSchema, ...problemResponses },
      },
    },
    async (req) =>
      issued(await revokeCredential(ctx, req.participantId, req.params.id, req.actor, req.body?.reason)),
  );
};
