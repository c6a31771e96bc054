import type { Readable } from 'node:stream';
import { BadBody, ResponseTooLarge } from './errors.js';

/** A response with its body already read (bounded by the client's limit). */
export interface OutboundResponse {
  /** The final URL, after any redirects. */
  readonly url: string;
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly bytes: Uint8Array;
  /** The body decoded as UTF-8. */
  text(): string;
  /** The body parsed as JSON; the type is the caller's claim, not checked here. */
  json<T = unknown>(): T;
}

export function outboundResponse(
  url: URL,
  status: number,
  rawHeaders: Readonly<Record<string, string | string[] | undefined>>,
  bytes: Uint8Array,
): OutboundResponse {
  const headers = Object.freeze(
    Object.fromEntries(
      Object.entries(rawHeaders).flatMap(([name, value]) =>
        value === undefined ? [] : [[name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value]],
      ),
    ),
  );
  const text = (): string => new TextDecoder('utf-8').decode(bytes);
  return {
    url: url.href,
    status,
    headers,
    bytes,
    text,
    json<T>(): T {
      try {
        return JSON.parse(text()) as T;
      } catch (e) {
        throw new BadBody(url.host, e instanceof Error ? e.message : 'invalid JSON');
      }
    },
  };
}

/**
 * Reads a body as it streams and stops as soon as the limit is passed: `abort` tears the connection
 * down, so an endless or huge body costs at most one chunk beyond the limit.
 */
export async function readLimited(
  body: Readable,
  declaredLength: string | string[] | undefined,
  limitBytes: number,
  host: string,
  abort: () => void,
): Promise<Uint8Array> {
  if (typeof declaredLength === 'string' && Number(declaredLength) > limitBytes) {
    abort();
    throw new ResponseTooLarge(host, limitBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limitBytes) {
      abort();
      throw new ResponseTooLarge(host, limitBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
