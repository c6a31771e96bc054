import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { participantDid } from '../../dataspace/identity/index.js';
import { NotFound } from '../../errors/index.js';
import { findParticipant } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { didDocumentCacheControl, participantDidDocument } from '../did-document.js';

/**
 * The public, unauthenticated documents of each participant under `/p/<participant>/`, and of the default
 * participant at the root: its DID document and the DSP version metadata. An unknown participant is a 404.
 */
export const participantRootRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (app, { ctx }) => {
  const defaultId = ctx.config.defaultParticipantId;

  async function resolve(id: string) {
    const p = await findParticipant(ctx.db, id);
    if (!p) throw new NotFound('participant', id);
    return p;
  }

  const base = (id: string) => (id === defaultId ? '' : `/p/${id}`);

  async function did(id: string, reply: FastifyReply) {
    await resolve(id);
    reply.header('cache-control', didDocumentCacheControl(ctx));
    return participantDidDocument(ctx, id, participantDid(ctx.publicHost(), id, id === defaultId));
  }

  async function versions(id: string) {
    await resolve(id);
    return {
      protocolVersions: [
        { version: '2025-1', path: `${base(id)}/dsp/2025-1`, binding: 'HTTPS', identifierType: 'did:web' },
      ],
    };
  }

  const params = {
    type: 'object',
    required: ['participant'],
    properties: { participant: { type: 'string', maxLength: 63 } },
  } as const;

  app.get('/.well-known/did.json', async (_req, reply) => did(defaultId, reply));
  app.get('/.well-known/dspace-version', async () => versions(defaultId));
  app.get<{ Params: { participant: string } }>(
    '/p/:participant/did.json',
    { schema: { params } },
    async (req, reply) => did(req.params.participant, reply),
  );
  app.get<{ Params: { participant: string } }>(
    '/p/:participant/.well-known/dspace-version',
    { schema: { params } },
    async (req) => versions(req.params.participant),
  );
};
