import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, type SpawnedNode, spawnCli } from '../support/cli.js';
import type { TestNode } from '../support/node.js';
import { eventually, freePort, loopbackNode, publishOffer, useOffer } from './two-node-support.js';

/**
 * A consumer node in its own process is killed with SIGKILL right after it acknowledged the provider's
 * TransferStartMessage; restarted on the same store it still holds the started transfer and its data address,
 * and a completion afterwards brings both sides to COMPLETED.
 */
describe('kill -9 of the consumer in the middle of a transfer', () => {
  let provider: TestNode & { did: string };
  let store: string;
  let port: number;
  let consumer: SpawnedNode | undefined;

  const startConsumer = () =>
    spawnCli(
      process.execPath,
      [cliPath, 'node', 'start', '--port', String(port), '--host', `127.0.0.1:${port}`],
      { env: { MUSUBI_STORE: store, MUSUBI_PLAIN_HTTP: 'true', MUSUBI_OUTBOUND_ALLOW: '127.0.0.1' } },
    );

  beforeAll(async () => {
    provider = await loopbackNode();
    await publishOffer(provider);
    store = mkdtempSync(join(tmpdir(), 'musubi-transfer-crash-'));
    port = await freePort();
  });
  afterAll(async () => {
    consumer?.signal('SIGKILL');
    await consumer?.exited;
    await provider?.stop();
    rmSync(store, { recursive: true, force: true });
  });

  it('keeps the started transfer across the crash; both sides end COMPLETED', async () => {
    consumer = startConsumer();
    const [, key = ''] = await consumer.waitFor(/API key \(shown once, keep it safe\): (msk_\S+)/);
    await consumer.waitFor(/listening on (http:\/\/\S+)/);
    const url = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}/management/v1${path}`, {
        method,
        headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return (await res.json()) as Record<string, unknown> & { id: string; state: string };
    };

    const negotiation = await call('POST', '/negotiations', {
      counterpartyAddress: provider.node.url,
      counterpartyId: provider.did,
      offer: useOffer,
    });
    const finalized = await eventually(
      'agreement',
      () => call('GET', `/negotiations/${encodeURIComponent(negotiation.id)}`),
      (n) => n.state === 'FINALIZED',
      60_000,
    );
    const transfer = await call('POST', '/transfers', { agreementId: finalized.agreementId });
    expect(transfer.state).toBe('REQUESTED');

    // Kill the consumer the moment it has acknowledged the provider's start (the provider's outbox item is gone).
    const db = provider.node.context.db;
    const providerSide = () =>
      db
        .selectFrom('transfers')
        .select(['id', 'state'])
        .where('consumer_pid', '=', transfer.id)
        .executeTakeFirst();
    const pending = async (pid: string) =>
      (await db.selectFrom('outbox').select('id').where('process_id', '=', pid).execute()).length;
    let theirs = await providerSide();
    while (theirs?.state !== 'STARTED' || (await pending(theirs.id)) > 0) {
      await new Promise((r) => setImmediate(r));
      theirs = await providerSide();
    }
    consumer.signal('SIGKILL');
    await consumer.exited;

    consumer = startConsumer();
    await consumer.waitFor(/listening on/);
    const mine = await call('GET', `/transfers/${encodeURIComponent(transfer.id)}`);
    expect(mine).toMatchObject({ state: 'STARTED', providerPid: theirs.id });
    expect((mine.dataAddress as { endpoint: string }).endpoint).toContain('/data/transfers/');

    expect((await call('POST', `/transfers/${encodeURIComponent(transfer.id)}/complete`, {})).state).toBe(
      'COMPLETED',
    );
    await eventually('provider COMPLETED', providerSide, (t) => t?.state === 'COMPLETED', 60_000);
  });
});
