import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Unauthorized } from '../../errors/index.js';
import type { NodeContext } from '../context.js';
import { authenticateApiKey } from '../participants.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The participant the request acts for: set by the scope's authentication hook. */
    participantId: string;
    /** Who acts, for the audit log (`api-key:<id>`, a peer DID …). */
    actor: string;
  }
}

function presentedKey(req: FastifyRequest): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string') return header;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

/**
 * API-key authentication for the management scope. The key alone decides the participant: a request can
 * never name another participant to act for.
 */
export const apiKeyAuth = fp<{ ctx: NodeContext }>(async (app, { ctx }) => {
  app.decorateRequest('participantId', '');
  app.decorateRequest('actor', '');
  app.addHook('onRequest', async (req) => {
    const key = presentedKey(req);
    if (!key)
      throw new Unauthorized(
        'auth.missing-api-key',
        'an API key is required (header x-api-key or Authorization: Bearer)',
      );
    const record = await authenticateApiKey(ctx.db, key);
    if (!record) throw new Unauthorized('auth.invalid-api-key', 'the API key is unknown or revoked');
    req.participantId = record.participant_id;
    req.actor = `api-key:${record.id}`;
  });
});
