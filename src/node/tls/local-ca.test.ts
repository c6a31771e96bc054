import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import {
  certificateNames,
  coversNames,
  ensureLocalCa,
  ensureServerCertificate,
  prepareTls,
} from './index.js';

const root = mkdtempSync(join(tmpdir(), 'musubi-tls-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const now = new Date('2026-12-06T00:00:00Z');
const mode = (f: string) => statSync(f).mode & 0o777;
const configWith = (flags: Record<string, unknown>) => loadConfig({ flags, env: {} }).values;

describe('the local CA and its server certificate', () => {
  const caDir = join(root, 'ca');
  const tlsDir = join(root, 'tls');

  it('makes a CA once, its key readable by the owner only, even when two nodes start together', async () => {
    const [a, b] = await Promise.all([ensureLocalCa(caDir), ensureLocalCa(caDir)]);
    expect(a).toBe(b);
    expect(new X509Certificate(a).ca).toBe(true);
    expect(mode(join(caDir, 'ca.key'))).toBe(0o600);
    expect(await ensureLocalCa(caDir)).toBe(a);
  });

  it('issues a server certificate for every name, signed by the CA, and keeps it while it fits', async () => {
    const names = ['localhost', '127.0.0.1', '::1', '部品工業.example'.normalize('NFKC')];
    const ascii = names.map((n) =>
      new URL(`https://${n.includes(':') ? `[${n}]` : n}`).hostname.replace(/^\[|\]$/g, ''),
    );
    const first = await ensureServerCertificate(tlsDir, caDir, ascii, now);
    const cert = new X509Certificate(first.cert);
    expect(coversNames(cert, ascii)).toBe(true);
    expect(coversNames(cert, ['impostor.example'])).toBe(false);
    expect(cert.checkIssued(new X509Certificate(readFileSync(join(caDir, 'ca.pem'))))).toBe(true);
    expect(mode(join(tlsDir, 'server.key'))).toBe(0o600);
    expect((await ensureServerCertificate(tlsDir, caDir, ascii, now)).cert).toBe(first.cert);
  });

  it('reissues when a new public host appears or expiry is near', async () => {
    const before = readFileSync(join(tlsDir, 'server.pem'), 'utf8');
    const added = await ensureServerCertificate(tlsDir, caDir, ['localhost', 'maker.example'], now);
    expect(added.cert).not.toBe(before);
    expect(coversNames(new X509Certificate(added.cert), ['maker.example'])).toBe(true);
    const later = new Date(now.getTime() + 380 * 86_400_000);
    const renewed = await ensureServerCertificate(tlsDir, caDir, ['localhost', 'maker.example'], later);
    expect(renewed.cert).not.toBe(added.cert);
  });

  it('names loopback, the public host, the public URL and a specific bind address', () => {
    const names = certificateNames(
      configWith({ host: 'supplier.example:8443', publicUrl: 'https://gw.example/x', bind: '10.0.0.5' }),
    );
    expect(names).toEqual(['localhost', '127.0.0.1', '::1', 'supplier.example', 'gw.example', '10.0.0.5']);
    expect(certificateNames(configWith({ bind: '0.0.0.0' }))).toEqual(['localhost', '127.0.0.1', '::1']);
  });
});

describe('prepareTls', () => {
  it('serves nothing and trusts only tlsCa under plain HTTP', async () => {
    const tls = await prepareTls(
      configWith({ store: join(root, 'plain'), plainHttp: true, tlsCa: [join(root, 'ca', 'ca.pem')] }),
      now,
    );
    expect(tls.server).toBeUndefined();
    expect(tls.trusted).toHaveLength(1);
  });

  it('uses a configured certificate, refusing a key that is not its own in one line', async () => {
    const tlsDir = join(root, 'tls');
    const ok = await prepareTls(
      configWith({ tlsCert: join(tlsDir, 'server.pem'), tlsKey: join(tlsDir, 'server.key') }),
      now,
    );
    expect(ok.server?.cert).toBe(readFileSync(join(tlsDir, 'server.pem'), 'utf8'));
    expect(ok.caFile).toBeUndefined();
    const other = join(root, 'other.key');
    writeFileSync(other, readFileSync(join(root, 'ca', 'ca.key')));
    await expect(
      prepareTls(configWith({ tlsCert: join(tlsDir, 'server.pem'), tlsKey: other }), now),
    ).rejects.toMatchObject({
      code: 'tls.file-invalid',
      message: expect.stringMatching(/not the private key of/),
    });
    await expect(prepareTls(configWith({ tlsCert: join(tlsDir, 'server.pem') }), now)).rejects.toMatchObject({
      message: expect.stringMatching(/tlsKey must be configured with it/),
    });
  });

  it('says in one line what to do when there is neither a certificate nor openssl', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(root, 'no-bin');
    try {
      await expect(prepareTls(configWith({ store: join(root, 'bare') }), now)).rejects.toMatchObject({
        code: 'tls.unavailable',
        message: expect.stringMatching(/no openssl binary.*--insecure-http/),
      });
    } finally {
      process.env.PATH = path;
    }
  });
});
