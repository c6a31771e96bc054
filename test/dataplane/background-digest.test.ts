import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileDigestsIdle } from '../../src/node/scopes/dataplane.js';
import { api, eventually } from '../dataspace/two-node-support.js';
import {
  accessAudit,
  type Clock,
  clockedNode,
  type Node,
  protocolDriver,
  pull,
  seedAgreement,
  testClock,
} from './support.js';

/** About 200 KB of Japanese CSV: many worker reads and many chunks on the wire. */
const content = `番号,品名,材質\n${Array.from({ length: 6000 }, (_, i) => `${i},六角ボルト M${i % 16},ステンレス鋼\n`).join('')}`;
const sha256 = (b: string) => createHash('sha256').update(b).digest('hex');

describe('File assets digested in the background (provider node)', () => {
  let clock: Clock;
  let provider: Node;
  let consumer: Node;
  let driver: Awaited<ReturnType<typeof protocolDriver>>;
  let root: string;
  let outside: string;
  let n = 0;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'musubi-background-files-'));
    outside = mkdtempSync(join(tmpdir(), 'musubi-background-outside-'));
    clock = testClock();
    [provider, consumer] = await Promise.all([
      clockedNode(clock, { dataPlaneFileRoots: [root] }),
      clockedNode(clock),
    ]);
    driver = await protocolDriver(provider, consumer);
  }, 60_000);
  afterAll(async () => {
    await driver?.close();
    await Promise.all([provider?.stop(), consumer?.stop()]);
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const idle = () => fileDigestsIdle(provider.node.context);
  /** The node's own account of its background digests (debug log lines), for one path. */
  const outcomes = (path: string) =>
    provider
      .logs()
      .split('\n')
      .filter((l) => l.includes('background digest of a file asset'))
      .map((l) => JSON.parse(l) as { path: unknown; outcome: string })
      .filter((l) => l.path === path)
      .map((l) => l.outcome);

  /** Writes `name` in the root and moves the clock past the racy window, so the file counts as settled. */
  function settledFile(name: string, text: string) {
    writeFileSync(join(root, name), text);
    clock.advance(10_000);
  }

  /** Registers a File asset through the management API, as an operator does. */
  async function register(assetId: string, path: string) {
    const res = await api(provider, 'POST', '/assets', {
      id: assetId,
      title: `部品表 ${assetId}`,
      contentType: 'text/csv',
      dataAddress: { type: 'File', path },
    });
    expect(res.status).toBe(201);
  }

  /** A pull of the asset under a fresh agreement and transfer: the body and the provider's access record. */
  async function pulled(assetId: string) {
    const agreementId = `urn:uuid:agreement-background-${++n}`;
    await seedAgreement(provider, { agreementId, assetId, consumerDid: consumer.did });
    const edr = await driver.start(agreementId);
    const res = await pull(edr.endpoint, edr.token, { headers: { 'accept-encoding': 'identity' } });
    expect(res.status).toBe(200);
    const body = await res.text();
    const record = await eventually(
      `access record of ${edr.providerPid}`,
      async () => (await accessAudit(provider)).find((r) => r.resource_id === edr.providerPid),
      Boolean,
    );
    return { body, details: record?.details ?? {} };
  }

  it('an asset registered through the management API is digested off the serving thread: its first pull carries the digest, not hashed inline', async () => {
    settledFile('first.csv', content);
    await register('parts-first', 'first.csv');
    await idle();
    expect(outcomes('first.csv')).toEqual(['remembered']);
    const first = await pulled('parts-first');
    expect(first.body).toBe(content);
    expect(first.details).toMatchObject({
      contentSha256: sha256(content),
      contentSha256Cached: true,
      contentBytes: Buffer.byteLength(content),
    });
  }, 60_000);

  it('a file rewritten after registration proves its new content: hashed inline at the next pull, or digested again in the background when the asset is updated', async () => {
    settledFile('rewritten.csv', content);
    await register('parts-rewritten', 'rewritten.csv');
    await idle();
    const before = statSync(join(root, 'rewritten.csv'), { bigint: true });
    const rewritten = content.replaceAll('ボルト', 'ナット'); // same size, other bytes
    writeFileSync(join(root, 'rewritten.csv'), rewritten);
    expect(statSync(join(root, 'rewritten.csv'), { bigint: true }).size).toBe(before.size);
    const inline = await pulled('parts-rewritten');
    expect(inline.body).toBe(rewritten);
    expect(inline.details.contentSha256).toBe(sha256(rewritten));
    expect(inline.details.contentSha256Cached).toBeUndefined();

    // rewritten again, then the operator updates the asset: the background digest, not a pull, knows it
    const third = content.replaceAll('ステンレス鋼', 'チタン合金鋼');
    settledFile('rewritten.csv', third);
    const put = await api(provider, 'PUT', '/assets/parts-rewritten', {
      title: '部品表 改訂',
      dataAddress: { type: 'File', path: 'rewritten.csv' },
    });
    expect(put.status).toBe(200);
    await idle();
    const updated = await pulled('parts-rewritten');
    expect(updated.body).toBe(third);
    expect(updated.details).toMatchObject({ contentSha256: sha256(third), contentSha256Cached: true });
  }, 60_000);

  it('a missing file or one outside the roots is skipped: the registration succeeds, the queue goes on', async () => {
    writeFileSync(join(outside, 'secret.csv'), '社外秘');
    await register('parts-missing', 'missing.csv');
    await register('parts-outside', join(outside, 'secret.csv'));
    settledFile('after.csv', content);
    await register('parts-after', 'after.csv');
    await idle();
    expect(outcomes('missing.csv')).toEqual(['skipped']);
    expect(outcomes(join(outside, 'secret.csv'))).toEqual(['skipped']);
    expect(outcomes('after.csv')).toEqual(['remembered']);
    expect((await pulled('parts-after')).details.contentSha256Cached).toBe(true);
  }, 60_000);

  it('after a restart, the stored File assets are digested in the background (the start does not wait for it)', async () => {
    settledFile('stored.csv', content);
    await register('parts-stored', 'stored.csv');
    await idle();
    await provider.restart();
    await fileDigestsIdle(provider.node.context);
    const first = await pulled('parts-stored');
    expect(first.body).toBe(content);
    expect(first.details).toMatchObject({ contentSha256: sha256(content), contentSha256Cached: true });
  }, 60_000);
});
