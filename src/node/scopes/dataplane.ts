import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline, Transform } from 'node:stream';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AccessHook,
  AgreementLimits,
  type Authorized,
  authorize,
  BackgroundDigests,
  DataPlaneError,
  type DataSource,
  DigestCache,
  edrProperties,
  fileSource,
  httpDataSource,
  isDataPlaneError,
  isStartedPull,
  issueTokens,
  LimitReached,
  parseRange,
  permitAll,
  RangeNotSatisfiable,
  RefreshRefused,
  type Refusal,
  refreshTokens,
  revokeTransferTokens,
  type SourceAddress,
  SourceRegistry,
  type SourceResponse,
  sourceFailed,
  type WholeFileRead,
  workerHasher,
} from '../../dataspace/dataplane/index.js';
import type { PullTokens } from '../../dataspace/transfer/index.js';
import { isMusubiError } from '../../errors/index.js';
import { appendAudit, assetAddressesAfter } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { problem, sendProblem, toProblem } from '../problem.js';
import { exchangeReceipts } from '../receipts.js';
import { addressedParticipant } from './protocol.js';

/**
 * The data plane's provider side: `GET|HEAD <participant root>/data/transfers/:id` streams an asset to the
 * bearer of a live access token, `POST <participant root>/data/token` rotates tokens (RFC 6749 refresh grant).
 * Registered at `/data` (default participant) and `/p/<id>/data`. Every access — served, refused or cut —
 * is appended to the audit log when its response ends.
 */

interface DataPlane {
  readonly sources: SourceRegistry;
  access: AccessHook;
  readonly limits: AgreementLimits;
  /** File assets' digests computed off the serving thread, into the File source's cache. */
  readonly background: BackgroundDigests;
  readonly closeHasher: () => Promise<void>;
}

const planes = new WeakMap<NodeContext, DataPlane>();

/** The node's data plane: the built-in File and HttpData sources, the access hook, the per-agreement limits. */
export function nodeDataPlane(ctx: NodeContext): DataPlane {
  const existing = planes.get(ctx);
  if (existing) return existing;
  const c = ctx.config;
  const secrets = c.dataPlaneSecretsFile ? readSecrets(c.dataPlaneSecretsFile) : {};
  const digests = new DigestCache(); // remembered per node, filled by pulls and by the background digests
  const files = fileSource({ roots: c.dataPlaneFileRoots, now: ctx.now, digests });
  const hasher = workerHasher();
  const background = new BackgroundDigests({
    open: (address) => files.openForDigest(address),
    hash: hasher.hash,
    digests,
    nowNs: () => BigInt(ctx.now().getTime()) * 1_000_000n,
    onOutcome: (address, outcome) =>
      ctx.logger.debug({ path: address.path, outcome }, 'background digest of a file asset'),
  });
  const sources = new SourceRegistry().register(files).register(
    httpDataSource({
      fetch: (url, init) => ctx.outbound.stream(url, init),
      secret: (name) => (Object.hasOwn(secrets, name) ? secrets[name] : undefined),
      readTimeoutMs: c.dataPlaneBackendTimeoutMs,
    }),
  );
  const plane: DataPlane = {
    sources,
    access: permitAll,
    limits: new AgreementLimits({
      requestsPerSecond: c.dataPlaneRateLimit,
      volumeBytes: c.dataPlaneVolumeLimitBytes,
      volumeWindowS: c.dataPlaneVolumeWindowS,
    }),
    background,
    closeHasher: hasher.close,
  };
  planes.set(ctx, plane);
  return plane;
}

/**
 * Queues the digest of a File asset's file (and its .gz sibling), computed off the serving thread, so its first
 * pull is not hashed inline. Called once an asset is stored; anything but a File address is ignored, and so is
 * a full queue (the pull then hashes inline, as before).
 */
export function digestFileAsset(ctx: NodeContext, dataAddress: Readonly<Record<string, unknown>>): void {
  const file = fileAddressOf(dataAddress);
  if (!file || ctx.config.dataPlaneFileRoots.length === 0) return;
  const queued = nodeDataPlane(ctx).background.enqueue(file);
  if (!queued) ctx.logger.info({ path: file.path }, 'background digest queue full; skipped');
}

/** The address as the File source takes it, or undefined for any other kind of asset. */
function fileAddressOf(dataAddress: Readonly<Record<string, unknown>>): SourceAddress | undefined {
  return dataAddress.type === 'File' ? { ...dataAddress, type: 'File' } : undefined;
}

/**
 * At start: queues every stored File asset of every participant, a page at a time, waiting while the queue is
 * full. Runs in the background (the start does not wait); `fileDigestsIdle` waits for it.
 */
export function digestFileAssetsAtStart(ctx: NodeContext): void {
  if (ctx.config.dataPlaneFileRoots.length === 0) return;
  const { background } = nodeDataPlane(ctx);
  const scan = async () => {
    let after: { participantId: string; id: string } | undefined;
    for (;;) {
      const page = await assetAddressesAfter(ctx.db, after);
      for (const a of page) {
        const file = fileAddressOf(a.dataAddress);
        if (file) await background.enqueueWaiting(file);
      }
      const last = page.at(-1);
      if (!last || background.closed) return;
      after = last;
    }
  };
  background.track(
    scan().catch((err: unknown) => ctx.logger.warn({ err }, 'start-up scan for file digests failed')),
  );
}

/** Settles once no background digest is queued, running or waiting for a file to settle (tests, the bench). */
export function fileDigestsIdle(ctx: NodeContext): Promise<void> {
  return nodeDataPlane(ctx).background.idle();
}

/** Stops the background digests (the node is closing): the worker ends, a scan stops before the store closes. */
export async function closeDataPlane(ctx: NodeContext): Promise<void> {
  const plane = planes.get(ctx);
  if (!plane) return;
  plane.background.close();
  await plane.closeHasher();
  await plane.background.idle();
}

/** The usage-control engine's decision on every access (default: permit). */
export function setAccessHook(ctx: NodeContext, hook: AccessHook): void {
  nodeDataPlane(ctx).access = hook;
}

/** Adds a source type (an application's data, e.g. a refined corpus). */
export function registerDataSource(ctx: NodeContext, source: DataSource): void {
  nodeDataPlane(ctx).sources.register(source);
}

/** For the policy monitor: the transfer's tokens stop at once (the transfer itself is terminated separately). */
export function revokeTransferAccess(ctx: NodeContext, transferId: string, reason: string) {
  return revokeTransferTokens(ctx.db, { transferId, reason, at: ctx.now() });
}

function readSecrets(file: string): Readonly<Record<string, string>> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`dataPlaneSecretsFile ${file} must hold a JSON object of strings`);
  return Object.freeze(
    Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string')),
  );
}

/** The root a participant's public paths hang from: the node's URL for the default one, `/p/<id>` for others. */
function participantBase(ctx: NodeContext, participantId: string): string {
  const root = ctx.publicUrl().replace(/\/+$/, '');
  return participantId === ctx.config.defaultParticipantId
    ? root
    : `${root}/p/${encodeURIComponent(participantId)}`;
}

/** Where a consumer pulls a started transfer's data (the DataAddress endpoint). */
export function dataEndpointOf(ctx: NodeContext, participantId: string, transferId: string): string {
  return `${participantBase(ctx, participantId)}/data/transfers/${encodeURIComponent(transferId)}`;
}

/** Where a consumer rotates its tokens (the EDR's refreshEndpoint). */
export function refreshEndpointOf(ctx: NodeContext, participantId: string): string {
  return `${participantBase(ctx, participantId)}/data/token`;
}

/** The transfer service's pull tokens: issued with a start, revoked when the transfer stops. */
export function pullTokensOf(ctx: NodeContext): PullTokens {
  const ttl = { accessTtlS: ctx.config.dataPlaneTokenTtlS, refreshTtlS: ctx.config.dataPlaneRefreshTtlS };
  return {
    issue: async (trx, t, at) => {
      const b = {
        participantId: t.participantId,
        transferId: t.id,
        agreementId: t.agreementId,
        consumerId: t.counterpartyId,
      };
      return edrProperties(await issueTokens(trx, b, at, ttl), refreshEndpointOf(ctx, t.participantId));
    },
    revoke: async (trx, t, reason, at) => {
      await revokeTransferTokens(trx, { transferId: t.id, participantId: t.participantId, reason, at });
    },
  };
}

const statusOf: Readonly<Record<Refusal, number>> = {
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'range-not-satisfiable': 416,
  'too-many': 429,
  'bad-gateway': 502,
  unavailable: 503,
  timeout: 504,
};

/** A data-plane refusal as an RFC 9457 problem, with the headers its status calls for. */
function refuse(e: unknown, req: FastifyRequest, reply: FastifyReply) {
  if (isDataPlaneError(e)) {
    const status = statusOf[e.refusal];
    if (status === 401) reply.header('www-authenticate', 'Bearer error="invalid_token"');
    if (e instanceof LimitReached) reply.header('retry-after', String(e.retryAfterS));
    if (e instanceof RangeNotSatisfiable) reply.header('content-range', `bytes */${e.size}`);
    req.log.info({ code: e.code, status }, 'data-plane access refused');
    return sendProblem(reply, problem(status, e.code, e.message, { instance: req.url.split('?')[0] ?? '' }));
  }
  const p = toProblem(e, req);
  if (p.status >= 500) req.log.error({ err: e }, 'data-plane request failed');
  return sendProblem(reply, p);
}

const compressible = /^(text\/|application\/(json|xml|csv|[\w.+-]+\+(json|xml))\b)/i;

const bearerOf = (req: FastifyRequest): string | undefined => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
};

interface Access {
  readonly participantId: string;
  readonly transferId: string;
  readonly started: number;
  authorized?: Authorized;
  bytes: number;
  /**
   * sha256 and length of the content served — the bytes the source gave, before any gzip this node adds on the
   * fly, so the consumer can check what it stored — computed as they stream (nothing is buffered).
   */
  readonly content: Hash;
  contentBytes: number;
  /**
   * A file served whole: with a digest remembered for its very version the body is not hashed (the file's
   * identity is checked again after the last read instead); otherwise the digest computed is offered to it.
   */
  wholeFile?: WholeFileRead;
  /** The body is gzipped here: the content is hashed before the encoder, not at the socket. */
  encodedHere?: boolean;
  reason?: string;
}

function taste(a: Access, chunk: Buffer): void {
  if (!a.wholeFile?.knownSha256) a.content.update(chunk);
  a.contentBytes += chunk.length;
}

/**
 * What a body served whole proves it carried: the digest computed over it, or the one remembered for the file
 * if the file kept its identity until the last read — else none, and the record says the file changed.
 */
async function deliveredContent(a: Access): Promise<{ sha256?: string; cached?: true; changed?: true }> {
  const known = a.wholeFile?.knownSha256;
  if (!known) {
    const sha256 = a.content.digest('hex');
    // remembered before the access is on record: a pull that follows the record finds it
    await a.wholeFile?.remember(sha256, a.contentBytes);
    return { sha256 };
  }
  return (await a.wholeFile?.unchanged) ? { sha256: known, cached: true } : { changed: true };
}

/** Passes chunks through unchanged, hashing them into the access's content digest. */
const contentDigest = (a: Access) =>
  new Transform({
    transform(chunk: Buffer, _enc, done) {
      taste(a, chunk);
      done(null, chunk);
    },
  });

const agreementKey = (a: Access) => `${a.participantId}\n${a.authorized?.grant.agreementId ?? ''}`;

/** One audit record per access, written when its response ends or is cut; never the token. */
async function auditAccess(ctx: NodeContext, a: Access, status: number, complete: boolean, method: string) {
  const g = a.authorized?.grant;
  const outcome = status >= 400 && status < 500 ? 'denied' : complete && status < 400 ? 'success' : 'failure';
  const durationMs = Math.round(performance.now() - a.started);
  // What was delivered, provably: the digest of a body served whole (a cut one proves nothing).
  const delivered = outcome === 'success' && method !== 'HEAD' ? await deliveredContent(a) : {};
  const digest = delivered.sha256;
  await appendAudit(
    ctx.db,
    {
      participantId: a.participantId,
      actor: g?.consumerId ?? 'unknown',
      action: 'dataplane.access',
      resourceType: 'transfer',
      resourceId: a.transferId,
      via: 'data-plane',
      outcome,
      ...(a.reason ? { reason: a.reason } : {}),
      details: {
        method,
        status,
        bytes: a.bytes,
        durationMs,
        complete,
        ...(digest ? { contentSha256: digest, contentBytes: a.contentBytes } : {}),
        ...(delivered.cached ? { contentSha256Cached: true } : {}),
        ...(delivered.changed ? { contentChanged: true } : {}),
        ...(g ? { agreementId: g.agreementId, assetId: g.assetId } : {}),
      },
      context: {
        endpoint: dataEndpointOf(ctx, a.participantId, a.transferId),
        ...(a.authorized?.contentType ? { format: a.authorized.contentType } : {}),
        ...(digest ? { contentHash: digest } : {}),
      },
    },
    ctx.now(),
  ).then(
    () => {
      // The consumer gets a receipt anchoring the chain that now records this access, and what it carried.
      if (g && outcome === 'success') {
        void exchangeReceipts(ctx, a.participantId, g.consumerId, {
          kind: 'data-transfer',
          process: a.transferId,
          type: method,
          ...(digest ? { digest, bytes: a.contentBytes } : {}),
        });
      }
    },
    (err) => ctx.logger.error({ err, transferId: a.transferId }, 'data-plane audit failed'),
  );
}

export const dataPlaneScope: FastifyPluginAsync<{ ctx: NodeContext }> = async (app, { ctx }) => {
  const plane = nodeDataPlane(ctx);
  const ttl = { accessTtlS: ctx.config.dataPlaneTokenTtlS, refreshTtlS: ctx.config.dataPlaneRefreshTtlS };
  app.setErrorHandler(refuse);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  async function open(req: FastifyRequest, a: Access, head: boolean, signal: AbortSignal) {
    const at = ctx.now();
    a.authorized = await authorize({ db: ctx.db, access: plane.access }, bearerOf(req), a, at);
    const { address } = a.authorized;
    const range = parseRange(req.headers.range);
    if (range === 'invalid')
      throw new DataPlaneError('range.invalid', 'range-not-satisfiable', 'malformed Range');
    plane.limits.admit(agreementKey(a), at);
    const source = plane.sources.get(address.type);
    if (!source)
      throw sourceFailed('bad-gateway', 'source.unknown-type', `no source serves type ${address.type}`);
    try {
      source.validate(address);
    } catch (e) {
      // The provider's own address is wrong: not the consumer's mistake.
      throw sourceFailed('bad-gateway', 'source.misconfigured', 'the asset address cannot be served', e);
    }
    const acceptGzip = /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
    return source.open(address, { ...(range ? { range } : {}), acceptGzip, head, signal });
  }

  /** The body to send: the source's, or gzipped on the fly when that pays and the consumer accepts it. */
  function encoded(req: FastifyRequest, res: SourceResponse, contentType: string, a: Access): SourceResponse {
    const accepts = /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
    if (!ctx.config.dataPlaneGzip || !accepts || res.status !== 200 || res.contentEncoding) return res;
    if (!compressible.test(contentType)) return res;
    const gzip = createGzip({ level: zlibConstants.Z_BEST_SPEED });
    a.encodedHere = true;
    const body = pipeline(res.body, contentDigest(a), gzip, () => {}) as unknown as Readable;
    const { contentLength: _l, ...rest } = res;
    return { ...rest, body, contentEncoding: 'gzip', ...(res.etag ? { etag: weakened(res.etag) } : {}) };
  }

  async function serve(req: FastifyRequest, reply: FastifyReply, head: boolean) {
    const participantId = await addressedParticipant(ctx, req);
    const transferId = (req.params as { id: string }).id;
    const a: Access = {
      participantId,
      transferId,
      started: performance.now(),
      bytes: 0,
      content: createHash('sha256'),
      contentBytes: 0,
    };
    const res = reply.raw;
    const stop = new AbortController();
    let complete = false;
    res.once('close', () => {
      stop.abort();
      void auditAccess(ctx, a, reply.statusCode, complete, req.method);
    });
    res.once('finish', () => {
      complete = true;
    });
    let source: SourceResponse;
    try {
      source = await open(req, a, head, stop.signal);
    } catch (e) {
      a.reason = isMusubiError(e) ? e.code : 'internal';
      throw e;
    }
    if (source.wholeFile) a.wholeFile = source.wholeFile;
    const contentType = source.contentType ?? a.authorized?.contentType ?? 'application/octet-stream';
    const out = encoded(req, source, contentType, a);
    if (!head && out.contentLength !== undefined) {
      try {
        plane.limits.admitBytes(agreementKey(a), ctx.now(), out.contentLength);
      } catch (e) {
        out.body.destroy();
        a.reason = 'limit.volume';
        throw e;
      }
    }
    reply.status(out.status).header('content-type', contentType).header('accept-ranges', 'bytes');
    if (out.contentLength !== undefined) reply.header('content-length', String(out.contentLength));
    if (out.contentRange) reply.header('content-range', out.contentRange);
    if (out.contentEncoding)
      reply.header('content-encoding', out.contentEncoding).header('vary', 'accept-encoding');
    if (out.etag) reply.header('etag', out.etag);
    if (out.lastModified) reply.header('last-modified', out.lastModified);
    reply.header('cache-control', 'no-store');
    if (head) {
      out.body.destroy();
      return reply.send();
    }
    relay(a, out.body, reply);
    return reply.send(out.body);
  }

  /** Counts what is handed to the socket, holds the volume limit, and cuts a consumer that stalls. */
  function relay(a: Access, body: Readable, reply: FastifyReply) {
    const key = agreementKey(a);
    const res = reply.raw;
    res.setTimeout(ctx.config.dataPlaneIdleTimeoutMs, () => {
      a.reason = 'consumer.idle';
      res.destroy();
    });
    body.once('error', (e) => {
      a.reason ??= isMusubiError(e) ? e.code : sourceErrorCode(e);
    });
    // Attached once Fastify piped the body, so no chunk is read before the response takes it.
    res.once('pipe', () =>
      body.on('data', (chunk: Buffer) => {
        const now = ctx.now();
        if (!plane.limits.fits(key, now, chunk.length)) {
          a.reason = 'limit.volume';
          body.destroy(new LimitReached('limit.volume', 1));
          return;
        }
        plane.limits.record(key, now, chunk.length);
        a.bytes += chunk.length;
        if (!a.encodedHere) taste(a, chunk);
      }),
    );
  }

  app.route({
    method: ['GET', 'HEAD'],
    url: '/transfers/:id',
    exposeHeadRoute: false,
    schema: {
      params: {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 2048 },
          participant: { type: 'string' },
        },
      },
    },
    handler: (req, reply) => serve(req, reply, req.method === 'HEAD'),
  });

  app.post('/token', async (req, reply) => {
    const participantId = await addressedParticipant(ctx, req);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const oauthError = (status: number, e: RefreshRefused) =>
      reply
        .status(status)
        .header('cache-control', 'no-store')
        .send({ error: e.error, error_description: e.description });
    const fromForm = typeof form.refresh_token === 'string' ? form.refresh_token : undefined;
    const fromHeader = bearerOf(req);
    if (form.grant_type !== 'refresh_token')
      return oauthError(
        400,
        new RefreshRefused('unsupported_grant_type', 'grant_type must be refresh_token'),
      );
    if (!(fromForm ?? fromHeader) || (fromForm && fromHeader && fromForm !== fromHeader))
      return oauthError(400, new RefreshRefused('invalid_request', 'one refresh_token is required'));
    try {
      const at = ctx.now();
      const issued = await refreshTokens(
        ctx.db,
        (fromForm ?? fromHeader) as string,
        participantId,
        at,
        ttl,
        isStartedPull,
      );
      return reply.header('cache-control', 'no-store').send({
        access_token: issued.accessToken,
        token_type: 'Bearer',
        expires_in: issued.expiresInS,
        refresh_token: issued.refreshToken,
      });
    } catch (e) {
      if (e instanceof RefreshRefused) {
        req.log.info({ error: e.error }, 'data-plane refresh refused');
        return oauthError(400, e);
      }
      throw e;
    }
  });

  // Anything else under the data plane: 401 without a bearer token (nothing to tell), else unknown.
  app.all('/*', async (req, reply) => {
    if (!bearerOf(req))
      throw new DataPlaneError('token.missing', 'unauthenticated', 'a bearer token is required');
    return sendProblem(
      reply,
      problem(404, 'route.not-found', `no route ${req.method} ${req.url.split('?')[0]}`),
    );
  });
};

/** A gzipped body is another representation: its validator must differ from the identity one's. */
const weakened = (etag: string) => {
  const bare = etag.replace(/^W\//, '').replace(/"$/, '');
  return `W/${bare}-gzip"`;
};

const sourceErrorCode = (e: unknown) => {
  const code = (e as { code?: unknown } | undefined)?.code;
  return code === 'UND_ERR_BODY_TIMEOUT'
    ? 'source.timeout'
    : code === 'ABORT_ERR'
      ? 'consumer.aborted'
      : 'source.failed';
};
