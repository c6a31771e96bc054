import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import { PeerCatalogRefused, PeerUnsupported } from '../../dataspace/catalog/index.js';
import { compactDspMessage, dspContext } from '../../dataspace/protocol/index.js';
import { InvalidInput } from '../../errors/index.js';
import { appendAudit } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { dspAuthHeaders } from '../counterparty.js';
import { problemResponses } from './schemas.js';
import './auth.js';

const requestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['counterpartyAddress'],
  properties: {
    counterpartyAddress: {
      type: 'string',
      format: 'uri',
      maxLength: 2048,
      description: "the provider participant's root URL (where /.well-known/dspace-version answers)",
    },
    counterpartyId: {
      type: 'string',
      minLength: 1,
      maxLength: 2048,
      description:
        "the provider's DID; by default the id of the DID document published at counterpartyAddress",
    },
    filter: {
      type: 'array',
      maxItems: 50,
      items: { type: 'object' },
      description: 'e.g. [{"keyword": "部品表"}, {"mediaType": "text/csv"}] (keyword, mediaType, id)',
    },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    page: { type: 'string', maxLength: 4096, description: 'the `next` or `prev` URL of an earlier answer' },
  },
} as const;

const answerSchema = {
  type: 'object',
  required: ['catalog'],
  properties: {
    catalog: { type: 'object', additionalProperties: true, description: 'the DSP Catalog, compact JSON-LD' },
    next: { type: 'string' },
    prev: { type: 'string' },
  },
} as const;

/**
 * The peer's DID when the caller did not name it: the `id` of the did:web document the peer publishes at its
 * root (`/.well-known/did.json`, or `<root>/did.json` below a path). It only addresses our token to the peer.
 */
async function peerDid(ctx: NodeContext, root: string): Promise<string> {
  const u = new URL(root);
  const url =
    u.pathname === '/' || u.pathname === '' ? `${u.origin}/.well-known/did.json` : `${root}/did.json`;
  let doc: { id?: unknown };
  try {
    doc = await ctx.outbound.json(url);
  } catch (e) {
    if (e instanceof InvalidInput) throw e;
    throw new PeerUnsupported(
      root,
      `no counterpartyId given and ${url} did not answer (${(e as Error).message})`,
    );
  }
  if (typeof doc?.id !== 'string') throw new PeerUnsupported(root, `${url} holds no DID document`);
  return doc.id;
}

/** The peer's DSP 2025-1 base from its `/.well-known/dspace-version`; a peer without 2025-1 is refused. */
async function peerDspBase(ctx: NodeContext, root: string): Promise<string> {
  const url = `${root}/.well-known/dspace-version`;
  let versions: { protocolVersions?: { version?: unknown; path?: unknown }[] };
  try {
    versions = await ctx.outbound.json(url);
  } catch (e) {
    if (e instanceof InvalidInput) throw e; // egress refused, bad URL: say so as it is
    throw new PeerUnsupported(root, `${url} did not answer (${(e as Error).message})`);
  }
  const list = Array.isArray(versions?.protocolVersions) ? versions.protocolVersions : [];
  const v = list.find((p) => p?.version === '2025-1');
  if (!v || typeof v.path !== 'string') throw new PeerUnsupported(root, 'it does not offer DSP 2025-1');
  return new URL(v.path, `${root}/`).href.replace(/\/+$/, '');
}

/** `<url>; rel="next"` members of a Link header, by rel. */
function links(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/<([^>]+)>\s*;\s*rel="?([a-z]+)"?/g))
    if (m[1] && m[2]) out[m[2]] = m[1];
  return out;
}

/**
 * Reads a counterparty's catalog for the calling participant: a CatalogRequestMessage sent through the
 * node's outbound client (the egress policy applies), authenticated as the participant.
 */
export const catalogManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();

  app.post(
    '/catalog/request',
    {
      schema: {
        tags: ['catalog'],
        summary: "Request a counterparty's catalog",
        description:
          'One page of the datasets the counterparty lets this participant see; follow `next` / `prev` by passing ' +
          'them back as `page`. Expanded JSON-LD answers are returned compacted.',
        body: requestBody,
        response: { 200: answerSchema, ...problemResponses },
      },
    },
    async (req) => {
      const b = req.body;
      const root = b.counterpartyAddress.replace(/\/+$/, '').replace(/\/dsp(\/2025-1)?$/, '');
      const audience = b.counterpartyId ?? (await peerDid(ctx, root));
      const endpoint = `${await peerDspBase(ctx, root)}/catalog/request`;
      // A page link only contributes its query (the continuation token): the request always goes to the
      // endpoint the peer's version document named, whatever host its Link header spelled.
      const target = new URL(endpoint);
      if (b.page !== undefined) {
        const page = new URL(b.page, endpoint);
        if (page.pathname !== target.pathname)
          throw new InvalidInput('catalog.foreign-page', `page ${b.page} is not a page of ${endpoint}`);
        target.search = page.search;
      }
      if (b.limit !== undefined) target.searchParams.set('limit', String(b.limit));
      const res = await ctx.outbound.request(target, {
        method: 'POST',
        headers: await dspAuthHeaders(ctx, req.participantId, audience),
        json: { '@context': [dspContext], '@type': 'CatalogRequestMessage', filter: b.filter ?? [] },
      });
      const body = res.status === 200 || res.status >= 400 ? safeJson(res.text()) : undefined;
      if (res.status !== 200) {
        const reason = (body as { reason?: unknown } | undefined)?.reason;
        throw new PeerCatalogRefused(
          endpoint,
          res.status,
          Array.isArray(reason) ? reason.join('; ') : 'no reason given',
        );
      }
      const catalog = await compactDspMessage(body);
      await appendAudit(
        ctx.db,
        {
          participantId: req.participantId,
          actor: req.actor,
          action: 'catalog.request',
          resourceType: 'catalog',
          resourceId: endpoint,
          via: 'management-api',
          outcome: 'success',
          details: { counterparty: audience },
        },
        ctx.now(),
      );
      const rel = links(res.headers.link);
      return {
        catalog,
        ...(rel.next ? { next: new URL(rel.next, endpoint).href } : {}),
        ...(rel.prev ? { prev: new URL(rel.prev, endpoint).href } : {}),
      };
    },
  );
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
