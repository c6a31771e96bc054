import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { NodeContext } from '../context.js';
import { addressedParticipant } from '../scopes/protocol.js';
import { directoryEntry } from './entries.js';

const entrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['corporateNumber', 'did', 'updatedAt'],
  properties: {
    corporateNumber: { type: 'string' },
    did: { type: 'string' },
    name: { type: 'string' },
    dspEndpoint: { type: 'string' },
    credentialService: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const params = {
  type: 'object',
  required: ['corporateNumber'],
  properties: { corporateNumber: { type: 'string', maxLength: 64 }, participant: { type: 'string' } },
} as const;

/**
 * The public participant directory of each participant acting as an authority: `GET …/directory/<法人番号>` →
 * the company's DID and endpoints. Read-only and cacheable (Cache-Control for `directoryMaxAgeS`, an ETag, 304 on
 * If-None-Match); a malformed number is a 400 and an unknown one a 404, both problem documents. The number may be
 * written as people type it (全角 digits, hyphens).
 */
export const directoryRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (app, { ctx }) => {
  app.get<{ Params: { corporateNumber: string } }>(
    '/directory/:corporateNumber',
    { schema: { params, response: { 200: entrySchema } } },
    async (req, reply) => {
      const participantId = await addressedParticipant(ctx, req);
      const entry = await directoryEntry(ctx, participantId, req.params.corporateNumber);
      const etag = `"${createHash('sha256').update(JSON.stringify(entry)).digest('base64url').slice(0, 27)}"`;
      reply.header('cache-control', `public, max-age=${ctx.config.directoryMaxAgeS}`).header('etag', etag);
      const asked = req.headers['if-none-match'];
      if (asked?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
      return entry;
    },
  );
};
