import Fastify, { type FastifyInstance } from 'fastify';
import { ouranosScope } from '../apps/ouranos/index.js';
import { autoCheckpoints } from './checkpoints.js';
import type { NodeContext } from './context.js';
import { defaultVerifier } from './counterparty.js';
import { credentialServiceRoutes, presentationGate } from './credentials/index.js';
import { directoryRoutes } from './directory/index.js';
import { footprintExchangeScope, footprintNoticeRoutes } from './footprint/exchange.js';
import { problem, sendProblem, toProblem } from './problem.js';
import { receiptRoutes } from './receipts.js';
import { dataPlaneScope } from './scopes/dataplane.js';
import { healthRoutes } from './scopes/health.js';
import { managementPrefix, managementScope } from './scopes/management.js';
import { pactScope } from './scopes/pact.js';
import { participantRootRoutes } from './scopes/participant-root.js';
import { addressedParticipant, authenticatedScope, type CounterpartyVerifier } from './scopes/protocol.js';
import { dspRoutes } from './scopes/protocol-routes.js';

export interface ServerOptions {
  readonly version: string;
  /** Serve HTTPS with this key and certificate (PEM); plain HTTP without. */
  readonly https?: { readonly key: string; readonly cert: string };
  /** Default: self-issued participant JWTs (and the TCK's static header under `--profile tck`). */
  readonly verifyCounterparty?: CounterpartyVerifier;
}

function scopeOf(url: string): string {
  if (url.startsWith(managementPrefix)) return 'management';
  if (url.startsWith('/dsp') || /^\/p\/[^/]+\/dsp(\/|$)/.test(url)) return 'protocol';
  if (url.startsWith('/audit') || /^\/p\/[^/]+\/audit(\/|$)/.test(url)) return 'receipts';
  if (url.startsWith('/data') || /^\/p\/[^/]+\/data(\/|$)/.test(url)) return 'data';
  if (url.startsWith('/dcp') || /^\/p\/[^/]+\/dcp(\/|$)/.test(url)) return 'dcp';
  if (url.startsWith('/pact') || /^\/p\/[^/]+\/pact(\/|$)/.test(url)) return 'pact';
  if (url.startsWith('/ouranos') || /^\/p\/[^/]+\/ouranos(\/|$)/.test(url)) return 'ouranos';
  if (url.startsWith('/.well-known') || url.startsWith('/p/')) return 'public';
  return 'node';
}

/** One port, one Fastify instance, each scope an encapsulated plugin with its own authentication. */
export async function buildServer(ctx: NodeContext, options: ServerOptions): Promise<FastifyInstance> {
  // Fastify types its instance by the logger given; the rest of the node only needs the base logger type.
  const app = Fastify({
    ...(options.https ? { https: { key: options.https.key, cert: options.https.cert } } : {}),
    loggerInstance: ctx.logger,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Reject unknown fields instead of silently dropping them: a typo must not pass as success.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  });

  app.setErrorHandler((error, req, reply) => {
    const p = toProblem(error, req);
    if (p.status >= 500) req.log.error({ err: error }, 'request failed');
    else req.log.info({ code: p.code, status: p.status }, 'request refused');
    return sendProblem(reply, p);
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problem(404, 'route.not-found', `no route ${req.method} ${req.url.split('?')[0]}`)),
  );

  app.addHook('onResponse', async (req, reply) => {
    const scope = scopeOf(req.url);
    ctx.metrics.httpRequests.inc({ scope, method: req.method, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ scope }, reply.elapsedTime / 1000);
  });

  // Signs each participant's audit chain by count or time, driven by appends (idle: nothing runs).
  const checkpoints = autoCheckpoints(ctx);
  app.addHook('onClose', () => checkpoints.stop());
  await app.register(healthRoutes, { ctx });
  await app.register(participantRootRoutes, { ctx });
  // The participant directory (法人番号 → DID) each participant serves as an authority: public and read-only.
  await app.register(directoryRoutes, { ctx });
  await app.register(directoryRoutes, { ctx, prefix: '/p/:participant' });
  await app.register(managementScope, { ctx, version: options.version, prefix: managementPrefix });
  const verify = options.verifyCounterparty ?? defaultVerifier(ctx);
  const present = presentationGate(ctx);
  const dsp = { ctx, verify, what: 'protocol', routes: dspRoutes, present };
  await app.register(authenticatedScope, { ...dsp, prefix: '/dsp' });
  await app.register(authenticatedScope, { ...dsp, prefix: '/p/:participant/dsp' });
  // Audit receipts: our own endpoint (DSP drops extra terms), authenticated like a DSP request.
  const receipts = { ctx, verify, what: 'receipts', routes: [receiptRoutes], present };
  await app.register(authenticatedScope, { ...receipts, prefix: '/audit' });
  await app.register(authenticatedScope, { ...receipts, prefix: '/p/:participant/audit' });
  // DCP: each participant's CredentialService and credential storage, authenticated by self-issued ID tokens.
  await app.register(credentialServiceRoutes, { ctx, prefix: '/dcp' });
  await app.register(credentialServiceRoutes, { ctx, prefix: '/p/:participant/dcp' });
  // The data plane authenticates each request by its EDR bearer token, bound to one participant's transfer.
  await app.register(dataPlaneScope, { ctx, prefix: '/data' });
  await app.register(dataPlaneScope, { ctx, prefix: '/p/:participant/data' });
  // PACT (footprints for customers' LCA tools): OAuth client credentials per customer, HTTPS only.
  await app.register(pactScope, { ctx });
  // The footprint exchange: requests and answers with an exchange agreement's EDR token; notices from suppliers
  // authenticated like a DSP message.
  await app.register(footprintExchangeScope, { ctx, prefix: '/footprint' });
  await app.register(footprintExchangeScope, { ctx, prefix: '/p/:participant/footprint' });
  const notices = { ctx, verify, what: 'footprint', routes: [footprintNoticeRoutes] };
  await app.register(authenticatedScope, { ...notices, prefix: '/footprint/notices' });
  await app.register(authenticatedScope, { ...notices, prefix: '/p/:participant/footprint/notices' });
  // The Ouranos-compatible API: each participant's at /p/<id>/ouranos, the default participant's (a hosting
  // provider's operators) at /ouranos. Its own keys, tokens and error body (src/apps/ouranos).
  const ouranos = {
    deps: {
      db: ctx.db,
      secret: ctx.participants.nodeSecret,
      now: ctx.now,
      participantOf: (req: Parameters<typeof addressedParticipant>[1]) => addressedParticipant(ctx, req),
    },
  };
  await app.register(ouranosScope, { ...ouranos, prefix: '/ouranos' });
  await app.register(ouranosScope, { ...ouranos, prefix: '/p/:participant/ouranos' });
  return app as unknown as FastifyInstance;
}
