import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { buildConnector } from 'undici';
import { parseAddress } from './address.js';
import type { EgressCheck } from './egress.js';
import { EgressDenied } from './errors.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Name resolution, injectable so tests (and split-horizon setups) need no real DNS. */
export type Resolve = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolve: Resolve = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export interface GuardOptions {
  readonly check: EgressCheck;
  readonly resolve: Resolve;
  readonly connectTimeoutMs: number;
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
}

/**
 * An undici connector that runs the egress check on the address each socket actually connects to.
 * Names are checked inside `lookup` (net/tls call it while connecting, so there is no second,
 * unchecked resolution); IP literals never reach `lookup`, so they are checked here first.
 * One undici connector per origin, because `lookup` only receives the hostname and the check needs
 * the origin; it also keeps TLS session reuse per origin as undici does.
 */
export function guardedConnector(options: GuardOptions): buildConnector.connector {
  const byOrigin = new Map<string, buildConnector.connector>();
  // One secure context for every connection: given as `ca`, tls would parse the ~140 bundled roots again for each
  // new socket (milliseconds of blocked event loop per handshake, seconds when a pool grows under load).
  const secureContext: SecureContext | undefined =
    options.ca === undefined ? undefined : createSecureContext({ ca: trustedCas(options.ca) });
  const connectorFor = (origin: URL): buildConnector.connector => {
    let connector = byOrigin.get(origin.href);
    if (connector === undefined) {
      connector = buildConnector({
        timeout: options.connectTimeoutMs,
        lookup: guardedLookup(origin, options.check, options.resolve),
        ...(secureContext === undefined ? {} : { secureContext }),
      });
      byOrigin.set(origin.href, connector);
    }
    return connector;
  };
  return (target, callback) => {
    const origin = originOf(target);
    const literal = parseAddress(target.hostname);
    if (literal && !options.check({ url: origin, address: target.hostname, family: literal.family })) {
      const denied = new EgressDenied(origin.host, target.hostname);
      queueMicrotask(() => callback(denied, null));
      return;
    }
    connectorFor(origin)(target, callback);
  };
}

/**
 * tls's `ca` option replaces Node's bundled roots; the extra CA is added to them instead (as
 * NODE_EXTRA_CA_CERTS does), so one client reaches both peers under a private CA and public endpoints.
 */
export function trustedCas(extra: string | Buffer | readonly (string | Buffer)[]): (string | Buffer)[] {
  const list: readonly (string | Buffer)[] =
    typeof extra === 'string' || Buffer.isBuffer(extra) ? [extra] : extra;
  return [...rootCertificates, ...list];
}

function originOf(target: buildConnector.Options): URL {
  const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
  return new URL(`${target.protocol}//${host}${target.port ? `:${target.port}` : ''}`);
}

type LookupCallback = Parameters<LookupFunction>[2];

/**
 * A `lookup` for net/tls that keeps only the addresses the check allows. Denied addresses are dropped
 * rather than failing the whole name, so a rebinding answer mixing a public and a private address
 * connects to the public one only; when nothing is left the error names the first denied address.
 */
export function guardedLookup(origin: URL, check: EgressCheck, resolve: Resolve): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    admitted(hostname, lookupOptions.family, origin, check, resolve).then(
      (allowed) => deliver(allowed, lookupOptions.all === true, callback),
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

async function admitted(
  hostname: string,
  family: number | string | undefined,
  origin: URL,
  check: EgressCheck,
  resolve: Resolve,
): Promise<readonly ResolvedAddress[]> {
  const found = await resolve(hostname);
  const wanted = family === 4 || family === 6 ? found.filter((a) => a.family === family) : found;
  const allowed = wanted.filter((a) => check({ url: origin, address: a.address, family: a.family }));
  if (allowed.length > 0) return allowed;
  const first = wanted[0];
  if (first !== undefined) throw new EgressDenied(origin.host, first.address);
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
}

function deliver(allowed: readonly ResolvedAddress[], all: boolean, callback: LookupCallback): void {
  if (all) {
    callback(
      null,
      allowed.map((a) => ({ address: a.address, family: a.family })),
    );
    return;
  }
  const first = allowed[0]!;
  callback(null, first.address, first.family);
}
