import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { Worker } from 'node:worker_threads';
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici';
import { insertOffer } from '../dataspace/catalog/index.js';
import type { Negotiation } from '../dataspace/negotiation/index.js';
import { insertPolicy } from '../dataspace/policy/index.js';
import { tckParticipant } from '../node/counterparty.js';
import { createLogger, loadConfig, type RunningNode, startNode } from '../node/index.js';
import { nodeProcesses } from '../node/processes.js';
import { participantStore } from '../store/index.js';
import { catalogFigures } from './catalog.js';
import type { Figure } from './measure.js';

/**
 * The data-space floors: two nodes on loopback, SQLite, plain HTTP. The negotiation floors are defined without
 * authentication, so they are measured twice: `plain` (both nodes under the conformance profile, which
 * authenticates a peer by a static header, the TCK's way: no signing, no DID resolution) is the floor's own
 * condition; `tokens` signs a self-issued JWT per message and verifies it (DID document, replay guard), so the
 * cost of authentication shows beside it; `tls` is `tokens` over HTTPS (both nodes under one local CA, which the
 * management client trusts too), the protocol floors re-measured with TLS.
 */

/** How the two nodes of a negotiation figure authenticate each other, and over what. */
export type PeerAuth = 'plain' | 'tokens' | 'tls';

/** One local CA for the HTTPS nodes of this process (the provider's worker thread shares the pid). */
const benchCaDir = join(tmpdir(), `musubi-bench-ca-${process.pid}`);

/** Node settings of each mode; under `plain` each node knows the other as the profile's static counterparty. */
export const authOverrides = (auth: PeerAuth): Record<string, unknown> =>
  auth === 'plain'
    ? { profile: 'tck' }
    : auth === 'tls'
      ? { plainHttp: false, tlsLocalCaDir: benchCaDir }
      : {};

let managementAgent: Dispatcher | undefined;

/** The management client of the figures: one undici Agent trusting the bench CA, the same in every mode. */
function managementFetch(url: string, init: Parameters<typeof undiciFetch>[1]) {
  if (!managementAgent) {
    let ca: string[] = [];
    try {
      ca = [readFileSync(join(benchCaDir, 'ca.pem'), 'utf8')];
    } catch {
      // no HTTPS node started yet: public roots only
    }
    managementAgent = new Agent({ connect: { ca: [...rootCertificates, ...ca] } });
  }
  return undiciFetch(url, { ...init, dispatcher: managementAgent });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A node as its peers see it. */
export interface Peer {
  readonly url: string;
  readonly did: string;
}

/** The provider node started in a worker thread (its own event loop, its own core). */
async function providerThread(auth: PeerAuth): Promise<Peer & { close: () => Promise<void> }> {
  const worker = new Worker(new URL('./dataspace-provider.js', import.meta.url), { workerData: { auth } });
  const peer = await new Promise<Peer>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    ...peer,
    did: auth === 'plain' ? tckParticipant : peer.did,
    close: async () => {
      const closed = new Promise((r) => worker.once('message', r));
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
}

export interface BenchNode {
  readonly node: RunningNode;
  readonly apiKey: string;
  readonly did: string;
  readonly dir: string;
}

export async function benchNode(overrides: Record<string, unknown> = {}): Promise<BenchNode> {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-bench-dsp-'));
  const port = await freePort();
  const lines: string[] = [];
  const loaded = loadConfig({
    flags: {
      port,
      host: `127.0.0.1:${port}`,
      store: dir,
      plainHttp: true,
      outboundAllow: ['127.0.0.1'],
      logLevel: 'error',
      ...overrides,
    },
    env: {},
  });
  const node = await startNode(loaded, { announce: (l) => lines.push(l), logger: createLogger('error') });
  const apiKey = lines.join('\n').match(/msk_\S+/)?.[0] ?? '';
  return { node, apiKey, did: `did:web:127.0.0.1%3A${port}`, dir };
}

const offer = {
  '@id': 'offer-bench',
  target: 'bom-bench',
  permission: [
    { action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: '品質保証' }] },
  ],
};

export async function publish(n: BenchNode): Promise<void> {
  const ctx = n.node.context;
  const p = ctx.config.defaultParticipantId;
  const at = ctx.now().toISOString();
  await participantStore(ctx.db, p).insertAsset({
    id: 'bom-bench',
    title: '部品表',
    description: '',
    contentType: 'application/json',
    properties: {},
    dataAddress: { type: 'HttpData' },
    createdAt: at,
    updatedAt: at,
  });
  await insertPolicy(ctx.db, p, {
    id: 'all',
    title: 'all',
    permission: [{ action: 'use' }],
    createdAt: at,
    updatedAt: at,
  });
  await insertPolicy(ctx.db, p, {
    id: 'qa',
    title: 'qa',
    permission: offer.permission,
    createdAt: at,
    updatedAt: at,
  });
  await insertOffer(ctx.db, p, {
    id: 'offer-bench',
    accessPolicyId: 'all',
    contractPolicyId: 'qa',
    selector: { assetIds: ['bom-bench'] },
    createdAt: at,
    updatedAt: at,
  });
}

type ManagementFetch = typeof managementFetch;

/** Starts one negotiation through the consumer's management API and resolves when it is FINALIZED there. */
function negotiateOnce(consumer: BenchNode, provider: Peer, fetch: ManagementFetch): Promise<void> {
  const { events } = nodeProcesses(consumer.node.context);
  return new Promise<void>((resolve, reject) => {
    let id: string | undefined;
    const early: Negotiation[] = [];
    const check = (n: Negotiation) => {
      if (id === undefined) return void early.push(n);
      if (n.id !== id) return;
      if (n.state === 'FINALIZED' || n.state === 'TERMINATED') {
        events.off('negotiation', check);
        if (n.state === 'FINALIZED') resolve();
        else reject(new Error(`negotiation ${id} TERMINATED: ${n.reason}`));
      }
    };
    events.on('negotiation', check);
    fetch(`${consumer.node.url}/management/v1/negotiations`, {
      method: 'POST',
      headers: { 'x-api-key': consumer.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        counterpartyAddress: provider.url,
        counterpartyId: provider.did,
        offer,
        force: true,
      }),
    })
      .then(async (res) => {
        const body = (await res.json()) as { id?: string };
        if (res.status !== 201 || !body.id) throw new Error(`start answered ${res.status}`);
        id = body.id;
        for (const n of early.splice(0)) check(n);
      })
      .catch((e) => {
        events.off('negotiation', check);
        reject(e);
      });
  });
}

export interface NegotiationRun {
  readonly p50: number;
  readonly p95: number;
  readonly rate: number;
}

/** Sequential latency, then throughput with `inFlight` negotiations running at once for `seconds`. */
export async function negotiationRun(
  auth: PeerAuth,
  options: { sequential?: number; inFlight?: number; seconds?: number } = {},
): Promise<NegotiationRun> {
  const consumer = await benchNode(authOverrides(auth));
  const provider = await providerThread(auth);
  managementAgent = undefined; // built again with the CA the nodes may just have made
  try {
    return await measureNegotiations(consumer, provider, options);
  } finally {
    await provider.close();
    await consumer.node.close();
    rmSync(consumer.dir, { recursive: true, force: true });
  }
}

/** `fetch` reaches the consumer's management API (over HTTPS it must trust the nodes' CA). */
export async function measureNegotiations(
  consumer: BenchNode,
  provider: Peer,
  {
    sequential = 200,
    inFlight = 50,
    seconds = 5,
  }: { sequential?: number; inFlight?: number; seconds?: number },
  fetch: ManagementFetch = managementFetch,
): Promise<NegotiationRun> {
  for (let i = 0; i < 20; i++) await negotiateOnce(consumer, provider, fetch); // warm-up: DID documents cached
  const samples: number[] = [];
  for (let i = 0; i < sequential; i++) {
    const t = performance.now();
    await negotiateOnce(consumer, provider, fetch);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const p50 = samples[Math.floor(samples.length * 0.5)] ?? 0;
  const p95 = samples[Math.floor(samples.length * 0.95)] ?? 0;

  let done = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        await negotiateOnce(consumer, provider, fetch);
        done++;
      }
    }),
  );
  return { p50, p95, rate: done / ((performance.now() - started) / 1000) };
}

async function negotiationFigures(): Promise<Figure[]> {
  const inFlight = 50;
  const plain = await negotiationRun('plain', { inFlight });
  const tokens = await negotiationRun('tokens', { inFlight });
  const tls = await negotiationRun('tls', { inFlight });
  rmSync(benchCaDir, { recursive: true, force: true });
  const ms = (v: number) => `${Math.round(v * 10) / 10} ms`;
  const where = 'two nodes on loopback, each its own thread, SQLite';
  return [
    {
      name: `dataspace: contract negotiation request → FINALIZED, p50 (${where}, no authentication)`,
      value: plain.p50,
      unit: 'ms',
      note: `p95 ${ms(plain.p95)}; floor ≤ 30 ms`,
    },
    {
      name: `dataspace: contract negotiations FINALIZED per second, ${inFlight} in flight, no authentication`,
      value: plain.rate,
      unit: 'negotiations/s',
      note: 'floor ≥ 100/s',
    },
    {
      name: `dataspace: contract negotiation request → FINALIZED, p50 (${where}, signed tokens verified on every message)`,
      value: tokens.p50,
      unit: 'ms',
      baseline: { name: 'no authentication', value: plain.p50 },
      note: `p95 ${ms(tokens.p95)}`,
    },
    {
      name: `dataspace: contract negotiations FINALIZED per second, ${inFlight} in flight, signed tokens`,
      value: tokens.rate,
      unit: 'negotiations/s',
      baseline: { name: 'no authentication', value: plain.rate },
    },
    {
      name: `dataspace: contract negotiation request → FINALIZED, p50 (${where}, signed tokens, HTTPS between the nodes)`,
      value: tls.p50,
      unit: 'ms',
      baseline: { name: 'signed tokens over plain HTTP', value: tokens.p50 },
      note: `p95 ${ms(tls.p95)}; the management call that starts each negotiation is HTTPS too`,
    },
    {
      name: `dataspace: contract negotiations FINALIZED per second, ${inFlight} in flight, signed tokens, HTTPS`,
      value: tls.rate,
      unit: 'negotiations/s',
      baseline: { name: 'signed tokens over plain HTTP', value: tokens.rate },
    },
  ];
}

/** Idle node with many open negotiations: the query counter must not move while nothing is due. */
async function idleFigure(
  consumer: BenchNode,
  provider: BenchNode,
  open: number,
  idleMs: number,
): Promise<Figure> {
  // The provider's agreements go to a consumer that acknowledges and never verifies: each stays AGREED.
  const swallow = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => swallow.listen(0, '127.0.0.1', r));
  const callbackAddress = `http://127.0.0.1:${(swallow.address() as { port: number }).port}/callback`;
  const { negotiations } = nodeProcesses(provider.node.context);
  const p = provider.node.context.config.defaultParticipantId;
  for (let i = 0; i < open; i++) {
    await negotiations.receive({
      participantId: p,
      sender: consumer.did,
      endpoint: 'request',
      body: {
        '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
        '@type': 'ContractRequestMessage',
        consumerPid: `urn:uuid:idle-${i}`,
        offer: { '@type': 'Offer', ...offer },
        callbackAddress,
      },
    });
  }
  const db = provider.node.context.db;
  const outboxEmpty = async () =>
    (await db.selectFrom('outbox').select('id').limit(1).execute()).length === 0;
  while (!(await outboxEmpty())) await new Promise((r) => setTimeout(r, 100));
  swallow.close();
  const counter = async () => {
    const text = await (await fetch(`${provider.node.url}/metrics`)).text();
    return Number(/^musubi_db_queries_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
  };
  // Settling: the last runs re-arm the timer for the earliest deadline, and the outbox trusts its next due
  // time for 1 s before one last look — queries that end the work, counted apart from the idle window.
  const settleStart = await counter();
  await new Promise((r) => setTimeout(r, 2_000));
  const before = await counter();
  const cpu = process.cpuUsage();
  await new Promise((r) => setTimeout(r, idleMs));
  const used = process.cpuUsage(cpu);
  const after = await counter();
  const cpuPercent = ((used.user + used.system) / 1000 / idleMs) * 100;
  return {
    name: `dataspace: DB queries by an idle node with ${open.toLocaleString('en')} open negotiations over ${idleMs / 1000} s`,
    value: after - before,
    unit: 'queries',
    note: `floor 0; process CPU ${Math.round(cpuPercent * 100) / 100} % (both nodes); ${before - settleStart} queries in the 2 s after the outbox emptied, before the window`,
  };
}

export async function dataspaceFigures(
  options: { idleOpen?: number; idleMs?: number } = {},
): Promise<Figure[]> {
  const provider = await benchNode();
  const consumer = await benchNode();
  try {
    await publish(provider);
    const figures = await negotiationFigures();
    figures.push(await idleFigure(consumer, provider, options.idleOpen ?? 10_000, options.idleMs ?? 60_000));
    figures.push(...(await catalogFigures()));
    return figures;
  } finally {
    await consumer.node.close();
    await provider.node.close();
    rmSync(consumer.dir, { recursive: true, force: true });
    rmSync(provider.dir, { recursive: true, force: true });
  }
}
