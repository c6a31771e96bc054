import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDataSource } from '../../src/node/scopes/dataplane.js';
import { eventually, freePort } from '../dataspace/two-node-support.js';
import {
  accessAudit,
  type Clock,
  clockedNode,
  type Edr,
  type Node,
  protocolDriver,
  pull,
  seedAsset,
  testClock,
} from './support.js';

const text = '検査記録 2026-11: 圧力 0.52 MPa, 温度 23.1 ℃, 判定 合格\n'.repeat(40);
const bytes = Buffer.from(text);
const secret = 'Bearer backend-secret-7f3a';

/** The provider's backend: checks the credential, honours Range and gzip, fails on demand. */
async function backend() {
  const seen: { path: string; auth?: string; range?: string }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization, range: req.headers.range });
    if (req.headers.authorization !== secret) return void res.writeHead(401).end();
    if (req.url === '/fail') return void res.writeHead(500).end('boom');
    if (req.url === '/stall') return; // never answers
    const headers = {
      etag: '"v42"',
      'last-modified': 'Tue, 24 Nov 2026 10:00:00 GMT',
      'content-type': 'text/csv',
    };
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const [s, e] = [Number(range[1]), Number(range[2])];
      if (s >= bytes.length)
        return void res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
      return void res
        .writeHead(206, { ...headers, 'content-range': `bytes ${s}-${e}/${bytes.length}` })
        .end(bytes.subarray(s, e + 1));
    }
    if (/gzip/.test(req.headers['accept-encoding'] ?? ''))
      return void res.writeHead(200, { ...headers, 'content-encoding': 'gzip' }).end(gzipSync(bytes));
    res.writeHead(200, headers).end(bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { base, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Pulls with node:http so the raw (still gzipped) body and every header are seen. */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      fetchRaw(url, headers, resolve, reject);
    },
  );
}
function fetchRaw(
  url: string,
  headers: Record<string, string>,
  resolve: (v: { status: number; headers: Record<string, unknown>; body: Buffer }) => void,
  reject: (e: unknown) => void,
) {
  import('node:http').then(({ get }) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    }).on('error', reject);
  }, reject);
}

describe('data plane serving (provider)', () => {
  let clock: Clock;
  let provider: Node;
  let limited: Node;
  let consumer: Node;
  let driver: Awaited<ReturnType<typeof protocolDriver>>;
  let limitedDriver: Awaited<ReturnType<typeof protocolDriver>>;
  let back: Awaited<ReturnType<typeof backend>>;
  let root: string;
  let n = 0;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'musubi-files-'));
    writeFileSync(join(root, 'records.txt'), bytes);
    writeFileSync(join(root, 'packed.json'), '{"部品":"ボルト"}');
    writeFileSync(join(root, 'packed.json.gz'), gzipSync('{"部品":"ボルト"}'));
    writeFileSync(join(root, 'secrets.json'), JSON.stringify({ 'backend-token': secret }));
    back = await backend();
    clock = testClock();
    const common = {
      dataPlaneFileRoots: [root],
      dataPlaneSecretsFile: join(root, 'secrets.json'),
      dataPlaneBackendTimeoutMs: 400,
    };
    [provider, limited, consumer] = await Promise.all([
      clockedNode(clock, { ...common, dataPlaneIdleTimeoutMs: 1500 }),
      clockedNode(clock, {
        ...common,
        dataPlaneRateLimit: 2,
        dataPlaneVolumeLimitBytes: 3000,
        dataPlaneVolumeWindowS: 60,
      }),
      clockedNode(clock),
    ]);
    driver = await protocolDriver(provider, consumer);
    limitedDriver = await protocolDriver(limited, consumer);
  });
  afterAll(async () => {
    await Promise.all([driver?.close(), limitedDriver?.close(), back?.close()]);
    await Promise.all([provider?.stop(), limited?.stop(), consumer?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  async function started(
    address: Record<string, unknown>,
    on = provider,
    contentType = 'text/plain',
  ): Promise<Edr> {
    const agreementId = `urn:uuid:agreement-${++n}`;
    await seedAsset(on, {
      agreementId,
      assetId: `asset-${n}`,
      consumerDid: consumer.did,
      address,
      contentType,
    });
    return (on === provider ? driver : limitedDriver).start(agreementId);
  }

  it('serves a single range of a file as 206, a suffix range, and 416 for one outside or malformed', async () => {
    const edr = await started({ type: 'File', path: 'records.txt' });
    const part = await pull(edr.endpoint, edr.token, { headers: { range: 'bytes=10-29' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-29/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(10, 30));
    const tail = await pull(edr.endpoint, edr.token, { headers: { range: 'bytes=-7' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 7));
    for (const range of [`bytes=${bytes.length}-`, 'bytes=9-3', 'bytes=x-1']) {
      const bad = await pull(edr.endpoint, edr.token, { headers: { range } });
      expect(bad.status, range).toBe(416);
      expect(((await bad.json()) as { code: string }).code).toMatch(/^range\./);
    }
    const full = await pull(edr.endpoint, edr.token, { headers: { 'accept-encoding': 'identity' } });
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(full.headers.get('last-modified')).toBeTruthy();
    expect(Buffer.from(await full.arrayBuffer())).toEqual(bytes);
  });

  it('gzips a text file on the fly for a consumer that accepts it, and never for one that does not', async () => {
    const edr = await started({ type: 'File', path: 'records.txt' });
    const gz = await rawGet(edr.endpoint, {
      authorization: `Bearer ${edr.token}`,
      'accept-encoding': 'gzip',
    });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.length).toBeLessThan(bytes.length);
    expect(gunzipSync(gz.body)).toEqual(bytes);
    expect(gz.headers.etag).toMatch(/^W\/".*-gzip"$/);
    const plain = await rawGet(edr.endpoint, { authorization: `Bearer ${edr.token}` });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toEqual(bytes);
  });

  it("serves a file's precompressed .gz sibling as is, with its length; HEAD gives the headers only", async () => {
    const edr = await started({ type: 'File', path: 'packed.json' }, provider, 'application/json');
    const head = await pull(edr.endpoint, edr.token, {
      method: 'HEAD',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-encoding')).toBe('gzip');
    expect(Number(head.headers.get('content-length'))).toBe(gzipSync('{"部品":"ボルト"}').length);
    expect(await head.text()).toBe('');
    const got = await rawGet(edr.endpoint, {
      authorization: `Bearer ${edr.token}`,
      'accept-encoding': 'gzip',
    });
    expect(JSON.parse(gunzipSync(got.body).toString())).toEqual({ 部品: 'ボルト' });
  });

  it('relays an HttpData backend with its secret credential, passing Range, gzip, ETag and Last-Modified', async () => {
    const edr = await started({
      type: 'HttpData',
      baseUrl: back.base,
      path: '/records',
      authSecret: 'backend-token',
    });
    const res = await rawGet(edr.endpoint, {
      authorization: `Bearer ${edr.token}`,
      'accept-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'content-encoding': 'gzip',
      etag: '"v42"',
      'last-modified': 'Tue, 24 Nov 2026 10:00:00 GMT',
      'content-type': 'text/csv',
    });
    expect(gunzipSync(res.body)).toEqual(bytes);
    const part = await pull(edr.endpoint, edr.token, { headers: { range: 'bytes=0-9' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(0, 10));
    expect(back.seen.at(-1)).toMatchObject({ path: '/records', auth: secret, range: 'bytes=0-9' });
    const outside = await pull(edr.endpoint, edr.token, {
      headers: { range: `bytes=${bytes.length}-${bytes.length + 5}` },
    });
    expect(outside.status).toBe(416);
    // the credential and the consumer's token stay out of the provider's log
    expect(provider.logs()).not.toContain('backend-secret-7f3a');
    expect(provider.logs()).not.toContain(edr.token);
  });

  it('maps backend failures: 500 → 502, refused → 503, no answer in time → 504, each a problem body', async () => {
    const closedPort = await freePort();
    for (const [address, status, code] of [
      [{ baseUrl: back.base, path: '/fail' }, 502, 'source.bad-response'],
      [{ baseUrl: `http://127.0.0.1:${closedPort}` }, 503, 'source.unavailable'],
      [{ baseUrl: back.base, path: '/stall' }, 504, 'source.timeout'],
    ] as const) {
      const edr = await started({ type: 'HttpData', authSecret: 'backend-token', ...address });
      const res = await pull(edr.endpoint, edr.token);
      expect(res.status, code).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { code: string }).code).toBe(code);
      const row = await eventually(
        `audit of ${code}`,
        async () => (await accessAudit(provider)).find((r) => r.resource_id === edr.providerPid),
        Boolean,
      );
      expect(row).toMatchObject({
        outcome: 'failure',
        reason: code,
        details: expect.objectContaining({ status }),
      });
    }
  });

  it('limits requests per second per agreement (429, Retry-After), counted on the injected clock', async () => {
    const edr = await started({ type: 'File', path: 'packed.json' }, limited);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await pull(edr.endpoint, edr.token);
      await r.text();
      statuses.push(r.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await pull(edr.endpoint, edr.token);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { code: string }).code).toBe('limit.rate');
    clock.advance(1000);
    expect((await pull(edr.endpoint, edr.token)).status).toBe(200);
  });

  it('limits bytes per window per agreement: a body that would pass the limit is refused before any byte', async () => {
    const edr = await started({ type: 'File', path: 'records.txt' }, limited);
    const identity = { headers: { 'accept-encoding': 'identity' } };
    clock.advance(60_000);
    const first = await pull(edr.endpoint, edr.token, identity);
    expect(first.status).toBe(200);
    expect((await first.arrayBuffer()).byteLength).toBe(bytes.length);
    clock.advance(1000);
    const second = await pull(edr.endpoint, edr.token, identity);
    expect(second.status).toBe(429);
    expect(((await second.json()) as { code: string }).code).toBe('limit.volume');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(60_000);
    expect((await pull(edr.endpoint, edr.token, identity)).status).toBe(200);
  });

  it('never reads the source ahead of a stalled consumer, and cuts it after the idle timeout', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let produced = 0;
    let received = 0;
    let overrun = false;
    let body: Readable | undefined;
    // A source of 8 GiB that fails the access if it is read more than 32 MiB ahead of what the consumer took:
    // only ignored backpressure could get it there.
    registerDataSource(provider.node.context, {
      type: 'Endless',
      validate: () => {},
      open: async () => {
        body = new Readable({
          read() {
            if (produced - received > 32 * 1024 * 1024) {
              overrun = true;
              this.destroy(new Error('read beyond backpressure'));
              return;
            }
            produced += chunk.length;
            this.push(produced >= 8 * 2 ** 30 ? null : chunk);
          },
        });
        return { status: 200, body, contentLength: 8 * 2 ** 30 };
      },
    });
    const edr = await started({ type: 'Endless' }, provider, 'application/octet-stream');
    const url = new URL(edr.endpoint);
    const socket = connect(Number(url.port), url.hostname);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write(
      `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${edr.token}\r\n\r\n`,
    );
    // read the first 4 MiB, then stop reading altogether
    let stalled = false;
    await new Promise<void>((resolve) => {
      socket.on('data', (d: Buffer) => {
        received += d.length;
        if (received > 4 * 1024 * 1024 && !stalled) {
          stalled = true;
          socket.pause();
          resolve();
        }
      });
    });
    // the provider cuts the stalled consumer after dataPlaneIdleTimeoutMs: its audit record is written then
    const row = await eventually(
      'audit of the cut access',
      async () => (await accessAudit(provider)).find((r) => r.resource_id === edr.providerPid),
      Boolean,
    );
    expect(overrun).toBe(false);
    expect(produced).toBeLessThan(received + 32 * 1024 * 1024);
    expect(body?.destroyed).toBe(true);
    // what the kernel still held reaches the consumer, then the connection ends short of the 8 GiB announced
    socket.resume();
    await closed;
    expect(received).toBeLessThan(produced + 1024);
    expect(row).toMatchObject({ outcome: 'failure', reason: 'consumer.idle' });
    expect(row?.details).toMatchObject({ status: 200, complete: false });
    expect(Number(row?.details.bytes)).toBeLessThanOrEqual(produced);
  });
});
