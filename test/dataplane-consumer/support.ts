import { createServer, type IncomingMessage, type Server } from 'node:http';
import { insertOffer } from '../../src/dataspace/catalog/index.js';
import { insertPolicy, type Rule } from '../../src/dataspace/policy/index.js';
import type { ConfigKey } from '../../src/node/index.js';
import { participantStore } from '../../src/store/index.js';
import { api, eventually } from '../dataspace/two-node-support.js';
import { clockedNode as startClockedNode } from '../support/clocked-node.js';
import type { TestNode } from '../support/node.js';

/** A clock the test moves by hand: token lifetimes without waiting. */
export function testClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms: number) => {
      offset += ms;
    },
  };
}
export type Clock = ReturnType<typeof testClock>;
export type Node = TestNode & { did: string };

/** A real node on loopback with its own clock, SQLite in a temp dir, logs captured, its API key known. */
export const clockedNode = (
  clock: Clock,
  overrides: Partial<Record<ConfigKey, unknown>> = {},
): Promise<Node> => startClockedNode(clock, overrides);

/** Publishes a File asset with an open offer on the provider's default participant. */
export async function publishFile(
  provider: Node,
  assetId: string,
  path: string,
  address: Record<string, unknown> = {},
  permission: readonly Rule[] = [{ action: 'use' }],
): Promise<{ '@id': string; target: string; permission: unknown[] }> {
  const ctx = provider.node.context;
  const p = ctx.config.defaultParticipantId;
  const at = ctx.now().toISOString();
  await participantStore(ctx.db, p).insertAsset({
    id: assetId,
    title: `部品表 ${assetId}`,
    description: '',
    contentType: 'text/csv; charset=utf-8',
    keywords: [],
    properties: {},
    dataAddress: { type: 'File', path, ...address },
    createdAt: at,
    updatedAt: at,
  });
  const policyId = `use-${assetId}`;
  await insertPolicy(ctx.db, p, {
    id: policyId,
    title: '利用可',
    permission,
    createdAt: at,
    updatedAt: at,
  });
  const offerId = `offer-${assetId}`;
  await insertOffer(ctx.db, p, {
    id: offerId,
    accessPolicyId: policyId,
    contractPolicyId: policyId,
    selector: { assetIds: [assetId] },
    createdAt: at,
    updatedAt: at,
  });
  return { '@id': offerId, target: assetId, permission: [...permission] };
}

type View = Record<string, unknown> & { id: string; state: string };

/** Negotiates `offer` to FINALIZED through the consumer's management API; returns the agreement id. */
export async function negotiated(consumer: Node, provider: Node, offer: unknown): Promise<string> {
  const created = await api<View>(consumer, 'POST', '/negotiations', {
    counterpartyAddress: provider.node.url,
    counterpartyId: provider.did,
    offer,
    force: true,
  });
  if (created.status !== 201)
    throw new Error(`negotiation: ${created.status} ${JSON.stringify(created.body)}`);
  const done = await eventually(
    'negotiation FINALIZED',
    async () =>
      (await api<View>(consumer, 'GET', `/negotiations/${encodeURIComponent(created.body.id)}`)).body,
    (n) => n.state === 'FINALIZED' || n.state === 'TERMINATED',
  );
  if (done.state !== 'FINALIZED') throw new Error(`negotiation ended ${JSON.stringify(done)}`);
  return String(done.agreementId);
}

export const transferOf = async (t: Node, id: string) =>
  (await api<View>(t, 'GET', `/transfers/${encodeURIComponent(id)}`)).body;

/** The provider's side of a consumer's transfer (the one carrying that consumerPid). */
/** Requests a transfer under the agreement and waits until the consumer sees it STARTED; its consumer-side id. */
export async function startedTransfer(consumer: Node, agreementId: string): Promise<string> {
  const requested = await api<{ id: string }>(consumer, 'POST', '/transfers', { agreementId });
  if (requested.status !== 201)
    throw new Error(`transfer request: ${requested.status} ${JSON.stringify(requested.body)}`);
  await eventually(
    'consumer STARTED',
    () => transferOf(consumer, requested.body.id),
    (t) => t.state === 'STARTED',
  );
  return requested.body.id;
}

export async function providerSide(provider: Node, consumerPid: string): Promise<View | undefined> {
  const page = await api<View[]>(provider, 'GET', '/transfers?role=provider&limit=1000');
  return page.body.find((t) => t.consumerPid === consumerPid);
}

export interface Received {
  readonly authorization: string | undefined;
  readonly method: string;
  readonly body: Buffer;
}

/** A push target on loopback that accepts only `token` and records what arrives (connections too). */
export async function pushReceiver(token: string, host = '127.0.0.1') {
  const received: Received[] = [];
  let connections = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        authorization: req.headers.authorization,
        method: req.method ?? '',
        body: Buffer.concat(chunks),
      });
      const ok = req.headers.authorization === `Bearer ${token}`;
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host}:${port}/受信/部品表`,
    received,
    connections: () => connections,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
