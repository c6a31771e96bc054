import { describe, expect, it } from 'vitest';
import { egressPolicy, parseAllowEntry, portOf } from './egress.js';
import { InvalidAllowEntry } from './errors.js';

const target = (url: string, address: string) => ({
  url: new URL(url),
  address,
  family: address.includes(':') ? (6 as const) : (4 as const),
});

describe('egressPolicy defaults', () => {
  const policy = egressPolicy();

  it('allows public addresses', () => {
    expect(policy(target('https://partner.example', '93.184.216.34'))).toBe(true);
    expect(policy(target('https://partner.example', '2606:4700:4700::1111'))).toBe(true);
  });

  it('denies private, loopback, link-local, unique-local, CGNAT, multicast and unspecified addresses', () => {
    for (const address of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      'fe80::1',
      'fd00::1',
      '100.64.1.1',
      '239.1.1.1',
      '0.0.0.0',
      '::',
      '::1',
    ]) {
      expect(policy(target('http://x.example', address)), address).toBe(false);
    }
  });

  it('denies IPv4-mapped IPv6 forms of denied addresses', () => {
    expect(policy(target('http://x.example', '::ffff:127.0.0.1'))).toBe(false);
    expect(policy(target('http://x.example', '::ffff:a9fe:a9fe'))).toBe(false);
  });

  it('denies everything not listed when public addresses are switched off', () => {
    const closed = egressPolicy({ allowPublic: false, allow: ['partner.example'] });
    expect(closed(target('https://other.example', '93.184.216.34'))).toBe(false);
    expect(closed(target('https://partner.example', '93.184.216.34'))).toBe(true);
  });

  it('denies an address that is not an IP literal', () => {
    expect(policy(target('http://x.example', 'not-an-ip'))).toBe(false);
  });
});

describe('egressPolicy allowlist', () => {
  it('allows a listed IP, including its IPv4-mapped form', () => {
    const policy = egressPolicy({ allow: ['127.0.0.1'] });
    expect(policy(target('http://127.0.0.1:8080', '127.0.0.1'))).toBe(true);
    expect(policy(target('http://[::ffff:7f00:1]:8080', '::ffff:7f00:1'))).toBe(true);
    expect(policy(target('http://127.0.0.2:8080', '127.0.0.2'))).toBe(false);
  });

  it('allows a listed CIDR (IPv4 and IPv6) and nothing beside it', () => {
    const policy = egressPolicy({ allow: ['10.20.0.0/16', 'fd00:1::/32'] });
    expect(policy(target('http://a', '10.20.3.4'))).toBe(true);
    expect(policy(target('http://a', '10.21.0.1'))).toBe(false);
    expect(policy(target('http://a', 'fd00:1:2::9'))).toBe(true);
    expect(policy(target('http://a', 'fd00:2::9'))).toBe(false);
  });

  it('allows a listed hostname whatever it resolves to, on any port', () => {
    const policy = egressPolicy({ allow: ['Intranet.Example.'] });
    expect(policy(target('http://intranet.example:9000', '10.0.0.5'))).toBe(true);
    expect(policy(target('http://other.example', '10.0.0.5'))).toBe(false);
  });

  it('allows host:port only on that port, counting default ports', () => {
    const policy = egressPolicy({
      allow: ['localhost:4000', 'dsp.example:443', '[::1]:8080', '10.0.0.1:80'],
    });
    expect(policy(target('http://localhost:4000', '127.0.0.1'))).toBe(true);
    expect(policy(target('http://localhost:4001', '127.0.0.1'))).toBe(false);
    expect(policy(target('https://dsp.example', '10.9.9.9'))).toBe(true);
    expect(policy(target('http://dsp.example', '10.9.9.9'))).toBe(false);
    expect(policy(target('http://[::1]:8080', '::1'))).toBe(true);
    expect(policy(target('http://[::1]:8081', '::1'))).toBe(false);
    expect(policy(target('http://10.0.0.1', '10.0.0.1'))).toBe(true);
  });

  it('matches Japanese and full-width hostnames in the form the URL parser gives them', () => {
    const policy = egressPolicy({ allow: ['結び.example', 'ＰＡＲＴＮＥＲ.example'] });
    expect(policy(target('https://結び.example/', '10.0.0.1'))).toBe(true);
    expect(policy(target('https://xn--z9j672u.example/', '10.0.0.1'))).toBe(true);
    expect(policy(target('https://partner.example/', '10.0.0.1'))).toBe(true);
    expect(policy(target('https://結.example/', '10.0.0.1'))).toBe(false);
  });
});

describe('parseAllowEntry', () => {
  it('reads every entry form', () => {
    expect(parseAllowEntry('partner.example')).toEqual({ kind: 'host', host: 'partner.example' });
    expect(parseAllowEntry('partner.example:8443')).toEqual({
      kind: 'host',
      host: 'partner.example',
      port: 8443,
    });
    expect(parseAllowEntry('10.0.0.0/8')).toMatchObject({ kind: 'range', range: { family: 4, prefix: 8 } });
    expect(parseAllowEntry('::1')).toMatchObject({
      kind: 'range',
      range: { family: 6, base: 1n, prefix: 128 },
    });
    expect(parseAllowEntry('[::1]:443')).toMatchObject({ kind: 'range', port: 443 });
    expect(parseAllowEntry('::ffff:10.0.0.0/104')).toMatchObject({
      kind: 'range',
      range: { family: 4, prefix: 8 },
    });
  });

  it('refuses malformed entries with a typed error', () => {
    for (const entry of [
      '10.0.0.0/40',
      'host:0',
      'host:70000',
      'a b',
      '[host]:80',
      '',
      'http://x',
      '10.0.0.1/8',
    ]) {
      expect(() => parseAllowEntry(entry), entry).toThrow(InvalidAllowEntry);
    }
    expect(() => egressPolicy({ allow: ['bad entry'] })).toThrow(
      expect.objectContaining({ code: 'outbound.invalid-allow-entry' }),
    );
  });
});

describe('portOf', () => {
  it('uses the explicit port or the scheme default', () => {
    expect(portOf(new URL('http://a'))).toBe(80);
    expect(portOf(new URL('https://a'))).toBe(443);
    expect(portOf(new URL('https://a:8443'))).toBe(8443);
  });
});
