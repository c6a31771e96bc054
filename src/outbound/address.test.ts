import { describe, expect, it } from 'vitest';
import {
  canonicalAddress,
  cidrContains,
  classifyAddress,
  formatAddress,
  parseAddress,
  parseCidr,
} from './address.js';

const ip = (text: string) => {
  const a = parseAddress(text);
  if (a === undefined) throw new Error(`test fixture ${text} is not an address`);
  return a;
};
const range = (text: string) => {
  const r = parseCidr(text);
  if (r === undefined) throw new Error(`test fixture ${text} is not a CIDR`);
  return r;
};

describe('parseAddress', () => {
  it('reads IPv4 dotted quads as 32-bit values', () => {
    expect(ip('127.0.0.1')).toEqual({ family: 4, value: 0x7f000001n });
    expect(ip('255.255.255.255').value).toBe(0xffffffffn);
  });

  it('reads compressed, full, bracketed and zoned IPv6', () => {
    expect(ip('::1')).toEqual({ family: 6, value: 1n });
    expect(ip('[::1]')).toEqual({ family: 6, value: 1n });
    expect(ip('0:0:0:0:0:0:0:1').value).toBe(1n);
    expect(ip('fe80::1%eth0').value).toBe((0xfe80n << 112n) | 1n);
    expect(ip('2001:db8::8:800:200c:417a').value).toBe(0x20010db8000000000008_0800200c417an);
  });

  it('reads IPv6 with a dotted IPv4 tail the same as its hex form', () => {
    expect(ip('::ffff:127.0.0.1')).toEqual(ip('::ffff:7f00:1'));
    expect(ip('64:ff9b::10.0.0.1')).toEqual(ip('64:ff9b::a00:1'));
  });

  it('rejects names and malformed literals', () => {
    for (const text of ['localhost', '1.2.3', '1.2.3.256', '::g', '', '01.2.3.4x', '1::2::3']) {
      expect(parseAddress(text), text).toBeUndefined();
    }
  });
});

describe('formatAddress', () => {
  it('writes IPv4 and RFC 5952 IPv6', () => {
    expect(formatAddress(ip('10.1.2.3'))).toBe('10.1.2.3');
    expect(formatAddress(ip('0:0:0:0:0:0:0:1'))).toBe('::1');
    expect(formatAddress(ip('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatAddress(ip('2001:db8:1:2:3:4:5:6'))).toBe('2001:db8:1:2:3:4:5:6');
    expect(formatAddress(ip('::'))).toBe('::');
  });
});

describe('parseCidr / cidrContains', () => {
  it('matches addresses inside an IPv4 range and not outside it', () => {
    const r = range('172.16.0.0/12');
    expect(cidrContains(r, ip('172.16.0.1'))).toBe(true);
    expect(cidrContains(r, ip('172.31.255.255'))).toBe(true);
    expect(cidrContains(r, ip('172.32.0.0'))).toBe(false);
    expect(cidrContains(r, ip('172.15.255.255'))).toBe(false);
  });

  it('matches IPv6 ranges and never across families', () => {
    const r = range('fd00::/8');
    expect(cidrContains(r, ip('fd12:3456::1'))).toBe(true);
    expect(cidrContains(r, ip('fe00::1'))).toBe(false);
    expect(cidrContains(range('0.0.0.0/0'), ip('::1'))).toBe(false);
    expect(cidrContains(range('::/0'), ip('1.2.3.4'))).toBe(false);
  });

  it('treats a bare address as a single host and /0 as everything', () => {
    expect(range('10.0.0.5')).toEqual({ family: 4, base: 0x0a000005n, prefix: 32 });
    expect(cidrContains(range('0.0.0.0/0'), ip('203.0.113.9'))).toBe(true);
  });

  it('rejects prefixes that are too long, host bits set, and junk', () => {
    for (const text of [
      '10.0.0.0/33',
      '::/129',
      '10.0.0.1/8',
      '10.0.0.0/x',
      '10.0.0.0/8/1',
      'example.com/8',
    ]) {
      expect(parseCidr(text), text).toBeUndefined();
    }
  });
});

describe('canonicalAddress', () => {
  it('turns IPv4-mapped IPv6 into the IPv4 address and leaves the rest alone', () => {
    expect(canonicalAddress(ip('::ffff:192.168.1.1'))).toEqual(ip('192.168.1.1'));
    expect(canonicalAddress(ip('::1'))).toEqual(ip('::1'));
    expect(canonicalAddress(ip('8.8.8.8'))).toEqual(ip('8.8.8.8'));
  });
});

describe('classifyAddress', () => {
  const cases: [string, string][] = [
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.0.10', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['3fff::1', 'public'],
    ['4000::1', 'reserved'],
  ];
  it.each(cases)('classifies %s as %s', (text, expected) => {
    expect(classifyAddress(ip(text))).toBe(expected);
  });

  it('gives IPv4-mapped, NAT64 and 6to4 forms the class of the IPv4 address inside', () => {
    expect(classifyAddress(ip('::ffff:127.0.0.1'))).toBe('loopback');
    expect(classifyAddress(ip('::ffff:7f00:1'))).toBe('loopback');
    expect(classifyAddress(ip('::ffff:10.0.0.1'))).toBe('private');
    expect(classifyAddress(ip('::ffff:8.8.8.8'))).toBe('public');
    expect(classifyAddress(ip('64:ff9b::169.254.169.254'))).toBe('link-local');
    expect(classifyAddress(ip('64:ff9b::8.8.8.8'))).toBe('public');
    expect(classifyAddress(ip('2002:c0a8:0101::1'))).toBe('private'); // 6to4 of 192.168.1.1
    expect(classifyAddress(ip('2002:0808:0808::1'))).toBe('public');
  });
});
