import { isIP } from 'node:net';

/**
 * IP addresses as plain data: parsing, CIDR matching and classification for the egress policy.
 * Pure functions; addresses are held as a bigint so v4 and v6 ranges share one comparison.
 */
export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

export interface Cidr {
  readonly family: IpFamily;
  readonly base: bigint;
  readonly prefix: number;
}

/** Why an address is (not) reachable by default. Only 'public' is allowed without an allowlist entry. */
export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'unique-local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'reserved';

const bitsOf = (family: IpFamily): number => (family === 4 ? 32 : 128);

/** Parses an IPv4 or IPv6 literal (brackets and a `%zone` suffix tolerated); undefined if it is not one. */
export function parseAddress(text: string): IpAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const unzoned = bare.split('%')[0] ?? '';
  const family = isIP(unzoned);
  if (family === 4) return { family: 4, value: ipv4Value(unzoned) };
  if (family === 6) return { family: 6, value: ipv6Value(unzoned) };
  return undefined;
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

// Input already validated by net.isIP, so only the shapes it accepts need handling. A dotted IPv4
// tail (`::ffff:1.2.3.4`) is rewritten as two hex groups first.
function ipv6Value(text: string): bigint {
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  const hex = tail.includes('.') ? text.slice(0, lastColon + 1) + ipv4AsGroups(tail) : text;
  const [head = '', rest] = hex.split('::');
  const groups = (s: string): bigint[] => (s === '' ? [] : s.split(':').map((g) => BigInt(parseInt(g, 16))));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const zeros = new Array<bigint>(8 - left.length - right.length).fill(0n);
  return [...left, ...zeros, ...right].reduce((acc, w) => (acc << 16n) | w, 0n);
}

function ipv4AsGroups(dotted: string): string {
  const v = ipv4Value(dotted);
  return `${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
}

/** Text form: dotted quad, or RFC 5952 compressed IPv6. */
export function formatAddress(a: IpAddress): string {
  if (a.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((a.value >> s) & 0xffn)).join('.');
  }
  const words = Array.from({ length: 8 }, (_, i) => Number((a.value >> BigInt(112 - i * 16)) & 0xffffn));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** `a.b.c.d/n` or `v6/n`; a bare address is a single-host range. Host bits must be zero. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr = '', len, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const ip = parseAddress(addr);
  if (ip === undefined) return undefined;
  const bits = bitsOf(ip.family);
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
  const prefix = len === undefined ? bits : Number(len);
  if (prefix > bits) return undefined;
  if (hostBits(ip.value, bits - prefix) !== 0n) return undefined;
  return { family: ip.family, base: ip.value, prefix };
}

const hostBits = (value: bigint, count: number): bigint => value & ((1n << BigInt(count)) - 1n);

export function cidrContains(range: Cidr, a: IpAddress): boolean {
  if (range.family !== a.family) return false;
  const shift = BigInt(bitsOf(a.family) - range.prefix);
  return a.value >> shift === range.base >> shift;
}

const mappedPrefix = parseCidr('::ffff:0:0/96')!;

/**
 * An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) reaches the IPv4 host on dual-stack sockets, so it
 * is treated as that IPv4 address everywhere (classification and allowlist matching).
 */
export function canonicalAddress(a: IpAddress): IpAddress {
  if (cidrContains(mappedPrefix, a)) return { family: 4, value: a.value & 0xffffffffn };
  return a;
}

type Rule = readonly [Cidr, AddressClass];
const rules = (entries: readonly (readonly [string, AddressClass])[]): readonly Rule[] =>
  entries.map(([text, cls]) => [parseCidr(text)!, cls] as const);

const ipv4Rules = rules([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments
  ['192.0.2.0/24', 'reserved'], // documentation
  ['192.88.99.0/24', 'reserved'], // 6to4 relay anycast
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'], // benchmarking
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'], // includes 255.255.255.255
]);

const ipv6Rules = rules([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'reserved'], // deprecated IPv4-compatible form
  ['64:ff9b:1::/48', 'private'], // local-use NAT64
  ['100::/64', 'reserved'], // discard
  ['2001::/32', 'reserved'], // Teredo tunnels hide the real endpoint
  ['2001:db8::/32', 'reserved'], // documentation
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // deprecated site-local
  ['ff00::/8', 'multicast'],
]);

const globalUnicast = parseCidr('2000::/3')!;
const nat64 = parseCidr('64:ff9b::/96')!;
const sixToFour = parseCidr('2002::/16')!;

/** Classifies an address; IPv6 forms that embed an IPv4 address take the embedded address's class. */
export function classifyAddress(input: IpAddress): AddressClass {
  const a = canonicalAddress(input);
  if (a.family === 4) return ipv4Rules.find(([range]) => cidrContains(range, a))?.[1] ?? 'public';
  // NAT64 and 6to4 reach the embedded IPv4 host; it must not be a way around the IPv4 rules.
  if (cidrContains(nat64, a)) return classifyAddress({ family: 4, value: a.value & 0xffffffffn });
  if (cidrContains(sixToFour, a))
    return classifyAddress({ family: 4, value: (a.value >> 80n) & 0xffffffffn });
  const matched = ipv6Rules.filter(([range]) => cidrContains(range, a));
  // Most specific rule wins (::/128 inside ::/96, 2001:db8::/32 inside 2001::/32 are both fine either way).
  const best = matched.reduce<Rule | undefined>(
    (b, r) => (b === undefined || r[0].prefix > b[0].prefix ? r : b),
    undefined,
  );
  if (best !== undefined) return best[1];
  return cidrContains(globalUnicast, a) ? 'public' : 'reserved';
}
