import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { didDocument } from '../../src/dataspace/identity/index.js';
import { didResolverOf } from '../../src/node/counterparty.js';
import { freePort } from '../dataspace/two-node-support.js';
import { clockedNode, testClock } from '../support/clocked-node.js';
import { addParticipant } from './support.js';

type Clocked = Awaited<ReturnType<typeof clockedNode>>;

/** A did:web host that counts how often its document is fetched and answers with the Cache-Control it is told. */
async function countingHost() {
  const port = await freePort();
  const did = `did:web:127.0.0.1%3A${port}`;
  let fetches = 0;
  let cacheControl = 'public, max-age=120';
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/did.json') return res.writeHead(404).end();
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': cacheControl });
    res.end(JSON.stringify(didDocument(did, [])));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    did,
    fetches: () => fetches,
    answerWith: (header: string) => {
      cacheControl = header;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** How many DID documents a node served (its own metrics). */
async function servedDocuments(t: Clocked): Promise<number> {
  const text = await t.node.context.metrics.registry.getSingleMetricAsString('musubi_http_requests_total');
  return [...text.matchAll(/scope="public",method="GET",status="200"\} (\d+)/g)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

describe('DID documents: Cache-Control served and honoured', () => {
  const clock = testClock(Date.parse('2026-12-01T09:00:00Z'));
  let a: Clocked;
  let b: Clocked;
  let host: Awaited<ReturnType<typeof countingHost>>;

  beforeAll(async () => {
    [a, b] = await Promise.all([clockedNode(clock), clockedNode(clock, { keyActivationDelayS: 60 })]);
    host = await countingHost();
  });
  afterAll(async () => {
    await host?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('serves every participant’s DID document cacheable, never longer than a rotated key waits to sign', async () => {
    const kojo = await addParticipant(a, 'kojo-1');
    for (const url of [`${a.node.url}/.well-known/did.json`, `${a.node.url}/p/${kojo.id}/did.json`]) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    }
    const short = await fetch(`${b.node.url}/.well-known/did.json`);
    expect(short.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('resolves a remote DID once within its max-age and again after it', async () => {
    const resolve = didResolverOf(b.node.context);
    await resolve(host.did, false);
    clock.advance(119_000);
    await resolve(host.did, false);
    expect(host.fetches()).toBe(1);
    clock.advance(1_000);
    await resolve(host.did, false);
    expect(host.fetches()).toBe(2);
  });

  it('fetches a no-store document on every lookup', async () => {
    host.answerWith('no-store');
    clock.advance(120_000);
    const resolve = didResolverOf(b.node.context);
    const before = host.fetches();
    await resolve(host.did, false);
    await resolve(host.did, false);
    expect(host.fetches() - before).toBe(2);
  });

  it('another node caches a node’s DID document for the max-age it serves', async () => {
    const resolve = didResolverOf(b.node.context);
    const before = await servedDocuments(a);
    await resolve(a.did, false);
    clock.advance(299_000);
    await resolve(a.did, false);
    expect((await servedDocuments(a)) - before).toBe(1);
    clock.advance(1_000);
    await resolve(a.did, false);
    expect((await servedDocuments(a)) - before).toBe(2);
  });
});
