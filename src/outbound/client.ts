import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { isMusubiError } from '../errors/index.js';
import { guardedConnector, type Resolve, systemResolve } from './connector.js';
import { type EgressCheck, egressPolicy } from './egress.js';
import {
  BadStatus,
  ConnectFailed,
  InvalidOption,
  InvalidUrl,
  OutboundTimeout,
  TooManyRedirects,
} from './errors.js';
import { type Hop, isRedirect, redirectedHop, redirectTarget } from './redirect.js';
import { type OutboundResponse, outboundResponse, readLimited } from './response.js';

/** The part of a pino logger the client uses. */
export interface OutboundLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
}

export interface OutboundOptions {
  /** TCP (+TLS) connect, including name resolution. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Longest wait for the response headers, and longest pause between body chunks. Default 30000. */
  readonly readTimeoutMs?: number;
  /** Bodies larger than this are refused while streaming. Default 10 MiB. */
  readonly maxResponseBytes?: number;
  /** Redirects followed per request; 0 (default) returns the 3xx response itself. */
  readonly maxRedirects?: number;
  /** Extra trusted CA certificate(s) (PEM) for HTTPS between nodes, added to Node's bundled roots. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  readonly userAgent?: string;
  /** Decides each connection by its resolved address. Default: `egressPolicy()` (public only). */
  readonly egress?: EgressCheck;
  /** Name resolution. Default: the system resolver (`dns.lookup`). */
  readonly resolve?: Resolve;
  readonly logger?: OutboundLogger;
}

export interface OutboundInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A stream is sent as it is read (a push); it cannot be replayed, so it is not sent across redirects. */
  readonly body?: string | Uint8Array | Readable;
  /** Sent as JSON with `content-type: application/json`; excludes `body`. */
  readonly json?: unknown;
  readonly signal?: AbortSignal;
  /** Overrides the client's limit for this request (a data pull may need more). */
  readonly maxResponseBytes?: number;
}

/** A response whose body is still streaming: the caller reads or destroys `body` (nothing is buffered). */
export interface OutboundStream {
  readonly url: string;
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body (not decompressed); a stall past the read timeout errors it with code `UND_ERR_BODY_TIMEOUT`. */
  readonly body: Readable;
}

export interface OutboundStreamInit extends OutboundInit {
  /** Longest wait for the headers and longest pause between body chunks, for this request. */
  readonly readTimeoutMs?: number;
}

export interface OutboundClient {
  request(url: string | URL, init?: OutboundInit): Promise<OutboundResponse>;
  /**
   * One request whose body streams to the caller (a data-plane source, a push), under the same egress check;
   * redirects are not followed and `maxResponseBytes` does not apply (the caller bounds what it relays).
   */
  stream(url: string | URL, init?: OutboundStreamInit): Promise<OutboundStream>;
  /** GET (or `init.method`) expecting a 2xx JSON answer. */
  json<T = unknown>(url: string | URL, init?: OutboundInit): Promise<T>;
  /** Waits for requests in flight, then closes every connection. */
  close(): Promise<void>;
}

interface Settings {
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxRedirects: number;
  readonly userAgent: string;
  readonly logger: OutboundLogger | undefined;
}

export const outboundDefaults = Object.freeze({
  connectTimeoutMs: 5000,
  readTimeoutMs: 30_000,
  maxResponseBytes: 10 * 1024 * 1024,
  maxRedirects: 0,
  userAgent: 'musubi',
});

/** The one HTTP client for everything Musubi sends out; one undici Agent (connection pool) per client. */
export function createOutboundClient(options: OutboundOptions = {}): OutboundClient {
  const settings = settingsFrom(options);
  const agent = new Agent({
    connect: guardedConnector({
      check: options.egress ?? egressPolicy(),
      resolve: options.resolve ?? systemResolve,
      connectTimeoutMs: settings.connectTimeoutMs,
      ca: options.ca,
    }),
    headersTimeout: settings.readTimeoutMs,
    bodyTimeout: settings.readTimeoutMs,
  });
  // async so that a bad URL or init is a rejection like every other failure, never a synchronous throw
  const request = async (url: string | URL, init: OutboundInit = {}): Promise<OutboundResponse> =>
    follow(agent, settings, toUrl(url), firstHop(init, settings.userAgent), init);
  return {
    request,
    async json<T>(url: string | URL, init: OutboundInit = {}): Promise<T> {
      const res = await request(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
      if (res.status < 200 || res.status > 299) throw new BadStatus(new URL(res.url).host, res.status);
      return res.json<T>();
    },
    stream: async (url, init = {}) => openStream(agent, settings, toUrl(url), init),
    close: () => agent.close(),
  };
}

async function openStream(
  agent: Agent,
  settings: Settings,
  url: URL,
  init: OutboundStreamInit,
): Promise<OutboundStream> {
  const hop = firstHop(init, settings.userAgent);
  const timeout = init.readTimeoutMs ?? settings.readTimeoutMs;
  const started = performance.now();
  try {
    const res = await agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: hop.method as Dispatcher.HttpMethod,
      headers: hop.headers,
      body: hop.body ?? null,
      signal: init.signal ?? null,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    logExchange(settings.logger, hop.method, url, started, { status: res.statusCode });
    const headers = outboundResponse(url, res.statusCode, res.headers, new Uint8Array()).headers;
    return { url: url.href, status: res.statusCode, headers, body: res.body };
  } catch (e) {
    const error = translate(e, url.host, { ...settings, readTimeoutMs: timeout }, init.signal);
    logExchange(settings.logger, hop.method, url, started, { error: codeOf(error) });
    throw error;
  }
}

function settingsFrom(options: OutboundOptions): Settings {
  const positive = (name: keyof typeof outboundDefaults, min: number): number => {
    const value = options[name] ?? outboundDefaults[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new InvalidOption(name, `must be an integer >= ${min}`);
    }
    return value;
  };
  return {
    connectTimeoutMs: positive('connectTimeoutMs', 1),
    readTimeoutMs: positive('readTimeoutMs', 1),
    maxResponseBytes: positive('maxResponseBytes', 0),
    maxRedirects: positive('maxRedirects', 0),
    userAgent: options.userAgent ?? outboundDefaults.userAgent,
    logger: options.logger,
  };
}

function toUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidUrl('not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidUrl(`scheme ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw new InvalidUrl('credentials in the URL');
  return url;
}

function firstHop(init: OutboundInit, userAgent: string): Hop {
  if (init.json !== undefined && init.body !== undefined) throw new InvalidOption('json', 'excludes body');
  const given = Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const json: Record<string, string> = init.json !== undefined ? { 'content-type': 'application/json' } : {};
  return {
    method: (init.method ?? 'GET').toUpperCase(),
    headers: { 'user-agent': userAgent, ...json, ...given },
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  };
}

async function follow(
  agent: Agent,
  settings: Settings,
  start: URL,
  first: Hop,
  init: OutboundInit,
): Promise<OutboundResponse> {
  const limit = init.maxResponseBytes ?? settings.maxResponseBytes;
  let url = start;
  let hop = first;
  for (let redirects = 0; ; redirects++) {
    const started = performance.now();
    const stop = new AbortController();
    const signal = init.signal ? AbortSignal.any([stop.signal, init.signal]) : stop.signal;
    try {
      const res = await send(agent, url, hop, signal);
      const location = header(res.headers.location);
      // a streamed body is gone once sent: its redirect is answered as it is, not followed
      const replayable =
        typeof hop.body === 'string' || hop.body instanceof Uint8Array || hop.body === undefined;
      const following = settings.maxRedirects > 0 && replayable && isRedirect(res.statusCode, location);
      const bytes = following
        ? await res.body.dump().then(() => new Uint8Array())
        : await readLimited(res.body, res.headers['content-length'], limit, url.host, () => stop.abort());
      logExchange(settings.logger, hop.method, url, started, { status: res.statusCode });
      if (!following) return outboundResponse(url, res.statusCode, res.headers, bytes);
      if (redirects >= settings.maxRedirects) throw new TooManyRedirects(url.host, settings.maxRedirects);
      const next = redirectTarget(url, location!);
      hop = redirectedHop(hop, res.statusCode, next.origin === url.origin);
      url = next;
    } catch (e) {
      const error = translate(e, url.host, settings, init.signal);
      logExchange(settings.logger, hop.method, url, started, { error: codeOf(error) });
      throw error;
    }
  }
}

function send(agent: Agent, url: URL, hop: Hop, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  return agent.request({
    origin: url.origin,
    path: url.pathname + url.search,
    method: hop.method as Dispatcher.HttpMethod,
    headers: hop.headers,
    body: hop.body ?? null,
    signal,
  });
}

const header = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

// Only method, host, status (or error code) and duration: paths, queries and headers may hold secrets.
function logExchange(
  logger: OutboundLogger | undefined,
  method: string,
  url: URL,
  started: number,
  outcome: { status: number } | { error: string },
): void {
  logger?.debug(
    { method, host: url.host, ...outcome, durationMs: Math.round(performance.now() - started) },
    'outbound request',
  );
}

const codeOf = (e: unknown): string =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'unknown';

/** undici and socket errors become the client's typed errors; the caller's own abort passes through. */
function translate(
  e: unknown,
  host: string,
  settings: Settings,
  callerSignal: AbortSignal | undefined,
): unknown {
  if (isMusubiError(e)) return e;
  if (callerSignal?.aborted) return e;
  switch (codeOf(e)) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new OutboundTimeout(host, 'connect', settings.connectTimeoutMs, e);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new OutboundTimeout(host, 'headers', settings.readTimeoutMs, e);
    case 'UND_ERR_BODY_TIMEOUT':
      return new OutboundTimeout(host, 'body', settings.readTimeoutMs, e);
  }
  if (e instanceof Error) {
    const code = codeOf(e);
    return new ConnectFailed(host, code === 'unknown' ? e.message : code, e);
  }
  return e;
}
