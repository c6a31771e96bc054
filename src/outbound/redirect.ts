import type { Readable } from 'node:stream';
import { BadRedirect } from './errors.js';

/** One hop of a request: what is sent. Header names are lower case. */
export interface Hop {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | Readable | undefined;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

// Credentials are for the origin the caller named; another origin must not receive them.
const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization'];
const bodyHeaders = ['content-type', 'content-length', 'content-encoding', 'content-language'];

export function isRedirect(status: number, location: string | undefined): location is string {
  return redirectStatuses.has(status) && location !== undefined && location !== '';
}

/**
 * Where a redirect leads. Only http(s), and never from https down to http (the next hop would carry
 * the request in clear). The egress check runs again when the new origin is connected.
 */
export function redirectTarget(from: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new BadRedirect(from.host, 'Location is not a URL');
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new BadRedirect(from.host, `scheme ${next.protocol} is not http(s)`);
  }
  if (from.protocol === 'https:' && next.protocol === 'http:') {
    throw new BadRedirect(from.host, 'https to http downgrade');
  }
  return next;
}

/** The next hop after a redirect, following the fetch standard's method rewrite. */
export function redirectedHop(hop: Hop, status: number, sameOrigin: boolean): Hop {
  const toGet =
    (status === 303 && hop.method !== 'GET' && hop.method !== 'HEAD') ||
    ((status === 301 || status === 302) && hop.method === 'POST');
  const drop = [...(sameOrigin ? [] : credentialHeaders), ...(toGet ? bodyHeaders : [])];
  const headers = Object.fromEntries(Object.entries(hop.headers).filter(([name]) => !drop.includes(name)));
  return toGet ? { method: 'GET', headers, body: undefined } : { ...hop, headers };
}
