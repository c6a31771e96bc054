import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../src/dataspace/outbox/index.js';
import { nodeProcesses } from '../../src/node/processes.js';
import { cliPath, type SpawnedNode, spawnCli } from '../support/cli.js';
import type { TestNode } from '../support/node.js';
import { eventually, freePort, loopbackNode, publishOffer, useOffer } from './two-node-support.js';

/**
 * A consumer node in its own process is killed with SIGKILL right after it acknowledged the provider's
 * agreement; restarted on the same store, it resumes from what it had persisted, and both sides end FINALIZED.
 */
describe('kill -9 of a node in the middle of a negotiation', () => {
  let provider: TestNode & { did: string };
  let store: string;
  let port: number;
  let consumer: SpawnedNode | undefined;

  const startConsumer = () =>
    spawnCli(
      process.execPath,
      [cliPath, 'node', 'start', '--port', String(port), '--host', `127.0.0.1:${port}`],
      {
        env: { MUSUBI_STORE: store, MUSUBI_PLAIN_HTTP: 'true', MUSUBI_OUTBOUND_ALLOW: '127.0.0.1' },
      },
    );

  beforeAll(async () => {
    provider = await loopbackNode();
    await publishOffer(provider);
    store = mkdtempSync(join(tmpdir(), 'musubi-crash-'));
    port = await freePort();
  });
  afterAll(async () => {
    consumer?.signal('SIGKILL');
    await consumer?.exited;
    await provider?.stop();
    rmSync(store, { recursive: true, force: true });
  });

  it('resumes after restart and both sides reach FINALIZED with one agreement', async () => {
    consumer = startConsumer();
    const [, key] = await consumer.waitFor(/API key \(shown once, keep it safe\): (msk_\S+)/);
    await consumer.waitFor(/listening on (http:\/\/\S+)/);
    const url = `http://127.0.0.1:${port}`;
    const ctx = provider.node.context;

    // Kill the consumer the moment the provider's agreement has been acknowledged (its outbox item is gone).
    const { events } = nodeProcesses(ctx);
    const agreements: OutboxItem[] = [];
    let acknowledged: (item: OutboxItem) => void = () => {};
    const onDelivered = (item: OutboxItem) => {
      if ((item.message as { '@type'?: string })['@type'] !== 'ContractAgreementMessage') return;
      agreements.push(item);
      acknowledged(item);
    };
    events.on('delivered', onDelivered);
    const agreed = new Promise<string>((resolve) => {
      const on = (n: { state: string; id: string }) => {
        if (n.state === 'AGREED') {
          events.off('negotiation', on);
          resolve(n.id);
        }
      };
      events.on('negotiation', on);
    });
    const res = await fetch(`${url}/management/v1/negotiations`, {
      method: 'POST',
      headers: { 'x-api-key': key!, 'content-type': 'application/json' },
      body: JSON.stringify({
        counterpartyAddress: provider.node.url,
        counterpartyId: provider.did,
        offer: useOffer,
      }),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: string }).id;
    const providerPid = await agreed;
    await new Promise<void>((resolve) => {
      acknowledged = (item) => item.processId === providerPid && resolve();
      if (agreements.some((item) => item.processId === providerPid)) resolve();
    });
    events.off('delivered', onDelivered);
    consumer.signal('SIGKILL');
    await consumer.exited;

    consumer = startConsumer();
    await consumer.waitFor(/listening on/);
    const state = async (base: string, apiKey: string, nid: string) =>
      (await (
        await fetch(`${base}/management/v1/negotiations/${encodeURIComponent(nid)}`, {
          headers: { 'x-api-key': apiKey },
        })
      ).json()) as { state: string; agreementId: string | null };
    const mine = await eventually(
      'consumer FINALIZED',
      () => state(url, key!, id),
      (n) => n.state === 'FINALIZED',
      180_000,
    );
    const theirs = await eventually(
      'provider FINALIZED',
      () => state(provider.node.url, provider.apiKey, providerPid),
      (n) => n.state === 'FINALIZED',
      180_000,
    );
    expect(theirs.agreementId).toBe(mine.agreementId);
  }, 240_000); // two node starts of a CLI process, on a loaded machine or PostgreSQL
});
