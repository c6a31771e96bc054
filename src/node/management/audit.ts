import { Readable } from 'node:stream';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { maskPersonalFields, toExportLine } from '../../dataspace/audit/index.js';
import { InvalidInput } from '../../errors/index.js';
import { auditPages, listReceipts, participantStore } from '../../store/index.js';
import { verifyStoredAudit, writeCheckpoint } from '../audit.js';
import type { NodeContext } from '../context.js';
import { auditLineage } from '../lineage.js';
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

function isoTime(value: string, name: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new InvalidInput('audit.invalid-date', `${name} ${JSON.stringify(value)} is not a date`);
  return new Date(t).toISOString();
}

const findingSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { seq: { type: 'integer' }, problem: { type: 'string' }, message: { type: 'string' } },
} as const;

const reportSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    intact: { type: 'boolean' },
    entries: { type: 'integer' },
    firstSeq: { type: 'integer' },
    head: {
      type: 'object',
      additionalProperties: false,
      properties: { seq: { type: 'integer' }, hash: { type: 'string' } },
    },
    checkpoints: { type: 'integer' },
    lastCheckpoint: { type: 'integer' },
    receipts: { type: 'integer' },
    firstBad: findingSchema,
    /** The seq of firstBad, kept for callers written against the first version. */
    firstBroken: { type: 'integer' },
  },
} as const;

const receiptSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    role: { type: 'string' },
    issuer: { type: 'string' },
    audience: { type: 'string' },
    head: {
      type: 'object',
      additionalProperties: false,
      properties: { seq: { type: 'integer' }, hash: { type: 'string' } },
    },
    event: {
      type: 'object',
      additionalProperties: false,
      properties: {
        kind: { type: 'string' },
        process: { type: 'string' },
        type: { type: 'string' },
        digest: { type: 'string' },
      },
    },
    at: { type: 'string' },
    jws: { type: 'string' },
  },
} as const;

const lineageSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    subject: { type: 'string' },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          kind: { type: 'string' },
          at: { type: 'string' },
          seq: { type: 'integer' },
          action: { type: 'string' },
          resource: { type: 'string' },
          trackingId: { type: 'string' },
          counterparty: { type: 'string' },
          receipt: {
            type: 'object',
            additionalProperties: false,
            properties: {
              id: { type: 'string' },
              headSeq: { type: 'integer' },
              headHash: { type: 'string' },
            },
          },
        },
      },
    },
    edges: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { from: { type: 'string' }, to: { type: 'string' } },
      },
    },
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
            action: { type: 'string', description: 'e.g. dataplane.access' },
            actor: { type: 'string' },
            resourceType: { type: 'string' },
            resourceId: { type: 'string' },
            outcome: { type: 'string', enum: ['success', 'denied', 'failure'] },
            from: { type: 'string', description: 'entries at or after this time (ISO 8601)' },
            to: { type: 'string', description: 'entries before this time (ISO 8601)' },
          },
        },
        response: { 200: { type: 'array', items: entrySchema }, ...problemResponses },
      },
    },
    async (req) => {
      const { afterSeq, limit, from, to, ...exact } = req.query;
      const rows = await participantStore(ctx.db, req.participantId).auditLog({
        ...exact,
        afterSeq: afterSeq ?? 0,
        limit: limit ?? 100,
        ...(from ? { from: isoTime(from, 'from') } : {}),
        ...(to ? { to: isoTime(to, 'to') } : {}),
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
    '/audit/receipts',
    {
      schema: {
        tags: ['audit'],
        summary: 'Receipts exchanged with counterparties: issued (ours, they hold them) or held (theirs)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            role: { type: 'string', enum: ['issued', 'held'] },
            counterparty: { type: 'string', description: 'the other side’s DID' },
            processId: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
          },
        },
        response: { 200: { type: 'array', items: receiptSchema }, ...problemResponses },
      },
    },
    async (req) => {
      const { role, counterparty, processId, limit } = req.query;
      const rows = await listReceipts(ctx.db, req.participantId, {
        ...(role ? { role } : {}),
        ...(counterparty ? { counterparty } : {}),
        ...(processId ? { processId } : {}),
        limit: limit ?? 1000,
      });
      return rows.map((r) => ({
        id: r.id,
        role: r.role,
        issuer: r.issuer,
        audience: r.audience,
        head: { seq: r.head_seq, hash: r.head_hash },
        event: {
          kind: r.event_kind,
          ...(r.process_id ? { process: r.process_id } : {}),
          ...(r.event_type ? { type: r.event_type } : {}),
          ...(r.digest ? { digest: r.digest } : {}),
        },
        at: r.at,
        jws: r.jws,
      }));
    },
  );

  app.get(
    '/audit/lineage',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Created/Sent/Received DAG of an asset, a process or an entry; stops at the counterparty’s receipt',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['subject'],
          properties: {
            subject: { type: 'string', minLength: 1, description: 'entry seq, asset id or process id' },
          },
        },
        response: { 200: lineageSchema, ...problemResponses },
      },
    },
    async (req) => {
      const l = await auditLineage(ctx.participants, req.participantId, req.query.subject);
      return { subject: l.subject, nodes: [...l.nodes], edges: [...l.edges] };
    },
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Walk the hash chain and checkpoint signatures; names the first bad entry',
        response: { 200: reportSchema, ...problemResponses },
      },
    },
    async (req) => {
      const r = await verifyStoredAudit(ctx.db, req.participantId);
      return { ...r, ...(r.firstBad ? { firstBroken: r.firstBad.seq } : {}) };
    },
  );

  app.post(
    '/audit/checkpoints',
    {
      schema: {
        tags: ['audit'],
        summary: 'Sign the chain head now with the participant key',
        response: {
          201: {
            type: 'object',
            additionalProperties: false,
            properties: { seq: { type: 'integer' }, hash: { type: 'string' }, signature: { type: 'string' } },
          },
          ...problemResponses,
        },
      },
    },
    async (req, reply) => {
      const r = await writeCheckpoint(ctx.participants, req.participantId, 'management-api');
      return reply.code(201).send({ seq: r.seq, hash: r.hash, signature: r.signature ?? '' });
    },
  );

  app.get(
    '/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: 'The log as JSON lines (application/x-ndjson), every column, for offline verification',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'string', description: 'entries at or after this time (ISO 8601)' },
            to: { type: 'string', description: 'entries before this time (ISO 8601)' },
            mask: { type: 'boolean', default: false },
          },
        },
        // No 200 schema: the body is a stream of lines, not one JSON document.
        response: { ...problemResponses },
      },
    },
    async (req, reply) => {
      const { from, to, mask } = req.query;
      const range = {
        ...(from ? { from: isoTime(from, 'from') } : {}),
        ...(to ? { to: isoTime(to, 'to') } : {}),
      };
      const pages = auditPages(ctx.db, req.participantId, range);
      const lines = Readable.from(
        (async function* () {
          for await (const page of pages) {
            yield `${page.map((r) => JSON.stringify(toExportLine(r, mask ? maskPersonalFields : undefined))).join('\n')}\n`;
          }
        })(),
      );
      // The typed reply only knows the problem schemas; a stream goes through the plain one.
      return (reply as FastifyReply).type('application/x-ndjson; charset=utf-8').send(lines);
    },
  );
};
