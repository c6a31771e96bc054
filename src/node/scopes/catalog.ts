import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type CatalogFrame,
  catalogError,
  catalogMessage,
  datasetMessage,
  decodeCursor,
  type Explain,
  encodeCursor,
  pageVisibleDatasets,
  parseCatalogFilter,
  visibleDataset,
} from '../../dataspace/catalog/index.js';
import { participantDid } from '../../dataspace/identity/index.js';
import { formatTrace } from '../../dataspace/policy/index.js';
import { compactDspMessage } from '../../dataspace/protocol/index.js';
import { NotFound } from '../../errors/index.js';
import { appendAudit } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { usageControl } from '../policy/usage-control.js';
import { toProblem } from '../problem.js';
import { addressedParticipant, type ScopeRoutes } from './protocol.js';

/**
 * The DSP 2025-1 catalog endpoints (HTTPS binding): `POST /catalog/request` pages the datasets the caller may
 * see, with `Link` headers (rel next / prev) carrying a keyset continuation token; `GET /catalog/datasets/:id`
 * answers one of them. A dataset the caller may not see is absent, and 404 like an unknown one — why is
 * written to the local log at debug, never to the caller. Errors are CatalogError messages.
 */

const catalogRequest = {
  type: 'object',
  required: ['@context', '@type'],
  properties: {
    '@context': { type: 'array', items: { type: 'string' } },
    '@type': { type: 'string', const: 'CatalogRequestMessage' },
    filter: { type: 'array', maxItems: 50 },
  },
} as const;

const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    continuationToken: { type: 'string', maxLength: 2048 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    participant: { type: 'string' },
  },
} as const;

const datasetParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 2048 }, participant: { type: 'string' } },
} as const;

function catalogErrorReply(error: unknown, req: FastifyRequest, reply: FastifyReply) {
  const p = toProblem(error, req);
  if (p.status >= 500) req.log.error({ err: error }, 'catalog request failed');
  else req.log.info({ code: p.code, status: p.status }, 'catalog request refused');
  const reason = [p.detail ?? p.title, ...(p.errors ?? []).map((e) => `${e.pointer}: ${e.message}`)];
  return reply.status(p.status).send(catalogError(p.code, reason));
}

export const catalogRoutes: ScopeRoutes = async (app, { ctx }) => {
  app.setErrorHandler(catalogErrorReply);
  app.addContentTypeParser(
    'application/ld+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  // Expanded JSON-LD becomes the compact shape before the schema sees it; compact bodies pass untouched.
  app.addHook('preValidation', async (req) => {
    if (req.method === 'POST') req.body = await compactDspMessage(req.body);
  });

  const frameFor = (participantId: string): CatalogFrame => {
    const isDefault = participantId === ctx.config.defaultParticipantId;
    const endpointURL = `${ctx.publicUrl()}${isDefault ? '' : `/p/${participantId}`}/dsp`;
    return {
      catalogId: `${endpointURL}/2025-1/catalog`,
      participantId: participantDid(ctx.publicHost(), participantId, isDefault),
      endpointURL,
    };
  };
  const explainTo =
    (req: FastifyRequest): Explain =>
    (policyId, decision) =>
      req.log.debug(
        {
          counterparty: req.counterparty?.id,
          policyId,
          reasonCode: decision.reasonCode,
          trace: formatTrace(decision.trace),
        },
        'offers hidden from the counterparty by their access policy',
      );
  const audit = (participantId: string, req: FastifyRequest, resourceId: string, count: number) =>
    appendAudit(
      ctx.db,
      {
        participantId,
        actor: req.counterparty?.id ?? 'unknown',
        action: 'catalog.read',
        resourceType: resourceId === 'catalog' ? 'catalog' : 'dataset',
        resourceId,
        via: 'dsp',
        outcome: count > 0 ? 'success' : 'denied',
        details: { datasets: count },
      },
      ctx.now(),
    );

  app.post(
    '/2025-1/catalog/request',
    { schema: { body: catalogRequest, querystring: pageQuery } },
    async (req, reply) => {
      const participantId = await addressedParticipant(ctx, req);
      const body = req.body as { filter?: unknown[] };
      const query = req.query as { continuationToken?: string; limit: number };
      const filter = parseCatalogFilter(body.filter);
      const cursor = query.continuationToken ? decodeCursor(query.continuationToken) : undefined;
      const who = await counterpartyOf(ctx, req);
      const page = await pageVisibleDatasets(
        ctx.db,
        participantId,
        who,
        { filter, limit: query.limit, ...(cursor ? { cursor } : {}) },
        explainTo(req),
      );
      await audit(participantId, req, 'catalog', page.datasets.length);
      const self = `${ctx.publicUrl()}${req.url.split('?')[0]}`;
      const link = (c: NonNullable<typeof page.next>, rel: string) => {
        const u = new URL(self);
        u.searchParams.set('continuationToken', encodeCursor(c));
        if (query.limit !== 100) u.searchParams.set('limit', String(query.limit));
        return `<${u.toString()}>; rel="${rel}"`;
      };
      const links = [
        ...(page.next ? [link(page.next, 'next')] : []),
        ...(page.prev ? [link(page.prev, 'prev')] : []),
      ];
      if (links.length) reply.header('link', links.join(', '));
      return catalogMessage(page.datasets, frameFor(participantId));
    },
  );

  app.get('/2025-1/catalog/datasets/:id', { schema: { params: datasetParams } }, async (req) => {
    const participantId = await addressedParticipant(ctx, req);
    const { id } = req.params as { id: string };
    const found = await visibleDataset(
      ctx.db,
      participantId,
      await counterpartyOf(ctx, req),
      id,
      explainTo(req),
    );
    const message = found && datasetMessage(found, frameFor(participantId));
    await audit(participantId, req, id, message ? 1 : 0);
    if (!message) throw new NotFound('dataset', id);
    return message;
  });
};

/** The requester with its verified claims, so access policies can test membership, role or country. */
async function counterpartyOf(ctx: NodeContext, req: FastifyRequest) {
  const id = req.counterparty?.id ?? '';
  return { id, claims: id ? await usageControl(ctx).claimsOf(id) : {} };
}
