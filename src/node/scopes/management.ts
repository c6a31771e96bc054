import swagger from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import { ouranosManagementRoutes } from '../../apps/ouranos/index.js';
import type { NodeContext } from '../context.js';
import { agreementManagementRoutes } from '../management/agreements.js';
import { assetManagementRoutes } from '../management/assets.js';
import { auditManagementRoutes } from '../management/audit.js';
import { apiKeyAuth } from '../management/auth.js';
import { catalogManagementRoutes } from '../management/catalog.js';
import { credentialManagementRoutes } from '../management/credentials.js';
import { directoryManagementRoutes } from '../management/directory.js';
import { footprintManagementRoutes } from '../management/footprint.js';
import { negotiationManagementRoutes } from '../management/negotiations.js';
import { offerManagementRoutes } from '../management/offers.js';
import { participantManagementRoutes } from '../management/participant.js';
import { policyManagementRoutes } from '../management/policies.js';
import { transferManagementRoutes } from '../management/transfers.js';
import { pactManagementScope } from './pact.js';

export const managementPrefix = '/management/v1';

/**
 * The private management API. Its OpenAPI 3.1 description is public (it holds no data); every other route
 * sits behind the API-key hook, which fixes the participant for the whole request.
 */
export const managementScope: FastifyPluginAsync<{ ctx: NodeContext; version: string }> = async (
  app,
  { ctx, version },
) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Musubi management API',
        version,
        description:
          'Private API of one participant on a Musubi node. Every request acts for the participant that owns the API key; ' +
          'resources of other participants answer 404. Errors are RFC 9457 problem details.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (secured) => {
    await secured.register(apiKeyAuth, { ctx });
    await secured.register(participantManagementRoutes, { ctx });
    await secured.register(assetManagementRoutes, { ctx });
    await secured.register(auditManagementRoutes, { ctx });
    await secured.register(policyManagementRoutes, { ctx });
    await secured.register(offerManagementRoutes, { ctx });
    await secured.register(catalogManagementRoutes, { ctx });
    await secured.register(negotiationManagementRoutes, { ctx });
    await secured.register(agreementManagementRoutes, { ctx });
    await secured.register(transferManagementRoutes, { ctx });
    await secured.register(credentialManagementRoutes, { ctx });
    await secured.register(directoryManagementRoutes, { ctx });
    await secured.register(pactManagementScope, { ctx });
    await secured.register(footprintManagementRoutes, { ctx });
    await secured.register(ouranosManagementRoutes, { db: ctx.db, now: ctx.now });
  });
};
