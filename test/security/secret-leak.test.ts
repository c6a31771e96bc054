import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEdr } from '../../src/dataspace/dataplane/consumer/index.js';
import { createLogger, loadConfig, privateKeyOf, startNode } from '../../src/node/index.js';
import { listParticipantKeys, listParticipants } from '../../src/store/index.js';
import { eventually, freePort } from '../dataspace/two-node-support.js';
import { testClock } from '../support/clocked-node.js';
import { type Exchange, recordingProxy } from '../support/recording-proxy.js';
import { credentialsIn, findLeaks, type Haystack, needlesOf, type Secret } from './secret-scan.js';

/**
 * Issue 6: after a full flow between two nodes — management API keys, asset, policy and offer, catalog,
 * negotiation to FINALIZED, a pull transfer STARTED, data pulled with the EDR token through an HttpData backend
 * that needs a secret, the token refreshed, the transfer terminated — no token, key or secret issued on the
 * way appears in either node's log, audit log, metrics or operator views, nor in clear in any table of either
 * store (private keys live sealed in participant_keys only).
 *
 * Each node sits behind a recording proxy that is its public host (its did:web, callback and data-plane
 * URLs name the proxy), so every token the peers really sent — self-issued DSP tokens in Authorization
 * headers, data-plane access and refresh tokens in the DataAddress and the refresh answers — is collected as
 * it was on the wire, without a hook in the product.
 */

type Proxy = Awaited<ReturnType<typeof recordingProxy>>;

/** A node on loopback behind `proxy`, logging through the production logger (same redaction) at trace. */
async function proxiedNode(
  clock: { now: () => Date },
  proxy: Proxy,
  overrides: Record<string, unknown> = {},
) {
  const store = mkdtempSync(join(tmpdir(), 'musubi-leak-'));
  const port = await freePort();
  const lines: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
  const loaded = loadConfig({
    flags: {
      port,
      store,
      host: proxy.host,
      plainHttp: true,
      outboundAllow: ['127.0.0.1'],
      logLevel: 'trace',
      ...overrides,
    },
    env: {},
  });
  const announced: string[] = [];
  const node = await startNode(loaded, { announce: (l) => announced.push(l), logger, now: clock.now });
  proxy.forwardTo(port);
  const apiKey = announced.join('\n').match(/msk_\S+/)?.[0];
  if (!apiKey) throw new Error('no API key announced');
  return {
    node,
    apiKey,
    url: `http://${proxy.host}`,
    did: `did:web:${proxy.host.replace(':', '%3A')}`,
    logs: () => lines.join(''),
    stop: async () => {
      await node.close();
      rmSync(store, { recursive: true, force: true });
    },
  };
}
type Node = Awaited<ReturnType<typeof proxiedNode>>;

async function call<T = Record<string, unknown>>(
  n: Node,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${n.node.url}/management/v1${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text };
}

const csv = '測定番号,部品,値\n1,ボルト M8,8.02\n2,ナット M8,7.98\n';

/** The HttpData backend: serves the records only to the provider's data plane holding the configured secret. */
async function backend(secret: string) {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(String(req.headers.authorization));
    if (req.headers.authorization !== secret) return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(csv);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('secrets after a full flow between two nodes', () => {
  const clock = testClock();
  const backendSecret = `Bearer bk_${crypto.randomUUID()}${crypto.randomUUID()}`.replace(/-/g, '');
  let dir: string;
  let back: Awaited<ReturnType<typeof backend>>;
  let proxies: Proxy[];
  let provider: Node;
  let consumer: Node;
  const secrets: Secret[] = [];
  const haystacks: Haystack[] = [];
  const edrTokens: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'musubi-leak-files-'));
    back = await backend(backendSecret);
    const secretsFile = join(dir, 'secrets.json');
    writeFileSync(secretsFile, JSON.stringify({ 'backend-token': backendSecret }));
    proxies = await Promise.all([recordingProxy(), recordingProxy()]);
    [provider, consumer] = await Promise.all([
      proxiedNode(clock, proxies[0] as Proxy, {
        dataPlaneSecretsFile: secretsFile,
        dataPlaneTokenTtlS: 300,
        dataPlaneRefreshTtlS: 3600,
      }),
      proxiedNode(clock, proxies[1] as Proxy),
    ]);
    await fullFlow();
    await collectSecrets();
    await collectHaystacks();
  }, 120_000);
  afterAll(async () => {
    await Promise.all([consumer?.stop(), provider?.stop()]);
    await Promise.all([...(proxies ?? []).map((p) => p.close()), back?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  let providerKey: string;
  let transferId: string;

  async function fullFlow() {
    // A second management key, issued through the API: its value is in that one response only.
    const issued = await call<{ key: string }>(provider, provider.apiKey, 'POST', '/api-keys', {
      label: '連携担当',
    });
    expect(issued.status).toBe(201);
    providerKey = issued.body.key;
    secrets.push({ kind: 'management API key (issued)', value: providerKey });
    const asProvider = (method: string, path: string, body?: unknown) =>
      call(provider, providerKey, method, path, body);
    expect(
      (
        await asProvider('POST', '/assets', {
          id: 'measure-2026',
          title: '2026年度 測定記録',
          contentType: 'text/csv',
          dataAddress: { type: 'HttpData', baseUrl: back.url, path: '/records', authSecret: 'backend-token' },
        })
      ).status,
    ).toBe(201);
    expect(
      (await asProvider('POST', '/policies', { id: '利用可', permission: [{ action: 'use' }] })).status,
    ).toBe(201);
    expect(
      (
        await asProvider('POST', '/offers', {
          id: 'offer-測定記録',
          accessPolicyId: '利用可',
          contractPolicyId: '利用可',
          selector: { assetIds: ['measure-2026'] },
        })
      ).status,
    ).toBe(201);

    const asConsumer = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
      call<T>(consumer, consumer.apiKey, method, path, body);
    const catalog = await asConsumer('POST', '/catalog/request', { counterpartyAddress: provider.url });
    expect(catalog.status, catalog.text).toBe(200);
    expect(catalog.text).toContain('measure-2026');

    const started = await asConsumer<{ id: string }>('POST', '/negotiations', {
      counterpartyAddress: provider.url,
      counterpartyId: provider.did,
      offer: { '@id': 'offer-測定記録', target: 'measure-2026', permission: [{ action: 'use' }] },
    });
    expect(started.status, started.text).toBe(201);
    const negotiation = await eventually(
      'negotiation FINALIZED',
      async () => (await asConsumer(`GET`, `/negotiations/${encodeURIComponent(started.body.id)}`)).body,
      (n) => n.state === 'FINALIZED' || n.state === 'TERMINATED',
    );
    expect(negotiation.state).toBe('FINALIZED');

    const requested = await asConsumer<{ id: string }>('POST', '/transfers', {
      agreementId: negotiation.agreementId,
      format: 'HttpData-PULL',
    });
    expect(requested.status, requested.text).toBe(201);
    transferId = requested.body.id;
    const transfer = `/transfers/${encodeURIComponent(transferId)}`;
    const state = await eventually(
      'transfer STARTED',
      async () => (await asConsumer(`GET`, transfer)).body,
      (t) => t.state === 'STARTED' || t.state === 'TERMINATED',
    );
    expect(state.state).toBe('STARTED');

    const pull = async () => {
      const edr = await asConsumer<{ endpoint: string; authorization: string }>('GET', `${transfer}/edr`);
      expect(edr.status, edr.text).toBe(200);
      edrTokens.push(edr.body.authorization);
      const res = await fetch(edr.body.endpoint, {
        headers: { authorization: `Bearer ${edr.body.authorization}` },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(csv);
    };
    await pull();
    const kept = await findEdr(
      consumer.node.context.db,
      consumer.node.context.config.defaultParticipantId,
      transferId,
      consumer.node.context.participants.nodeSecret,
    );
    for (const v of [kept?.accessToken, kept?.refreshToken])
      if (typeof v === 'string') secrets.push({ kind: 'EDR token (sealed store)', value: v });
    const sealed = await consumer.node.context.db
      .withTables<{ edrs: { tokens_sealed: string } }>()
      .selectFrom('edrs')
      .select('tokens_sealed')
      .execute();
    for (const r of sealed) secrets.push({ kind: 'sealed EDR tokens', value: r.tokens_sealed });
    // Within the consumer's refresh margin: the next EDR comes from a refresh at the provider.
    clock.advance(280_000);
    await pull();
    expect(new Set(edrTokens).size).toBe(2);

    expect((await asConsumer('POST', `${transfer}/terminate`, { reason: '検証終了' })).status).toBe(200);
    await eventually(
      'provider TERMINATED',
      async () =>
        (await asProvider('GET', '/transfers?role=provider&limit=1000')).body as unknown as {
          consumerPid: string;
          state: string;
        }[],
      (list) => list.some((t) => t.consumerPid === transferId && t.state === 'TERMINATED'),
    );
  }

  const bearerOf = (e: Exchange) =>
    /^Bearer\s+(\S+)$/i.exec(String(e.requestHeaders.authorization ?? ''))?.[1];
  const dspTokens = () =>
    (proxies ?? []).flatMap((p) => p.exchanges.filter((e) => e.path.includes('/dsp/')).map(bearerOf));

  async function collectSecrets() {
    for (const [name, n] of [
      ['provider', provider],
      ['consumer', consumer],
    ] as const) {
      const ctx = n.node.context;
      secrets.push({ kind: `${name} management API key`, value: n.apiKey });
      secrets.push({ kind: `${name} node secret`, value: ctx.participants.nodeSecret });
      for (const p of await listParticipants(ctx.db)) {
        for (const k of await listParticipantKeys(ctx.db, p.id)) {
          const jwk = await privateKeyOf(ctx.participants, p.id, k.kid);
          if (typeof jwk.d === 'string') secrets.push({ kind: `${name} private key (d)`, value: jwk.d });
          if (k.private_sealed) secrets.push({ kind: `${name} sealed private key`, value: k.private_sealed });
        }
      }
    }
    for (const t of dspTokens()) if (t) secrets.push({ kind: 'DSP self-issued token', value: t });
    for (const e of proxies.flatMap((p) => p.exchanges)) {
      const bearer = bearerOf(e);
      if (bearer && !e.path.includes('/dsp/'))
        secrets.push({ kind: 'data-plane bearer token', value: bearer });
      for (const v of [...credentialsIn(e.requestBody), ...credentialsIn(e.responseBody)])
        secrets.push({
          kind: `credential in ${e.method} ${e.path.replace(/urn%3Auuid%3A[\w-]+/g, ':pid')}`,
          value: v,
        });
    }
    for (const t of edrTokens) secrets.push({ kind: 'EDR access token (management API)', value: t });
    secrets.push({ kind: 'HttpData backend secret', value: backendSecret });
  }

  async function collectHaystacks() {
    const views: Record<string, readonly string[]> = {
      provider: [
        '/participant',
        '/api-keys',
        '/assets',
        '/assets/measure-2026',
        '/policies',
        '/offers',
        '/negotiations?limit=1000',
        '/agreements?limit=1000',
        '/transfers?role=provider&limit=1000',
        '/audit?limit=1000',
        '/audit/export',
        '/audit/verify',
      ],
      consumer: [
        '/participant',
        '/api-keys',
        '/negotiations?limit=1000',
        '/agreements?limit=1000',
        '/transfers?limit=1000',
        `/transfers/${encodeURIComponent(transferId)}`,
        '/audit?limit=1000',
        '/audit/export',
        '/audit/verify',
      ],
    };
    for (const [name, n, key] of [
      ['provider', provider, providerKey],
      ['consumer', consumer, consumer.apiKey],
    ] as const) {
      for (const path of views[name] ?? []) {
        const r = await call(n, key, 'GET', path);
        expect(r.status, `${name} ${path}: ${r.text}`).toBe(200);
        haystacks.push({ name: `${name} GET ${path}`, text: r.text });
      }
      const metrics = await fetch(`${n.node.url}/metrics`);
      haystacks.push({ name: `${name} /metrics`, text: await metrics.text() });
      const rows = await n.node.context.db.selectFrom('audit_log').selectAll().execute();
      haystacks.push({ name: `${name} audit_log table`, text: JSON.stringify(rows) });
      // last: every request above is in the log too
      haystacks.push({ name: `${name} log`, text: n.logs() });
    }
  }

  it('collected what the flow issued: DSP tokens both ways, data-plane tokens, refresh tokens, keys', () => {
    const kinds = (k: string) => secrets.filter((s) => s.kind === k).length;
    const tokens = dspTokens();
    expect(tokens.every((t) => t !== undefined && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(t))).toBe(true);
    // consumer → provider (catalog, request, verification, transfer request, termination) and back (agreement,
    // FINALIZED, start, …): both proxies saw tokens
    for (const p of proxies)
      expect(p.exchanges.filter((e) => e.path.includes('/dsp/')).length).toBeGreaterThan(2);
    expect(new Set(tokens).size).toBe(tokens.length); // one fresh token per request
    expect(kinds('data-plane bearer token')).toBeGreaterThanOrEqual(3); // two pulls and the refresh
    expect(secrets.filter((s) => s.kind.startsWith('credential in POST')).length).toBeGreaterThanOrEqual(2);
    expect(kinds('EDR token (sealed store)')).toBe(2);
    expect(kinds('sealed EDR tokens')).toBe(1);
    // access and refresh token (twice if the provider's outbox had to resend the start)
    expect(kinds('credential in POST /dsp/2025-1/transfers/:pid/start')).toBeGreaterThanOrEqual(2);
    expect(kinds('provider private key (d)')).toBeGreaterThan(0);
    expect(kinds('consumer sealed private key')).toBeGreaterThan(0);
    expect(back.seen).toEqual([backendSecret, backendSecret]);
    expect(haystacks.every((h) => h.text.length > 0)).toBe(true);
  });

  it('finds none of them in any log line, audit entry, metric or operator view of either node', () => {
    expect(findLeaks(secrets, haystacks)).toEqual([]);
  });

  it('keeps no issued token or key in clear in any table: the private keys only sealed, in participant_keys', async () => {
    const found: string[] = [];
    for (const [name, n] of [
      ['provider', provider],
      ['consumer', consumer],
    ] as const) {
      const db = n.node.context.db.withTables<Record<string, Record<string, unknown>>>();
      const tables: Haystack[] = [];
      for (const t of await db.introspection.getTables()) {
        const rows = await db.selectFrom(t.name).selectAll().execute();
        tables.push({ name: `${name} table ${t.name}`, text: JSON.stringify(rows) });
      }
      found.push(...findLeaks(secrets, tables));
    }
    expect(found.sort()).toEqual([
      'consumer sealed private key in consumer table participant_keys',
      'provider sealed private key in provider table participant_keys',
    ]);
  });

  it('would find a planted one: a token signature or key inside a log line, or a truncated copy', () => {
    const dsp = secrets.find((s) => s.kind === 'DSP self-issued token')?.value ?? '';
    const d = secrets.find((s) => s.kind === 'consumer private key (d)')?.value ?? '';
    // a credential from a recorded POST body whose truncated copy (its first 24 characters) must still be caught;
    // which body was recorded first varies, so pick one that is not a JWT (those are caught by their signature)
    const refresh =
      secrets.find(
        (s) =>
          s.kind.startsWith('credential in POST') &&
          needlesOf(s.value).some((n) => n.length === 20 && s.value.slice(0, 24).includes(n)),
      )?.value ?? '';
    const signature = dsp.split('.')[2] ?? '';
    // through the node's own logger, under a member name the redaction does not know
    consumer.node.context.logger.warn({ note: `peer sent ${signature}` }, 'planted');
    consumer.node.context.logger.warn({ note: `key ${d}, refresh ${refresh.slice(0, 24)}…` }, 'planted');
    const planted = findLeaks(secrets, [{ name: 'consumer log', text: consumer.logs() }]);
    expect(planted).toEqual(
      expect.arrayContaining([
        'DSP self-issued token in consumer log',
        'consumer private key (d) in consumer log',
        expect.stringMatching(/^credential in POST .* in consumer log$/),
      ]),
    );
    expect(needlesOf(`msk_${'a'.repeat(40)}`)).not.toContain('msk_');
  });
});
