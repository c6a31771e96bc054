import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type AuditEntry, appendAudit } from '../../store/index.js';
import { MappingRefused } from '../footprint/index.js';
import {
  authenticateClient,
  checkAccessToken,
  issueAccessToken,
  parseBasic,
  tokenLifetimeS,
} from './clients.js';
import { OAuthRefusal, PactRefusal } from './errors.js';
import { readEvent, type Spec } from './events.js';
import { parseListQuery, type RawQuery } from './filters.js';
import type { PactDeps } from './host.js';
import type { ClientEntitlement, PactErrorCode, ProductFootprint } from './model.js';
import { pactErrorStatus } from './model.js';
import type { PactEvents, PactFootprints } from './ports.js';
import { pactDb } from './store.js';
import { toV2 } from './v2.js';

/** What the PACT routes are given: the ports, and which participant a request is addressed to. */
export interface PactHost {
  readonly deps: PactDeps;
  readonly footprints: PactFootprints;
  readonly events: PactEvents;
  /** The participant of `/p/<id>/pact/…` (or the default one at `/pact`); unknown ones throw a 404. */
  readonly participantOf: (req: FastifyRequest) => Promise<string>;
}

export const defaultPageSize = 100;
export const maxPageSize = 1000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The PACT client a request's bearer token speaks for. */
    pactClient?: ClientEntitlement;
  }
}

const pactError = (reply: FastifyReply, code: PactErrorCode, message: string) =>
  reply.status(pactErrorStatus[code]).type('application/json').send({ code, message });

/** Every error under the PACT scope in PACT's shape: `{code, message}`, or RFC 6749 §5.2 at the token endpoint. */
function pactErrorHandler(error: unknown, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof OAuthRefusal) {
    if (error.status === 401) reply.header('www-authenticate', 'Basic realm="pact"');
    req.log.info({ code: error.code }, 'PACT token refused');
    return reply.status(error.status).send({ error: error.error, error_description: error.message });
  }
  if (error instanceof PactRefusal) {
    req.log.info({ code: error.pactCode }, 'PACT request refused');
    return pactError(reply, error.pactCode, error.message);
  }
  const e = error as { statusCode?: number; validation?: unknown; kind?: string; message?: string };
  // The token endpoint answers every client mistake as RFC 6749 §5.2 does (a wrong media type included)
  if (req.url.split('?')[0]?.endsWith('/auth/token') && (e.statusCode ?? 500) < 500)
    return reply
      .status(400)
      .send({ error: 'invalid_request', error_description: e.message ?? 'invalid request' });
  if (e.kind === 'not-found') return pactError(reply, 'NotFound', e.message ?? 'not found');
  if (e.validation || (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500))
    return pactError(reply, 'BadRequest', e.message ?? 'bad request');
  req.log.error({ err: error }, 'PACT request failed');
  return pactError(reply, 'InternalError', 'internal error');
}

const listResponse = {
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'array', items: { type: 'object', additionalProperties: true } } },
} as const;
const oneResponse = {
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'object', additionalProperties: true } },
} as const;
const queryAny = {
  type: 'object',
  additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
} as const;
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, participant: { type: 'string' } },
} as const;

/** PACT is served over TLS only: a plain-HTTP request gets no token and no data. */
function overTls(req: FastifyRequest): boolean {
  return (req.raw.socket as TLSSocket).encrypted === true;
}

/**
 * The PACT host of one participant (mounted at `/pact` and `/p/<participant>/pact`): the token endpoint, OpenID
 * discovery, and the v3 and v2.3 footprint and event actions behind bearer tokens.
 */
export const pactRoutes: FastifyPluginAsync<{ host: PactHost }> = async (app, { host }) => {
  const { deps } = host;
  const db = pactDb(deps.db);
  app.setErrorHandler(pactErrorHandler);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  app.addContentTypeParser(
    'application/cloudevents+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.addHook('onRequest', async (req) => {
    if (!overTls(req)) throw new PactRefusal('AccessDenied', 'the PACT API is served over HTTPS only');
  });

  app.post('/auth/token', async (req, reply) => {
    const participantId = await host.participantOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const presented = parseBasic(req.headers.authorization);
    if (!presented) throw new OAuthRefusal('invalid_client', 'Client authentication failed', 401);
    const who = await authenticateClient(db, participantId, presented.clientId, presented.secret);
    if (!who) throw new OAuthRefusal('invalid_client', 'Client authentication failed', 401);
    if (body.grant_type !== 'client_credentials')
      throw new OAuthRefusal(
        body.grant_type === undefined ? 'invalid_request' : 'unsupported_grant_type',
        'grant_type must be client_credentials',
      );
    const token = await issueAccessToken(deps.nodeSecret, who, deps.now());
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: tokenLifetimeS,
      scope: 'footprint:list footprint:read',
    };
  });

  app.get('/.well-known/openid-configuration', async (req) => {
    await host.participantOf(req);
    const base = `https://${req.headers.host ?? ''}${req.url.replace(/\/\.well-known\/openid-configuration.*$/, '')}`;
    return {
      issuer: base,
      token_endpoint: `${base}/auth/token`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      response_types_supported: ['token'],
      scopes_supported: ['footprint:list', 'footprint:read'],
    };
  });

  await app.register(async (api) => {
    api.addHook('onRequest', async (req) => {
      const participantId = await host.participantOf(req);
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      const check = m?.[1]
        ? await checkAccessToken(db, deps.nodeSecret, participantId, m[1], deps.now())
        : 'invalid';
      if (check === 'expired') throw new PactRefusal('TokenExpired', 'The access token has expired');
      if (check === 'invalid') throw new PactRefusal('BadRequest', 'Invalid token provided');
      req.pactClient = check;
    });
    for (const spec of ['3', '2'] as const) footprintRoutes(api, host, spec);
    api.all('/*', async () => {
      throw new PactRefusal('NotFound', 'no such PACT action');
    });
  });
};

function footprintRoutes(api: FastifyInstance, host: PactHost, spec: Spec): void {
  const { deps } = host;
  const client = (req: FastifyRequest) => req.pactClient as ClientEntitlement;
  const served = (pfs: readonly ProductFootprint[]) =>
    spec === '3' ? [...pfs] : pfs.flatMap((pf) => v2OrNothing(pf));

  api.get(
    `/${spec}/footprints`,
    { schema: { querystring: queryAny, response: { 200: listResponse } } },
    async (req, reply) => {
      const raw = req.query as RawQuery;
      if (spec === '2' && raw.$filter !== undefined)
        throw new PactRefusal(
          'NotImplemented',
          'the OData $filter of PACT v2 is not supported; v3 filters are at /3/footprints',
        );
      const { filters, limit, after } = parseListQuery(raw);
      const size = Math.min(limit ?? defaultPageSize, maxPageSize);
      const who = client(req);
      const page = await host.footprints.list(who, filters, { limit: size, ...(after ? { after } : {}) });
      if (page.next) reply.header('link', `<${nextLink(req, page.next, size)}>; rel="next"`);
      await accessed(
        deps,
        who,
        'pact.footprints.list',
        page.items.map((pf) => pf.id),
        spec,
      );
      return { data: served(page.items) };
    },
  );

  api.get(
    `/${spec}/footprints/:id`,
    { schema: { params: idParams, response: { 200: oneResponse } } },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const who = client(req);
      const pf = await host.footprints.get(id, who);
      // Another customer's footprint answers exactly like a missing one: a client never learns it exists.
      if (!pf) throw new PactRefusal('NotFound', `Footprint with ID '${id}' does not exist`);
      await accessed(deps, who, 'pact.footprints.get', [id], spec);
      if (spec === '3') return { data: pf };
      try {
        const mapped = toV2(pf);
        // What v2.3 cannot carry is flagged, not hidden: the v3 view at /3 has it all
        if (mapped.losses.length > 0)
          reply.header('x-musubi-pact-losses', encodeURIComponent(mapped.losses.join('; ')));
        return { data: mapped.value };
      } catch (e) {
        if (e instanceof MappingRefused)
          throw new PactRefusal(
            'BadRequest',
            `footprint ${id} cannot be expressed in PACT v2.3 (${e.reasons.join('; ')}); read it at /3/footprints/${id}`,
          );
        throw e;
      }
    },
  );

  // A POST to the list (the v2 conformance case with $filter) is a bad request, not an unknown route.
  api.post(`/${spec}/footprints`, async () => {
    throw new PactRefusal('BadRequest', 'footprints are listed with GET');
  });

  api.post(`/${spec}/events`, async (req, reply) => {
    const event = readEvent(req.body);
    const who = client(req);
    if (event.kind === 'created') await host.events.requestCreated(event, who);
    else if (event.kind === 'published') await host.events.published(event, who);
    else await host.events.answerReceived(event, who);
    return reply.status(200).send();
  });
}

function v2OrNothing(pf: ProductFootprint): unknown[] {
  try {
    return [toV2(pf).value];
  } catch (e) {
    if (e instanceof MappingRefused) return []; // v2.3 cannot say it honestly: listed at /3 only
    throw e;
  }
}

/** The next page's absolute URL: the request's own host and filters, the page size, and the last id seen. */
function nextLink(req: FastifyRequest, lastId: string, size: number): string {
  const url = new URL(req.url, `https://${req.headers.host ?? 'localhost'}`);
  url.searchParams.delete('after');
  url.searchParams.set('limit', String(size));
  url.searchParams.set('after', lastId);
  return url.toString();
}

/** Every footprint read is in the data owner's audit log: who, which footprints, through which version. */
async function accessed(
  deps: PactDeps,
  who: ClientEntitlement,
  action: string,
  ids: readonly string[],
  spec: Spec,
) {
  const entry: AuditEntry = {
    participantId: who.participantId,
    actor: `pact-client:${who.clientId}`,
    action,
    resourceType: 'pact-footprint',
    resourceId: ids.length === 1 ? (ids[0] as string) : `${ids.length} footprints`,
    via: `pact-v${spec}`,
    outcome: 'success',
    details: { customer: who.customer, ids: ids.slice(0, 100) },
  };
  await appendAudit(deps.db, entry, deps.now());
}
