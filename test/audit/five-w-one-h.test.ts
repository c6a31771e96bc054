import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStoredAudit } from '../../src/node/audit.js';
import { receiptsSettled } from '../../src/node/receipts.js';
import { type Node, negotiated, providerSide, startedTransfer } from '../dataplane-consumer/support.js';
import { api, eventually } from '../dataspace/two-node-support.js';
import { type FileNodes, fileProviderAndConsumer } from './support.js';

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  via: string;
  details: Record<string, unknown> & { '5w1h'?: Record<string, string> };
}

const content = '品番,品名\nA-1,六角ボルト\nA-2,座金\n';

/** Every entry of the node's default participant, oldest first. */
async function entriesOf(t: Node): Promise<Entry[]> {
  return (await api<Entry[]>(t, 'GET', '/audit?limit=1000')).body;
}

describe('5W1H on every audit entry of a full flow (two nodes on loopback)', () => {
  let nodes: FileNodes | undefined;
  let provider: Node;
  let consumer: Node;

  beforeAll(async () => {
    nodes = await fileProviderAndConsumer('musubi-5w1h-files-', content);
    ({ provider, consumer } = nodes);
  }, 60_000);
  afterAll(() => nodes?.stop());

  it('fills who, what, when, where and how on every entry, and why wherever an agreement or policy exists', async () => {
    // management changes
    const asset = await api(provider, 'POST', '/assets', {
      id: '部品表-5w1h',
      title: '部品表',
      contentType: 'text/csv',
      dataAddress: { type: 'File', path: 'parts.csv' },
    });
    expect(asset.status).toBe(201);
    const permission = [{ action: 'use' }];
    expect((await api(provider, 'POST', '/policies', { id: '取引先限定', permission })).status).toBe(201);
    const offer = {
      id: 'offer-5w1h',
      accessPolicyId: '取引先限定',
      contractPolicyId: '取引先限定',
      selector: { assetIds: ['部品表-5w1h'] },
    };
    expect((await api(provider, 'POST', '/offers', offer)).status).toBe(201);

    // negotiation, transfer, data access
    const agreementId = await negotiated(consumer, provider, {
      '@id': offer.id,
      target: '部品表-5w1h',
      permission,
    });
    const id = await startedTransfer(consumer, agreementId);
    const edr = await api<{ endpoint: string; authorization: string }>(
      consumer,
      'GET',
      `/transfers/${encodeURIComponent(id)}/edr`,
    );
    const pulled = await fetch(edr.body.endpoint, {
      headers: { authorization: `Bearer ${edr.body.authorization}` },
    });
    expect(await pulled.text()).toBe(content);
    const theirs = await providerSide(provider, id);
    await eventually(
      'consumer recorded the delivery',
      async () => (await entriesOf(consumer)).filter((e) => e.action === 'dataplane.received'),
      (e) => e.length === 1,
    );
    expect((await api(provider, 'POST', '/audit/checkpoints', {})).status).toBe(201);
    await Promise.all([receiptsSettled(provider.node.context), receiptsSettled(consumer.node.context)]);

    for (const [t, who] of [
      [provider, provider.did],
      [consumer, consumer.did],
    ] as const) {
      const entries = await entriesOf(t);
      const actions = new Set(entries.map((e) => e.action));
      const expected =
        t === provider
          ? ['participant.create', 'asset.create', 'policy.create', 'offer.create', 'negotiation.finalized']
          : ['participant.create', 'negotiation.finalized', 'dataplane.received'];
      for (const a of [...expected, 'transfer.started']) expect(actions, `${who} audited ${a}`).toContain(a);
      if (t === provider) expect(actions).toContain('dataplane.access');

      for (const e of entries) {
        const w = e.details['5w1h'] ?? {};
        const label = `${who} #${e.seq} ${e.action}`;
        // who
        expect(e.actor, label).not.toBe('');
        expect(w.participantDid, label).toBe(who);
        expect(w.operator, label).toEqual(expect.any(String));
        expect(w.operator, label).not.toBe('');
        // what
        for (const v of [e.action, e.resourceType, e.resourceId]) expect(v, label).not.toBe('');
        // when
        expect(Number.isNaN(Date.parse(e.at)), label).toBe(false);
        // where
        expect(w.node, label).toBe(new URL(t.node.url).host);
        expect(w.endpoint, label).toEqual(expect.any(String));
        expect(w.endpoint, label).not.toBe('');
        // how
        expect(w.protocol, label).toEqual(expect.any(String));
        expect(w.format, label).toEqual(expect.any(String));
        // why, wherever an agreement or a policy exists
        if (e.resourceType === 'transfer' && e.action !== 'dataplane.access')
          expect(w.agreementId, label).toBe(agreementId);
        if (e.action === 'dataplane.access' && e.details.status === 200)
          expect(w.agreementId, label).toBe(agreementId);
        if (e.resourceType === 'negotiation') expect(w.policyId, label).toBe(offer.id);
        if (e.action === 'negotiation.finalized') expect(w.agreementId, label).toBe(agreementId);
        if (e.resourceType === 'policy') expect(w.policyId, label).toBe('取引先限定');
        if (e.resourceType === 'offer') expect(w.policyId, label).toBe(offer.contractPolicyId);
        if (e.resourceType === 'transfer' || e.resourceType === 'negotiation')
          expect(w.trackingId, label).toMatch(/^trk_/);
      }
    }

    // a management change is operated by its API key; a protocol step by the node for its participant
    const created = (await entriesOf(provider)).find((e) => e.action === 'offer.create');
    expect(created?.details['5w1h']?.operator).toBe(created?.actor);
    expect(created?.details['5w1h']?.protocol).toMatch(/management API/);
    const access = (await entriesOf(provider)).find((e) => e.action === 'dataplane.access');
    expect(access?.details['5w1h']?.endpoint).toBe(edr.body.endpoint);
    expect(access?.details['5w1h']?.format).toBe('text/csv');
    // one hop, one tracking id: the two sides' ids for the same transfer differ
    const trk = async (t: Node, resourceId: string) =>
      (await entriesOf(t)).find((e) => e.resourceId === resourceId && e.action === 'transfer.started')
        ?.details['5w1h']?.trackingId;
    expect(await trk(consumer, id)).not.toBe(await trk(provider, String(theirs?.id)));

    for (const t of [provider, consumer]) {
      const ctx = t.node.context;
      expect(await verifyStoredAudit(ctx.db, ctx.config.defaultParticipantId)).toMatchObject({
        intact: true,
      });
    }
  }, 90_000);
});
