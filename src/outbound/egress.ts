import {
  type Cidr,
  canonicalAddress,
  cidrContains,
  classifyAddress,
  type IpAddress,
  parseAddress,
  parseCidr,
} from './address.js';
import { InvalidAllowEntry } from './errors.js';

/**
 * Which destinations the client may connect to. The check sees the address the socket is about to
 * connect to (after DNS), so a name that later resolves elsewhere (DNS rebinding) is checked again.
 */
export interface EgressTarget {
  /** The origin being connected to (scheme, host, port); the path is not known at connect time. */
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
}

export type EgressCheck = (target: EgressTarget) => boolean;

export interface EgressPolicyOptions {
  /** Hostnames, `host:port`, IPs (`10.0.0.5`, `[::1]:8080`) or CIDRs (`10.0.0.0/8`, `fd00::/8`). */
  readonly allow?: readonly string[];
  /** Public (globally routable) addresses are allowed unless this is false. */
  readonly allowPublic?: boolean;
}

export type AllowEntry =
  | { readonly kind: 'host'; readonly host: string; readonly port?: number }
  | { readonly kind: 'range'; readonly range: Cidr; readonly port?: number };

/**
 * A policy from an allowlist: listed destinations are allowed whatever they resolve to (listing a
 * hostname trusts its DNS); otherwise only public addresses, and only when `allowPublic` is not false.
 * Private, loopback, link-local, unique-local, CGNAT, multicast, unspecified and reserved addresses —
 * including their IPv4-mapped, NAT64 and 6to4 IPv6 forms — are denied unless listed.
 */
export function egressPolicy(options: EgressPolicyOptions = {}): EgressCheck {
  const entries = (options.allow ?? []).map(parseAllowEntry);
  const allowPublic = options.allowPublic ?? true;
  return (target) => {
    const address = parseAddress(target.address);
    if (address === undefined) return false;
    if (entries.some((entry) => entryMatches(entry, target.url, address))) return true;
    return allowPublic && classifyAddress(address) === 'public';
  };
}

export function parseAllowEntry(text: string): AllowEntry {
  const entry = text.trim().toLowerCase();
  if (entry.includes('/')) {
    const range = parseCidr(entry);
    if (range === undefined) throw new InvalidAllowEntry(text);
    return { kind: 'range', range: canonicalRange(range) };
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const split = bracketed ?? /^([^:]+):(\d+)$/.exec(entry);
  const hostPart = split ? (split[1] ?? '') : entry;
  const port = split?.[2] === undefined ? undefined : parsePort(split[2], text);
  const ip = parseAddress(hostPart);
  if (ip !== undefined) {
    const range = canonicalRange({ family: ip.family, base: ip.value, prefix: ip.family === 4 ? 32 : 128 });
    return port === undefined ? { kind: 'range', range } : { kind: 'range', range, port };
  }
  if (bracketed || !/^[a-z0-9\u0080-\uffff.-]+$/.test(hostPart)) throw new InvalidAllowEntry(text);
  const host = normalizeHostname(hostPart, text);
  return port === undefined ? { kind: 'host', host } : { kind: 'host', host, port };
}

function parsePort(digits: string, entry: string): number {
  const port = Number(digits);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidAllowEntry(entry);
  return port;
}

// The URL parser gives the same form as `url.hostname` of a request (lower case, punycode).
function normalizeHostname(host: string, entry: string): string {
  try {
    return new URL(`http://${host}/`).hostname.replace(/\.$/, '');
  } catch {
    throw new InvalidAllowEntry(entry);
  }
}

// `::ffff:10.0.0.0/104` means `10.0.0.0/8`: ranges are compared in the canonical (IPv4) form too.
function canonicalRange(range: Cidr): Cidr {
  if (range.family === 4 || range.prefix < 96) return range;
  const base = canonicalAddress({ family: 6, value: range.base });
  return base.family === 4 ? { family: 4, base: base.value, prefix: range.prefix - 96 } : range;
}

function entryMatches(entry: AllowEntry, url: URL, address: IpAddress): boolean {
  if (entry.port !== undefined && entry.port !== portOf(url)) return false;
  if (entry.kind === 'host') return entry.host === url.hostname.replace(/\.$/, '');
  return cidrContains(entry.range, canonicalAddress(address));
}

export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}
