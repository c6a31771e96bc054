import type { Readable } from 'node:stream';
import { InvalidInput, isMusubiError } from '../../errors/index.js';
import { RangeNotSatisfiable, sourceFailed } from './errors.js';
import { rangeHeader } from './range.js';
import type { DataSource, SourceAddress, SourceRequest, SourceResponse } from './source.js';

/** One streamed HTTP exchange: the node passes its outbound client's `stream` (the egress allowlist applies). */
export type StreamFetch = (
  url: string,
  init: {
    readonly method: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly signal: AbortSignal;
    readonly readTimeoutMs?: number;
  },
) => Promise<{
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readable;
}>;

/** A named secret's value (an HTTP backend's credential); undefined when unknown. Never logged. */
export type SecretLookup = (name: string) => string | undefined;

/**
 * `{ type: 'HttpData', baseUrl, path?, query?, authKey?, authSecret?, contentType? }`: an HTTP backend read with
 * GET (HEAD for a HEAD). `authSecret` names a secret whose value goes in header `authKey` (default
 * `Authorization`); the address holds the name only. Range, gzip, ETag and Last-Modified pass through.
 * Backend 416 → 416; other non-2xx → 502; refused or unreachable → 503; no answer in time → 504.
 */
export function httpDataSource(deps: {
  readonly fetch: StreamFetch;
  readonly secret: SecretLookup;
  readonly readTimeoutMs?: number;
}): DataSource {
  function urlOf(a: SourceAddress): URL {
    const bad = (member: string, why: string) =>
      new InvalidInput('source.http.address', `dataAddress.${member} ${why}`, {
        pointer: `/dataAddress/${member}`,
      });
    if (typeof a.baseUrl !== 'string') throw bad('baseUrl', 'must be an absolute http(s) URL');
    let url: URL;
    try {
      url = new URL(a.baseUrl);
    } catch {
      throw bad('baseUrl', 'must be an absolute http(s) URL');
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
      throw bad('baseUrl', 'must be an http(s) URL without credentials');
    if (a.path !== undefined) {
      if (typeof a.path !== 'string') throw bad('path', 'must be a string');
      url.pathname = `${url.pathname.replace(/\/+$/, '')}/${a.path.replace(/^\/+/, '')}`;
    }
    if (a.query !== undefined) {
      if (typeof a.query !== 'string') throw bad('query', 'must be a string');
      url.search = a.query.replace(/^\?/, '');
    }
    if (a.authSecret !== undefined && typeof a.authSecret !== 'string')
      throw bad('authSecret', 'must name a secret');
    if (a.authKey !== undefined && (typeof a.authKey !== 'string' || !/^[A-Za-z0-9-]+$/.test(a.authKey)))
      throw bad('authKey', 'must be a header name');
    return url;
  }

  function headersOf(a: SourceAddress, req: SourceRequest): Record<string, string> {
    const h: Record<string, string> = {
      'accept-encoding': req.acceptGzip && !req.range ? 'gzip' : 'identity',
    };
    if (req.range) h.range = rangeHeader(req.range);
    if (typeof a.authSecret === 'string') {
      const value = deps.secret(a.authSecret);
      if (value === undefined)
        throw sourceFailed(
          'bad-gateway',
          'source.http.secret-missing',
          'the backend credential is not configured',
        );
      h[typeof a.authKey === 'string' ? a.authKey.toLowerCase() : 'authorization'] = value;
    }
    return h;
  }

  return {
    type: 'HttpData',
    validate: (address) => {
      urlOf(address);
    },
    async open(address: SourceAddress, req: SourceRequest): Promise<SourceResponse> {
      const url = urlOf(address);
      let res: Awaited<ReturnType<StreamFetch>>;
      try {
        res = await deps.fetch(url.href, {
          method: req.head ? 'HEAD' : 'GET',
          headers: headersOf(address, req),
          signal: req.signal,
          ...(deps.readTimeoutMs ? { readTimeoutMs: deps.readTimeoutMs } : {}),
        });
      } catch (e) {
        throw failure(e, url.host);
      }
      return answer(res, url.host, address, req);
    },
  };
}

function answer(
  res: Awaited<ReturnType<StreamFetch>>,
  host: string,
  address: SourceAddress,
  req: SourceRequest,
): SourceResponse {
  const h = res.headers;
  if (res.status === 416) {
    res.body.destroy();
    const total = /\/(\d+)\s*$/.exec(h['content-range'] ?? '')?.[1];
    throw new RangeNotSatisfiable(total === undefined ? 0 : Number(total));
  }
  const honoured = res.status === 206 && req.range !== undefined && h['content-range'] !== undefined;
  if (res.status !== 200 && !honoured) {
    res.body.destroy();
    throw sourceFailed('bad-gateway', 'source.bad-response', `the backend ${host} answered ${res.status}`);
  }
  const encoding = h['content-encoding'];
  if (encoding && encoding !== 'identity' && encoding !== 'gzip') {
    res.body.destroy();
    throw sourceFailed('bad-gateway', 'source.bad-response', `the backend ${host} sent encoding ${encoding}`);
  }
  const length = h['content-length'] === undefined ? undefined : Number(h['content-length']);
  const contentType = typeof address.contentType === 'string' ? address.contentType : h['content-type'];
  return {
    status: honoured ? 206 : 200,
    body: res.body,
    ...(contentType ? { contentType } : {}),
    ...(length !== undefined && Number.isSafeInteger(length) ? { contentLength: length } : {}),
    ...(honoured ? { contentRange: h['content-range'] } : {}),
    ...(encoding === 'gzip' ? { contentEncoding: 'gzip' as const } : {}),
    ...(h.etag ? { etag: h.etag } : {}),
    ...(h['last-modified'] ? { lastModified: h['last-modified'] } : {}),
  };
}

/** The outbound client's errors (matched by code: dataspace/ does not import it) as 503/504/502. */
function failure(e: unknown, host: string) {
  if (isMusubiError(e)) {
    if (e.code === 'outbound.timeout')
      return sourceFailed('timeout', 'source.timeout', `the backend ${host} did not answer in time`, e);
    if (e.code === 'outbound.connect-failed')
      return sourceFailed('unavailable', 'source.unavailable', `the backend ${host} cannot be reached`, e);
    if (e.code === 'outbound.egress-denied')
      return sourceFailed(
        'bad-gateway',
        'source.egress-denied',
        `the egress policy does not allow ${host}`,
        e,
      );
  }
  if ((e as { name?: string } | undefined)?.name === 'AbortError') return e;
  return sourceFailed('bad-gateway', 'source.failed', `the backend ${host} failed`, e);
}
