import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually } from '../dataspace/two-node-support.js';
import {
  type Clock,
  clockedNode,
  type Node,
  negotiated,
  providerSide,
  publishFile,
  pushReceiver,
  testClock,
  transferOf,
} from './support.js';

const content = `品番,数量\n${Array.from({ length: 30_000 }, (_, i) => `ナット-${i},${i % 9}\n`).join('')}`;
const token = 'push-token-受信側'.replace(/[^\x20-\x7e]/g, 'x'); // header values are ASCII

type View = Record<string, unknown> & { id: string; state: string; reasonCode?: string | null };

/** HttpData-PUSH between two nodes: the provider streams the asset to the consumer's endpoint with its token. */
describe('push between two nodes', () => {
  let clock: Clock;
  let provider: Node;
  let consumer: Node;
  let root: string;
  let agreementId: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'musubi-dpc-push-'));
    writeFileSync(join(root, 'nuts.csv'), content);
    clock = testClock();
    [provider, consumer] = await Promise.all([
      clockedNode(clock, { dataPlaneFileRoots: [root] }),
      clockedNode(clock),
    ]);
    const offer = await publishFile(provider, 'nuts-2026', 'nuts.csv');
    agreementId = await negotiated(consumer, provider, offer);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([consumer?.stop(), provider?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  async function push(endpoint: string, authorization: string): Promise<View> {
    const created = await api<View>(consumer, 'POST', '/transfers', {
      agreementId,
      format: 'HttpData-PUSH',
      dataAddress: {
        endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
        endpoint,
        endpointProperties: [{ name: 'authorization', value: authorization }],
      },
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  async function pushAudit() {
    const ctx = provider.node.context;
    const rows = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('participant_id', '=', ctx.config.defaultParticipantId)
      .where('action', '=', 'dataplane.push')
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
  }

  it('streams the asset to the endpoint with the consumer’s token, then both sides reach COMPLETED; the push is audited', async () => {
    const receiver = await pushReceiver(token);
    try {
      const t = await push(receiver.url, token);
      const done = await eventually(
        'consumer COMPLETED',
        () => transferOf(consumer, t.id),
        (v) => ['COMPLETED', 'TERMINATED'].includes(v.state),
      );
      expect(done).toMatchObject({ state: 'COMPLETED' });
      const theirs = await eventually(
        'provider COMPLETED',
        () => providerSide(provider, t.id),
        (p) => p?.state === 'COMPLETED',
      );
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]?.authorization).toBe(`Bearer ${token}`);
      expect(receiver.received[0]?.body.toString('utf8')).toBe(content);
      const audit = (await pushAudit()).filter((a) => a.resource_id === theirs?.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ outcome: 'success' });
      expect(audit[0]?.details).toMatchObject({
        bytes: Buffer.byteLength(content),
        attempts: 1,
        status: 204,
      });
      expect(JSON.stringify(audit)).not.toContain(token);
      expect(provider.logs()).not.toContain(token);
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it('terminates with push.target-refused when the endpoint refuses the token, without retrying', async () => {
    const receiver = await pushReceiver(token);
    try {
      const t = await push(receiver.url, 'wrong-token');
      const ended = await eventually(
        'consumer TERMINATED',
        () => transferOf(consumer, t.id),
        (v) => ['COMPLETED', 'TERMINATED'].includes(v.state),
      );
      expect(ended).toMatchObject({ state: 'TERMINATED', reasonCode: 'push.target-refused' });
      expect(receiver.received.map((r) => r.authorization)).toEqual(['Bearer wrong-token']);
      const theirs = await providerSide(provider, t.id);
      const audit = (await pushAudit()).filter((a) => a.resource_id === theirs?.id);
      expect(audit[0]).toMatchObject({ outcome: 'failure', reason: 'push.target-refused' });
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it('refuses a push target the egress policy does not allow: terminated with a reason, nothing sent', async () => {
    // 127.0.0.2 is loopback too, but only 127.0.0.1 is on the provider's allowlist
    const receiver = await pushReceiver(token, '127.0.0.2');
    try {
      const t = await push(receiver.url, token);
      const ended = await eventually(
        'consumer TERMINATED',
        () => transferOf(consumer, t.id),
        (v) => ['COMPLETED', 'TERMINATED'].includes(v.state),
      );
      expect(ended).toMatchObject({ state: 'TERMINATED', reasonCode: 'push.egress-denied' });
      expect(receiver.connections()).toBe(0);
      expect(receiver.received).toEqual([]);
      const theirs = await providerSide(provider, t.id);
      expect(theirs).toMatchObject({ state: 'TERMINATED', reasonCode: 'push.egress-denied' });
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
