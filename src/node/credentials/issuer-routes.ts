import type { FastifyPluginAsync } from 'fastify';
import { credentialStatus, issuerMetadata } from '../../dataspace/credentials/index.js';
import { NotFound } from '../../errors/index.js';
import type { NodeContext } from '../context.js';
import { ownDids } from '../counterparty.js';
import { addressedParticipant } from '../scopes/protocol.js';
import { dcpCaller } from './caller.js';
import { credentialRequestStatus, receiveCredentialRequest } from './issuance.js';
import { participantBaseUrl } from './services.js';
import { issuedTypes } from './store.js';

/**
 * A participant's DCP IssuerService (`…/dcp/issuer`): its metadata (the types it issues), CredentialRequestMessages
 * from holders (201 + the status URL; the outcome is delivered to the holder), and each request's status for its
 * holder.
 */
export const issuerRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (app, { ctx }) => {
  const caller = dcpCaller(ctx);

  app.get('/issuer/metadata', async (req) => {
    const participantId = await addressedParticipant(ctx, req);
    return issuerMetadata(ownDids(ctx, participantId)[0] ?? '', await issuedTypes(ctx.db, participantId));
  });

  app.post('/issuer/credentials', { schema: { body: { type: 'object' } } }, async (req, reply) => {
    const participantId = await addressedParticipant(ctx, req);
    const { did: holder } = await caller(req, participantId);
    const { issuerPid } = await receiveCredentialRequest(ctx, participantId, holder, req.body, req.log);
    const location = `${participantBaseUrl(ctx, participantId)}/dcp/issuer/requests/${encodeURIComponent(issuerPid)}`;
    return reply.code(201).header('location', location).send();
  });

  app.get<{ Params: { id: string } }>(
    '/issuer/requests/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 200 } } } } },
    async (req) => {
      const participantId = await addressedParticipant(ctx, req);
      const { did } = await caller(req, participantId);
      const r = await credentialRequestStatus(ctx, participantId, req.params.id, did);
      if (!r) throw new NotFound('credential-request', req.params.id);
      return credentialStatus(r.id, r.holder_pid, r.status);
    },
  );
};
