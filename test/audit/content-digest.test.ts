import { createHash } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peekReceipt } from '../../src/dataspace/audit/index.js';
import { verifyStoredAudit } from '../../src/node/audit.js';
import { receiptsSettled } from '../../src/node/receipts.js';
import {
  type Node,
  negotiated,
  providerSide,
  publishFile,
  startedTransfer,
} from '../dataplane-consumer/support.js';
import { api, eventually } from '../dataspace/two-node-support.js';
import { type FileNodes, fileProviderAndConsumer } from './support.js';

type Entry = {
  seq: number;
  action: string;
  resourceId: string;
  outcome: string;
  details: Record<string, unknown>;
};

/** About 300 KB of Japanese CSV: many chunks, so the digest is computed over a stream, not one buffer. */
const content = `番号,品名,材質\n${Array.from({ length: 8000 }, (_, i) => `${i},六角ボルト M${i % 16},ステンレス鋼\n`).join('')}`;
const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** GET with node:http, the body as raw bytes as they came off the wire (no decoding). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; encoding?: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers['content-encoding'] ? { encoding: res.headers['content-encoding'] } : {}),
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/**
 * GET with node:http that takes the first chunk, then calls `meanwhile` before reading on (the response stays
 * paused, so the provider is held back by backpressure); the body's sha256 and length.
 */
function pausedGet(
  url: string,
  headers: Record<string, string>,
  meanwhile: () => Promise<void>,
): Promise<{ status: number; sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      const take = (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
      };
      res.once('data', (c: Buffer) => {
        take(c);
        res.pause();
        meanwhile().then(() => {
          res.on('data', take);
          res.resume();
        }, reject);
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, sha256: hash.digest('hex'), bytes }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('data transfer receipts carry the content digest', () => {
  let nodes: FileNodes | undefined;
  let provider: Node;
  let consumer: Node;

  beforeAll(async () => {
    nodes = await fileProviderAndConsumer('musubi-digest-files-', content);
    ({ provider, consumer } = nodes);
  }, 60_000);
  afterAll(() => nodes?.stop());

  const entries = async (t: Node, action: string, resourceId: string) =>
    (await api<Entry[]>(t, 'GET', `/audit?action=${action}&limit=1000`)).body.filter(
      (e) => e.resourceId === resourceId,
    );

  /** A File asset at `path`, negotiated and its pull transfer started: the EDR and both sides' transfer ids. */
  async function startedPull(assetId: string, path: string) {
    const offer = await publishFile(provider, assetId, path);
    const agreementId = await negotiated(consumer, provider, offer);
    const id = await startedTransfer(consumer, agreementId);
    const edr = await api<{ endpoint: string; authorization: string }>(
      consumer,
      'GET',
      `/transfers/${encodeURIComponent(id)}/edr`,
    );
    const theirs = String((await providerSide(provider, id))?.id);
    return {
      id,
      theirs,
      endpoint: edr.body.endpoint,
      headers: { authorization: `Bearer ${edr.body.authorization}`, 'accept-encoding': 'identity' },
    };
  }

  /**
   * The provider's access records of a transfer, once n exist. An access is on record only once the file's
   * identity was checked after its last read and its digest remembered: the next pull starts after that.
   */
  const accessed = (t: { theirs: string }, n: number) =>
    eventually(
      `provider audited ${n} accesses`,
      () => entries(provider, 'dataplane.access', t.theirs),
      (e) => e.length >= n,
    );

  /** The provider's access records and the consumer's receipts-based records of a transfer, once n of each exist. */
  async function recorded(t: { id: string; theirs: string }, n: number) {
    const served = await accessed(t, n);
    const received = await eventually(
      `consumer recorded ${n} deliveries`,
      () => entries(consumer, 'dataplane.received', t.id),
      (e) => e.length >= n,
    );
    return { served, received };
  }

  it('both sides audit the sha256 and length of the served bytes (plain and gzipped on the fly); audit verify passes', async () => {
    const pull = await startedPull('parts-digest', 'parts.csv');
    const plain = await rawGet(pull.endpoint, pull.headers);
    expect(plain.status).toBe(200);
    expect(plain.body.toString('utf8')).toBe(content);
    const zipped = await rawGet(pull.endpoint, { ...pull.headers, 'accept-encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    expect(zipped.encoding).toBe('gzip');
    const expected = sha256(plain.body);

    const { id, theirs } = pull;
    const served = await eventually(
      'provider audited both accesses',
      () => entries(provider, 'dataplane.access', theirs),
      (e) => e.length >= 2,
    );
    expect(served.map((e) => e.outcome)).toEqual(['success', 'success']);
    // the digest is of the content as served, gzip or not: the consumer's stored file hashes the same
    expect(served.map((e) => e.details.contentSha256)).toEqual([expected, expected]);
    expect(served.map((e) => e.details.contentBytes)).toEqual([plain.body.length, plain.body.length]);
    expect(served[1]?.details.bytes).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(plain.body.length);

    const received = await eventually(
      'consumer recorded both deliveries from the provider’s receipts',
      () => entries(consumer, 'dataplane.received', id),
      (e) => e.length >= 2,
    );
    expect(received.map((e) => [e.details.contentSha256, e.details.bytes])).toEqual([
      [expected, plain.body.length],
      [expected, plain.body.length],
    ]);
    // each rests on a receipt the provider signed: it names the same digest
    const held = (
      await api<{ id: string; jws: string }[]>(
        consumer,
        'GET',
        `/audit/receipts?role=held&processId=${encodeURIComponent(theirs)}`,
      )
    ).body;
    for (const e of received) {
      const r = held.find((h) => h.id === e.details.receiptId);
      expect(r).toBeDefined();
      expect(peekReceipt(String(r?.jws)).claims.event).toMatchObject({
        kind: 'data-transfer',
        digest: expected,
        bytes: plain.body.length,
      });
    }

    await Promise.all([receiptsSettled(provider.node.context), receiptsSettled(consumer.node.context)]);
    for (const t of [provider, consumer]) {
      const ctx = t.node.context;
      expect(await verifyStoredAudit(ctx.db, ctx.config.defaultParticipantId)).toMatchObject({
        intact: true,
      });
    }
  }, 60_000);

  it('remembers the digest of a settled file: a second pull is not hashed yet proves the same sha256; rewritten in place, the next pull proves the new content', async () => {
    const path = join(String(nodes?.root), 'again.csv');
    writeFileSync(path, content);
    const t = await startedPull('parts-again', 'again.csv');
    nodes?.clock.advance(10_000); // the file was written more than the racy window ago
    for (let i = 1; i <= 2; i++) {
      expect((await rawGet(t.endpoint, t.headers)).body.toString()).toBe(content);
      await accessed(t, i);
    }
    const before = statSync(path, { bigint: true });
    // same size, other bytes: only the stamps tell the versions apart
    const rewritten = content.replaceAll('ボルト', 'ナット');
    expect(Buffer.byteLength(rewritten)).toBe(Buffer.byteLength(content));
    writeFileSync(path, rewritten);
    const after = statSync(path, { bigint: true });
    expect([after.ino, after.size]).toEqual([before.ino, before.size]);
    expect(after.ctimeNs).not.toBe(before.ctimeNs);
    for (let i = 3; i <= 4; i++) {
      expect((await rawGet(t.endpoint, t.headers)).body.toString()).toBe(rewritten);
      await accessed(t, i);
    }

    const { served, received } = await recorded(t, 4);
    const [was, now] = [sha256(content), sha256(rewritten)];
    expect(served.map((e) => [e.outcome, e.details.contentSha256, e.details.contentSha256Cached])).toEqual([
      ['success', was, undefined],
      ['success', was, true],
      ['success', now, undefined],
      ['success', now, true],
    ]);
    expect(served.every((e) => e.details.contentBytes === Buffer.byteLength(content))).toBe(true);
    expect(received.map((e) => e.details.contentSha256)).toEqual([was, was, now, now]);
  }, 60_000);

  it('claims no remembered digest for a file written while it streamed: the record says it changed, the receipt carries no digest', async () => {
    // 64 MiB: more than loopback can hold in flight (the consumer's receive buffer is at most
    // net.ipv4.tcp_rmem's 32 MiB here, the provider's send buffer 4 MiB), so the provider cannot have read the
    // end of the file while the consumer holds back
    const size = 64 * 2 ** 20;
    const path = join(String(nodes?.root), 'large.bin');
    writeFileSync(path, Buffer.alloc(size, '検'));
    const original = sha256(Buffer.alloc(size, '検'));
    const t = await startedPull('parts-large', 'large.bin');
    nodes?.clock.advance(10_000);
    const first = await pausedGet(t.endpoint, t.headers, async () => {});
    expect(first).toEqual({ status: 200, sha256: original, bytes: size });
    await accessed(t, 1);
    const second = await pausedGet(t.endpoint, t.headers, async () => {
      const h = await open(path, 'r+');
      await h.write(Buffer.from('改訂'), 0, 6, size - 6); // same size, new bytes at the end
      await h.close();
    });
    // what went out is the changed file: the remembered digest would have been a false proof
    expect(second.bytes).toBe(size);
    expect(second.sha256).not.toBe(original);
    await accessed(t, 2);
    const third = await pausedGet(t.endpoint, t.headers, async () => {});

    const served = await accessed(t, 3);
    expect(served.map((e) => [e.outcome, e.details.contentSha256, e.details.contentChanged])).toEqual([
      ['success', original, undefined],
      ['success', undefined, true],
      ['success', third.sha256, undefined],
    ]);
    expect(served[2]?.details.contentSha256Cached).toBeUndefined();
    expect(third.sha256).toBe(second.sha256);
    // the consumer holds a signed receipt for each access; the one for the changed file names no digest, and
    // only the two that do become deliveries in its chain
    const held = await eventually(
      'consumer holds 3 data-transfer receipts',
      async () =>
        (
          await api<{ jws: string }[]>(
            consumer,
            'GET',
            `/audit/receipts?role=held&processId=${encodeURIComponent(t.theirs)}`,
          )
        ).body
          .map((r) => peekReceipt(r.jws).claims.event)
          .filter((e) => e.kind === 'data-transfer'),
      (e) => e.length >= 3,
    );
    expect(held.map((e) => e.digest ?? 'none').sort()).toEqual([original, third.sha256, 'none'].sort());
    const received = await eventually(
      'consumer recorded 2 deliveries',
      () => entries(consumer, 'dataplane.received', t.id),
      (e) => e.length >= 2,
    );
    expect(received.map((e) => e.details.contentSha256)).toEqual([original, third.sha256]);
  }, 60_000);
});
