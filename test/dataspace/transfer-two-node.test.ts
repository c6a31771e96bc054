import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type RunningNode, startNode } from '../../src/node/index.js';
import { runCli } from '../support/cli.js';
import { overTls, type TestNode } from '../support/node.js';
import { api, eventually, freePort, loopbackNode, publishOffer, useOffer } from './two-node-support.js';

type Node = TestNode & { did: string };
type View = Record<string, unknown> & { id: string; state: string };

const transferOf = async (t: Node, id: string) =>
  (await api<View>(t, 'GET', `/transfers/${encodeURIComponent(id)}`)).body;

/** The provider's side of a consumer's transfer: the one transfer carrying that consumerPid. */
async function providerSide(provider: Node, consumerPid: string): Promise<View | undefined> {
  const page = await api<View[]>(provider, 'GET', '/transfers?role=provider&limit=1000');
  return page.body.find((t) => t.consumerPid === consumerPid);
}

/** Negotiates the shared offer to FINALIZED through the consumer's management API; returns the agreement id. */
async function agreementBetween(consumer: Node, provider: Node): Promise<string> {
  const created = await api<View>(consumer, 'POST', '/negotiations', {
    counterpartyAddress: provider.node.url,
    counterpartyId: provider.did,
    offer: useOffer,
    force: true,
  });
  expect(created.status).toBe(201);
  const done = await eventually(
    'negotiation FINALIZED',
    async () =>
      (await api<View>(consumer, 'GET', `/negotiations/${encodeURIComponent(created.body.id)}`)).body,
    (n) => n.state === 'FINALIZED',
  );
  return String(done.agreementId);
}

describe('transfer between two nodes on loopback, driven by the CLI', () => {
  let provider: Node;
  let consumer: Node;
  let agreementId: string;

  beforeAll(async () => {
    [provider, consumer] = await Promise.all([loopbackNode(overTls), loopbackNode(overTls)]);
    await publishOffer(provider);
    agreementId = await agreementBetween(consumer, provider);
  });
  afterAll(async () => {
    await Promise.all([consumer?.stop(), provider?.stop()]);
  });

  const cli = (...args: string[]) =>
    runCli(['transfer', ...args, '--node', consumer.node.url, '--api-key', consumer.apiKey]);

  it('requests, suspends, resumes and completes a pull transfer; both sides agree at every step', async () => {
    const requested = await cli('request', agreementId, '--wait', '--json');
    expect(requested.code, requested.stderr).toBe(0);
    const t = JSON.parse(requested.stdout) as View & {
      dataAddress: { endpoint: string; endpointProperties: unknown[] };
    };
    expect(t).toMatchObject({
      role: 'consumer',
      state: 'STARTED',
      agreementId,
      counterpartyId: provider.did,
    });
    const theirs = await eventually(
      'provider STARTED',
      () => providerSide(provider, t.id),
      (p) => p?.state === 'STARTED',
    );
    expect(theirs?.providerPid).toBe(t.providerPid);
    expect(t.dataAddress.endpoint).toBe(
      `${provider.node.context.publicUrl()}/data/transfers/${encodeURIComponent(String(t.providerPid))}`,
    );
    expect(t.dataAddress.endpointProperties).toContainEqual({ name: 'authType', value: 'bearer' });

    const shown = await cli('show', t.id);
    expect(shown.stdout).toContain(`${t.id}\tSTARTED\tconsumer\tHttpData-PULL\t${agreementId}`);
    expect(shown.stdout).toMatch(/^endpoint: https:\/\/.+\/data\/transfers\/.+\ntoken: \S+$/m);

    const suspended = await cli('suspend', t.id, '--reason', '棚卸しのため一時停止');
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(suspended.stdout).toContain('\tSUSPENDED\t');
    const pSuspended = await eventually(
      'provider SUSPENDED',
      () => providerSide(provider, t.id),
      (p) => p?.state === 'SUSPENDED',
    );
    expect(pSuspended?.reason).toBe('棚卸しのため一時停止');

    expect((await cli('start', t.id)).code).toBe(0);
    await eventually(
      'provider resumed',
      () => providerSide(provider, t.id),
      (p) => p?.state === 'STARTED',
    );
    expect((await cli('complete', t.id)).code).toBe(0);
    await eventually(
      'provider COMPLETED',
      () => providerSide(provider, t.id),
      (p) => p?.state === 'COMPLETED',
    );
    expect((await transferOf(consumer, t.id)).state).toBe('COMPLETED');

    const listed = await cli('list', '--state', 'COMPLETED');
    expect(listed.stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringContaining(`${t.id}\tCOMPLETED`),
    ]);
  });

  it('tells the consumer when the provider terminates, with the reason', async () => {
    const requested = await cli('request', agreementId, '--wait', '--json');
    const t = JSON.parse(requested.stdout) as View;
    const theirs = await eventually(
      'provider STARTED',
      () => providerSide(provider, t.id),
      (p) => p?.state === 'STARTED',
    );
    const ended = await api<View>(
      provider,
      'POST',
      `/transfers/${encodeURIComponent(String(theirs?.id))}/terminate`,
      {
        reason: '契約の見直し',
      },
    );
    expect(ended.body.state).toBe('TERMINATED');
    const mine = await eventually(
      'consumer TERMINATED',
      () => transferOf(consumer, t.id),
      (x) => x.state === 'TERMINATED',
    );
    expect(mine).toMatchObject({ reasonCode: 'terminated-by-user', reason: '契約の見直し' });
    const again = await cli('complete', t.id);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/may not send TransferCompletionMessage to a transfer in state TERMINATED/);
  });

  it('refuses what cannot work with one readable line and a non-zero exit', async () => {
    const unknown = await cli('request', 'urn:uuid:無い契約');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/agreement "urn:uuid:無い契約" is not a finalized agreement/);
    const missing = await cli('show', 'urn:uuid:nope');
    expect(missing.code).toBe(3);
    const badKey = await runCli(['transfer', 'list', '--node', consumer.node.url, '--api-key', 'msk_wrong']);
    expect(badKey.code).toBe(5);
    const noNode = await runCli(['transfer', 'list', '--node', 'http://127.0.0.1:9', '--api-key', 'k']);
    expect(noNode.code).toBe(6);
    expect(noNode.stderr).toMatch(/cannot reach the node/);
  });
});

describe('a provider that is down when the request is sent', () => {
  let consumer: Node;
  let provider: RunningNode | undefined;
  let apiKey = '';
  const store = mkdtempSync(join(tmpdir(), 'musubi-provider-'));
  let port = 0;

  async function startProvider(): Promise<RunningNode> {
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const loaded = loadConfig({
      flags: {
        port,
        store,
        host: `127.0.0.1:${port}`,
        ...overTls,
        outboundAllow: ['127.0.0.1'],
        logLevel: 'silent',
      },
      env: {},
    });
    return startNode(loaded, {
      announce: (l) => {
        apiKey = l.match(/msk_\S+/)?.[0] ?? apiKey;
      },
      logger: pino({ level: 'silent' }, sink),
    });
  }

  beforeAll(async () => {
    port = await freePort();
    consumer = await loopbackNode(overTls);
    provider = await startProvider();
  });
  afterAll(async () => {
    await consumer?.stop();
    await provider?.close();
    rmSync(store, { recursive: true, force: true });
  });

  it('gets the request through once the provider is back (outbox retries), and both sides reach STARTED', async () => {
    const asTest = (n: RunningNode) =>
      ({
        node: n,
        apiKey,
        store,
        logs: () => '',
        stop: async () => {},
        did: `did:web:127.0.0.1%3A${port}`,
      }) as Node;
    await publishOffer(asTest(provider as RunningNode));
    const agreementId = await agreementBetween(consumer, asTest(provider as RunningNode));
    await provider?.close();
    provider = undefined;

    const created = await api<View>(consumer, 'POST', '/transfers', { agreementId });
    expect(created.status).toBe(201);
    // the first delivery fails while the provider is down; its state is safe in both stores
    await eventually(
      'a failed attempt',
      async () =>
        consumer.node.context.db
          .selectFrom('outbox')
          .select(['attempts'])
          .where('process_id', '=', created.body.id)
          .executeTakeFirst(),
      (row) => (row?.attempts ?? 0) >= 1,
    );
    provider = await startProvider();
    const back = asTest(provider);
    const mine = await eventually(
      'consumer STARTED',
      () => transferOf(consumer, created.body.id),
      (t) => t.state === 'STARTED',
    );
    const theirs = await providerSide(back, created.body.id);
    expect(theirs).toMatchObject({ state: 'STARTED', providerPid: mine.providerPid, agreementId });
  });
});
