import { createHash } from 'node:crypto';
import { request } from 'node:http';
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

describe('data transfer receipts carry the content digest', () => {
  let nodes: FileNodes | undefined;
  let provider: Node;
  let consumer: Node;

  beforeAll(async () => {
    nodes = await fileProviderAndConsumer('musubi-digest-files-', content);
    ({ provider, consumer } = nodes);
  }, 60_000);
  afterAll(() => nodes?.stop());

  it('both sides audit the sha256 and length of the served bytes (plain and gzipped on the fly); audit verify passes', async () => {
    const offer = await publishFile(provider, 'parts-digest', 'parts.csv');
    const agreementId = await negotiated(consumer, provider, offer);
    const id = await startedTransfer(consumer, agreementId);
    const edr = await api<{ endpoint: string; authorization: string }>(
      consumer,
      'GET',
      `/transfers/${encodeURIComponent(id)}/edr`,
    );
    const auth = { authorization: `Bearer ${edr.body.authorization}` };
    const plain = await rawGet(edr.body.endpoint, { ...auth, 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.body.toString('utf8')).toBe(content);
    const zipped = await rawGet(edr.body.endpoint, { ...auth, 'accept-encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    expect(zipped.encoding).toBe('gzip');
    const expected = sha256(plain.body);

    const theirs = await providerSide(provider, id);
    const entries = async (t: Node, action: string, resourceId: string) =>
      (await api<Entry[]>(t, 'GET', `/audit?action=${action}&limit=1000`)).body.filter(
        (e) => e.resourceId === resourceId,
      );
    const served = await eventually(
      'provider audited both accesses',
      () => entries(provider, 'dataplane.access', String(theirs?.id)),
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
        `/audit/receipts?role=held&processId=${encodeURIComponent(String(theirs?.id))}`,
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
});
