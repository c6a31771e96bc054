import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboundClient, type OutboundClient, type OutboundOptions } from './client.js';
import type { Resolve } from './connector.js';
import { egressPolicy } from './egress.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  readonly port: number;
  readonly url: string;
  /** Sockets accepted so far (a denied request must leave this at 0). */
  readonly connections: () => number;
  readonly sockets: Socket[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function serve(handler: Handler, host = '127.0.0.1', atPort = 0): Promise<TestServer> {
  const sockets: Socket[] = [];
  const server = createServer(handler);
  server.on('connection', (s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(atPort, host, resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port, url: `http://127.0.0.1:${port}`, connections: () => sockets.length, sockets };
}

function client(options: OutboundOptions = {}): OutboundClient {
  const c = createOutboundClient(options);
  cleanups.push(() => c.close());
  return c;
}

const fixedResolve =
  (table: Record<string, readonly string[]>): Resolve =>
  async (hostname) => {
    const found = table[hostname];
    if (found === undefined) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };

const japanese = '手順①　電源を切る。②　カバーを外す（ﾊﾝｶｸ注意）';
const hello: Handler = (_req, res) => {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(japanese);
};

describe('egress: loopback and private destinations', () => {
  it('denies loopback by default, before any connection is made', async () => {
    const server = await serve(hello);
    const err = await client()
      .request(`${server.url}/`)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'outbound.egress-denied',
      kind: 'invalid',
      fields: { host: `127.0.0.1:${server.port}`, address: '127.0.0.1' },
    });
    expect(server.connections()).toBe(0);
  });

  it('allows loopback when 127.0.0.1 is listed, and reads the Japanese body', async () => {
    const server = await serve(hello);
    const res = await client({ egress: egressPolicy({ allow: ['127.0.0.1'] }) }).request(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.text()).toBe(japanese);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('allows localhost:<port> when listed, through the system resolver', async () => {
    const server = await serve(hello);
    const res = await client({ egress: egressPolicy({ allow: [`localhost:${server.port}`] }) }).request(
      `http://localhost:${server.port}/`,
    );
    expect(res.text()).toBe(japanese);
  });

  it('denies localhost on a port other than the listed one', async () => {
    const server = await serve(hello);
    const other = server.port === 65535 ? 1 : server.port + 1;
    const err = await client({ egress: egressPolicy({ allow: [`localhost:${other}`] }) })
      .request(`http://localhost:${server.port}/`)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'outbound.egress-denied',
      fields: { host: `localhost:${server.port}` },
    });
    expect(server.connections()).toBe(0);
  });

  it('denies a hostname that resolves to a private address, naming host and address', async () => {
    const c = client({ resolve: fixedResolve({ 'files.partner.example': ['10.0.0.5'] }) });
    const err = await c.request('http://files.partner.example/data').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'outbound.egress-denied',
      fields: { host: 'files.partner.example', address: '10.0.0.5' },
    });
    expect(String((err as Error).message)).toContain('10.0.0.5');
  });

  it('connects to the address the resolver gave for a listed hostname', async () => {
    const server = await serve(hello);
    const c = client({
      egress: egressPolicy({ allow: ['peer.test'] }),
      resolve: fixedResolve({ 'peer.test': ['127.0.0.1'] }),
    });
    const res = await c.request(`http://peer.test:${server.port}/`);
    expect(res.text()).toBe(japanese);
    expect(server.connections()).toBe(1);
  });

  it('drops denied addresses from a mixed answer and connects only to an allowed one', async () => {
    const allowed = await serve(hello);
    // Same port on another loopback address: any attempt on the denied address would be seen here.
    const denied = await serve(hello, '127.0.0.2', allowed.port);
    const c = client({
      egress: egressPolicy({ allow: ['127.0.0.1'] }),
      resolve: fixedResolve({ 'rebind.test': ['127.0.0.2', '127.0.0.1'] }),
    });
    expect((await c.request(`http://rebind.test:${allowed.port}/`)).status).toBe(200);
    expect(denied.connections()).toBe(0);
    expect(allowed.connections()).toBe(1);
  });

  it('checks the name again on a new connection, so a later private answer is denied', async () => {
    const server = await serve(hello);
    const answers = [['127.0.0.1'], ['192.168.0.7']];
    const c = client({
      egress: egressPolicy({ allow: ['127.0.0.1'] }),
      resolve: async () => (answers.shift() ?? []).map((address) => ({ address, family: 4 as const })),
    });
    await c.request(`http://rebind.test:${server.port}/`);
    server.sockets.forEach((s) => {
      s.destroy();
    });
    const err = await c.request(`http://rebind.test:${server.port}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.egress-denied', fields: { address: '192.168.0.7' } });
  });

  it('denies the IPv6 loopback literal [::1]', async () => {
    const err = await client()
      .request('http://[::1]:9/')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'outbound.egress-denied',
      fields: { host: '[::1]:9', address: '::1' },
    });
  });

  it('denies the IPv4-mapped literal [::ffff:127.0.0.1]', async () => {
    const server = await serve(hello);
    const err = await client()
      .request(`http://[::ffff:127.0.0.1]:${server.port}/`)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.egress-denied', fields: { address: '::ffff:7f00:1' } });
    expect(server.connections()).toBe(0);
  });

  it('denies loopback written in the numeric and short IPv4 forms the URL parser accepts', async () => {
    const server = await serve(hello);
    for (const host of ['2130706433', '0x7f.1', '127.1', '0']) {
      const err = await client()
        .request(`http://${host}:${server.port}/`)
        .catch((e: unknown) => e);
      expect(err, host).toMatchObject({ code: 'outbound.egress-denied' });
    }
    expect(server.connections()).toBe(0);
  });

  it('denies a name resolving to an IPv4-mapped loopback address', async () => {
    const c = client({ resolve: fixedResolve({ 'mapped.test': ['::ffff:127.0.0.1'] }) });
    const err = await c.request('http://mapped.test/').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.egress-denied', fields: { address: '::ffff:127.0.0.1' } });
  });

  it('passes the origin and resolved address to a custom egress hook', async () => {
    const server = await serve(hello);
    const seen: string[] = [];
    const c = client({
      egress: (t) => {
        seen.push(`${t.url.origin} ${t.address} ${t.family}`);
        return true;
      },
      resolve: fixedResolve({ 'hook.test': ['127.0.0.1'] }),
    });
    await c.request(`http://hook.test:${server.port}/secret?token=x`);
    expect(seen).toEqual([`http://hook.test:${server.port} 127.0.0.1 4`]);
  });
});

describe('timeouts', () => {
  it('fails with outbound.timeout when the server never sends headers', async () => {
    const server = await serve(() => {
      // never answers
    });
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }), readTimeoutMs: 300 });
    const started = performance.now();
    const err = await c.request(`${server.url}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'outbound.timeout',
      kind: 'unavailable',
      fields: { phase: 'headers', timeoutMs: 300 },
    });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('fails with outbound.timeout when the body stalls after the headers', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.write('途中まで');
    });
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }), readTimeoutMs: 300 });
    const err = await c.request(`${server.url}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.timeout', fields: { phase: 'body' } });
  });

  it('fails with outbound.timeout when name resolution never completes', async () => {
    const c = client({ connectTimeoutMs: 300, resolve: () => new Promise(() => {}) });
    const err = await c.request('http://slow-dns.test/').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.timeout', fields: { phase: 'connect' } });
  });
});

describe('response size limit', () => {
  it('aborts a streamed body as soon as it passes the limit, and the server sees the socket close', async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    let closed!: Promise<void>;
    const server = await serve((req, res) => {
      closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked, no length
      const chunk = Buffer.alloc(16 * 1024, 0x41);
      const pump = (): void => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (written >= total) res.end();
      };
      pump();
    });
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }), maxResponseBytes: 64 * 1024 });
    const err = await c.request(`${server.url}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.too-large', fields: { limitBytes: 65536 } });
    await closed;
    expect(written).toBeLessThan(total / 4);
  });

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    let closed!: Promise<void>;
    const server = await serve((req, res) => {
      closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
      res.writeHead(200, { 'content-length': String(1024 * 1024) });
      res.write(Buffer.alloc(1024));
    });
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }), maxResponseBytes: 1000 });
    const err = await c.request(`${server.url}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.too-large' });
    await closed;
  });

  it('accepts a body of exactly the limit, counted in bytes not characters', async () => {
    const server = await serve(hello);
    const size = Buffer.byteLength(japanese);
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }), maxResponseBytes: size });
    expect((await c.request(`${server.url}/`)).bytes.length).toBe(size);
    const smaller = await c
      .request(`${server.url}/`, { maxResponseBytes: size - 1 })
      .catch((e: unknown) => e);
    expect(smaller).toMatchObject({ code: 'outbound.too-large' });
  });
});

describe('redirects', () => {
  const redirectTo =
    (location: () => string, status = 302): Handler =>
    (_req, res) => {
      res.writeHead(status, { location: location() });
      res.end();
    };

  it('refuses a redirect to a denied address, and the target is never contacted', async () => {
    const denied = await serve(hello);
    const start = await serve(redirectTo(() => `${denied.url}/internal`));
    const c = client({ egress: egressPolicy({ allow: [`127.0.0.1:${start.port}`] }), maxRedirects: 3 });
    const err = await c.request(`${start.url}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'outbound.egress-denied',
      fields: { host: `127.0.0.1:${denied.port}`, address: '127.0.0.1' },
    });
    expect(denied.connections()).toBe(0);
  });

  it('refuses a redirect to a name that resolves to a link-local address', async () => {
    const start = await serve(redirectTo(() => 'http://metadata.test/latest/meta-data/'));
    const c = client({
      egress: egressPolicy({ allow: ['127.0.0.1'] }),
      resolve: fixedResolve({ 'metadata.test': ['169.254.169.254'] }),
      maxRedirects: 3,
    });
    const err = await c.request(`${start.url}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.egress-denied', fields: { address: '169.254.169.254' } });
  });

  it('returns the 3xx response itself when redirects are off (the default)', async () => {
    const start = await serve(redirectTo(() => 'http://elsewhere.test/'));
    const res = await client({ egress: egressPolicy({ allow: ['127.0.0.1'] }) }).request(`${start.url}/`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('http://elsewhere.test/');
  });

  it('follows an allowed redirect, turns 303 into GET and drops credentials across origins', async () => {
    const seen: { method?: string; auth?: string; url?: string }[] = [];
    const target = await serve((req, res) => {
      seen.push({ method: req.method, auth: req.headers.authorization, url: req.url });
      hello(req, res);
    });
    const start = await serve(redirectTo(() => `http://peer.test:${target.port}/next`, 303));
    const c = client({
      egress: egressPolicy({ allow: ['127.0.0.1', 'peer.test'] }),
      resolve: fixedResolve({ 'peer.test': ['127.0.0.1'] }),
      maxRedirects: 2,
    });
    const res = await c.request(`${start.url}/`, {
      method: 'POST',
      json: { 件名: '点検' },
      headers: { Authorization: 'Bearer secret' },
    });
    expect(res.text()).toBe(japanese);
    expect(res.url).toBe(`http://peer.test:${target.port}/next`);
    expect(seen).toEqual([{ method: 'GET', auth: undefined, url: '/next' }]);
  });

  it('stops after maxRedirects with outbound.too-many-redirects', async () => {
    let self = '';
    const loop = await serve(redirectTo(() => self));
    self = `${loop.url}/again`;
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }), maxRedirects: 2 });
    const err = await c.request(`${loop.url}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.too-many-redirects', fields: { maxRedirects: 2 } });
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const start = await serve(redirectTo(() => 'file:///etc/passwd'));
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }), maxRedirects: 2 });
    const err = await c.request(`${start.url}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.bad-redirect' });
  });
});

describe('requests and JSON', () => {
  const echo: Handler = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(
        JSON.stringify({
          method: req.method,
          contentType: req.headers['content-type'],
          userAgent: req.headers['user-agent'],
          accept: req.headers.accept,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
  };

  it('sends a JSON body and parses a JSON answer with Japanese text', async () => {
    const server = await serve(echo);
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }), userAgent: 'musubi-test/1' });
    const out = await c.json<Record<string, string>>(`${server.url}/echo`, {
      method: 'post',
      json: { 手順: '①電源を切る' },
    });
    expect(out).toEqual({
      method: 'POST',
      contentType: 'application/json',
      userAgent: 'musubi-test/1',
      accept: 'application/json',
      body: JSON.stringify({ 手順: '①電源を切る' }),
    });
  });

  it('json() fails with outbound.bad-status on a non-2xx answer', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('{"error":"停止中"}');
    });
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }) });
    const err = await c.json(`${server.url}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.bad-status', kind: 'unavailable', fields: { status: 503 } });
  });

  it('json() fails with outbound.bad-body on malformed JSON', async () => {
    const server = await serve((_req, res) => res.end('{壊れた'));
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }) });
    await expect(c.json(`${server.url}/`)).rejects.toMatchObject({ code: 'outbound.bad-body' });
  });

  it('fails with outbound.connect-failed when nothing listens', async () => {
    const server = await serve(hello);
    await cleanups.pop()?.();
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }) });
    const err = await c.request(`${server.url}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'outbound.connect-failed', fields: { reason: 'ECONNREFUSED' } });
  });

  it('refuses URLs that are not absolute http(s) or that carry credentials', async () => {
    const c = client();
    for (const url of ['/relative', 'ftp://files.example/', 'http://user:pw@files.example/']) {
      await expect(c.request(url), url).rejects.toMatchObject({
        code: 'outbound.invalid-url',
        kind: 'invalid',
      });
    }
  });

  it("passes the caller's own abort through unchanged", async () => {
    const server = await serve(() => {
      // never answers
    });
    const c = client({ egress: egressPolicy({ allow: ['127.0.0.1'] }) });
    const controller = new AbortController();
    const pending = c.request(`${server.url}/`, { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('利用者が中止'));
    expect(await pending).toMatchObject({ message: '利用者が中止' });
  });

  it('rejects impossible options up front', () => {
    expect(() => createOutboundClient({ readTimeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'outbound.invalid-option' }),
    );
    expect(() => createOutboundClient({ maxRedirects: -1 })).toThrow(
      expect.objectContaining({ code: 'outbound.invalid-option' }),
    );
  });
});

describe('logging', () => {
  it('logs method, host, status and duration, never headers, paths or queries', async () => {
    const server = await serve(hello);
    const entries: { obj: Record<string, unknown>; msg: string }[] = [];
    const c = client({
      egress: egressPolicy({ allow: ['127.0.0.1'] }),
      logger: { debug: (obj, msg) => entries.push({ obj, msg }) },
    });
    await c.request(`${server.url}/assets/秘密?token=query-secret`, {
      headers: { authorization: 'Bearer header-secret' },
    });
    await c.request(`http://10.0.0.1/?token=query-secret`).catch(() => undefined);
    expect(entries).toHaveLength(2);
    expect(entries[0]?.obj).toEqual({
      method: 'GET',
      host: `127.0.0.1:${server.port}`,
      status: 200,
      durationMs: expect.any(Number),
    });
    expect(entries[1]?.obj).toMatchObject({ host: '10.0.0.1', error: 'outbound.egress-denied' });
    const logged = JSON.stringify(entries);
    for (const secret of ['header-secret', 'query-secret', 'assets', 'authorization']) {
      expect(logged).not.toContain(secret);
    }
  });
});
