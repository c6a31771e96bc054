import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import { firstBrokenLink, participantStore } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { problemResponses } from './schemas.js';
import './auth.js';

const entrySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    seq: { type: 'integer' },
    at: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    resourceType: { type: 'string' },
    resourceId: { type: 'string' },
    reason: { type: 'string' },
    via: { type: 'string' },
    outcome: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
    prevHash: { type: 'string' },
    hash: { type: 'string' },
  },
} as const;

/** The calling participant's audit log, oldest first, paged by sequence number. */
export const auditManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log entries after a sequence number',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            afterSeq: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: { 200: { type: 'array', items: entrySchema }, ...problemResponses },
      },
    },
    async (req) => {
      const rows = await participantStore(ctx.db, req.participantId).auditLog({
        afterSeq: req.query.afterSeq ?? 0,
        limit: req.query.limit ?? 100,
      });
      return rows.map((r) => ({
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        action: r.action,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        ...(r.reason ? { reason: r.reason } : {}),
        via: r.via,
        outcome: r.outcome,
        details: JSON.parse(r.details) as Record<string, unknown>,
        ...(r.prev_hash ? { prevHash: r.prev_hash } : {}),
        hash: r.hash,
      }));
    },
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Check the hash chain of the whole audit log',
        response: {
          200: {
            type: 'object',
            properties: {
              intact: { type: 'boolean' },
              entries: { type: 'integer' },
              firstBroken: { type: 'integer' },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (req) => {
      const store = participantStore(ctx.db, req.participantId);
      const all = [];
      for (
        let page = await store.auditLog({ limit: 1000 });
        page.length > 0;
        page = await store.auditLog({ afterSeq: page.at(-1)?.seq ?? 0, limit: 1000 })
      ) {
        all.push(...page);
      }
      const broken = firstBrokenLink(all);
      return {
        intact: broken === undefined,
        entries: all.length,
        ...(broken !== undefined ? { firstBroken: broken } : {}),
      };
    },
  );
};
