import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { NodeContext } from '../context.js';

/** Liveness and readiness in one: answers 200 only while the database answers. */
export const healthRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (app, { ctx }) => {
  app.get(
    '/health',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, engine: { type: 'string' } },
          },
        },
      },
    },
    async () => {
      await sql`select 1`.execute(ctx.db);
      return { status: 'ok', engine: ctx.engine };
    },
  );

  app.get('/metrics', async (_req, reply) => {
    reply.type(ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
};
