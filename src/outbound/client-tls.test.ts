import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient, type OutboundClient, type OutboundOptions } from './client.js';
import { trustedCas } from './connector.js';
import { egressPolicy } from './egress.js';

// Node cannot issue X.509 certificates itself, so a throw-away CA and server certificate come from
// the openssl binary, valid for 127.0.0.1, localhost and node-b.test.
let dir: string;
let ca: string;
let server: Server;
let port: number;
const clients: OutboundClient[] = [];

function issueCertificates(into: string): void {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: into, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Musubi Test CA',
  );
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=node-b.test');
  writeFileSync(
    join(into, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:node-b.test\nbasicConstraints=CA:FALSE\n',
  );
  const sign = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-extfile', 'server.ext'];
  run('x509', '-req', '-in', 'server.csr', ...sign, '-out', 'server.pem', '-days', '2');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'musubi-outbound-tls-'));
  issueCertificates(dir);
  ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  server = createServer(
    { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) },
    (_req, res) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ 参加者: 'ノードB', 状態: '稼働中' }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function client(options: OutboundOptions): OutboundClient {
  const c = createOutboundClient(options);
  clients.push(c);
  return c;
}

const resolveToLoopback = async () => [{ address: '127.0.0.1', family: 4 as const }];

describe('HTTPS between nodes with a private CA', () => {
  it('trusts a server certificate issued by the CA given in the options', async () => {
    const c = client({ ca, egress: egressPolicy({ allow: ['127.0.0.1'] }) });
    expect(await c.json(`https://127.0.0.1:${port}/`)).toEqual({ 参加者: 'ノードB', 状態: '稼働中' });
  });

  it('refuses the same server without the CA, as a connect failure', async () => {
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }) });
    const err = await c.request(`https://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.connect-failed', kind: 'unavailable' });
  });

  it('verifies the certificate against the hostname even though the socket connects to a resolved IP', async () => {
    const c = client({ ca, egress: egressPolicy({ allow: ['127.0.0.1'] }), resolve: resolveToLoopback });
    expect((await c.request(`https://node-b.test:${port}/`)).status).toBe(200);
    const err = await c.request(`https://impostor.test:${port}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'outbound.connect-failed',
      fields: { reason: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    });
  });

  it('applies the egress policy to HTTPS as well', async () => {
    const c = client({ ca });
    const err = await c.request(`https://localhost:${port}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.egress-denied', fields: { host: `localhost:${port}` } });
  });
});

describe('trustedCas', () => {
  it("adds the given CA to Node's bundled roots instead of replacing them", () => {
    const roots = trustedCas(ca);
    expect(roots).toContain(ca);
    expect(roots.length).toBe(rootCertificates.length + 1);
    expect(trustedCas([ca, Buffer.from(ca)]).length).toBe(rootCertificates.length + 2);
  });
});
