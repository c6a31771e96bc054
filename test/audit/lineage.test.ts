import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lineage } from '../../src/dataspace/audit/index.js';
import { participantStore } from '../../src/store/index.js';
import {
  type Clock,
  clockedNode,
  type Edr,
  type Node,
  protocolDriver,
  pull,
  seedAsset,
  testClock,
} from '../dataplane/support.js';
import { eventually } from '../dataspace/two-node-support.js';

const body = '部品表 2026: ボルト M8 ×4, ナット M8 ×4\n';

async function management<T>(t: Node, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${t.node.url}/management/v1${path}`, { headers: { 'x-api-key': t.apiKey } });
  return { status: res.status, body: (await res.json()) as T };
}

/**
 * A provider pulls its asset for a consumer: its lineage is Created → Sent → the consumer's receipt, and
 * nothing of the consumer's side beyond that receipt; the tracking id of the hop stays on the provider.
 */
describe('audit lineage', () => {
  let clock: Clock;
  let provider: Node;
  let consumer: Node;
  let driver: Awaited<ReturnType<typeof protocolDriver>>;
  let root: string;
  let edr: Edr;
  const assetId = '軸受-図面-2026';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'musubi-lineage-'));
    writeFileSync(join(root, 'bom.txt'), body);
    clock = testClock();
    [provider, consumer] = await Promise.all([
      clockedNode(clock, { dataPlaneFileRoots: [root] }),
      clockedNode(clock),
    ]);
    driver = await protocolDriver(provider, consumer);
    const agreementId = 'urn:uuid:agreement-lineage';
    await seedAsset(provider, {
      agreementId,
      assetId,
      consumerDid: consumer.did,
      address: { type: 'File', path: 'bom.txt' },
      contentType: 'text/plain; charset=utf-8',
    });
    // The asset's creation, as the management API records it.
    const ctx = provider.node.context;
    await participantStore(ctx.db, ctx.config.defaultParticipantId).audit(
      {
        actor: 'ak_operator',
        action: 'asset.create',
        resourceType: 'asset',
        resourceId: assetId,
        via: 'management-api',
        outcome: 'success',
      },
      ctx.now(),
    );
    edr = await driver.start(agreementId);
    expect(await pull(edr.endpoint, edr.token).then((r) => r.text())).toBe(body);
  });
  afterAll(async () => {
    await driver?.close();
    await Promise.all([provider?.stop(), consumer?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  const lineage = (subject: string) =>
    management<Lineage>(provider, `/audit/lineage?subject=${encodeURIComponent(subject)}`);

  it('draws Created → Sent → the consumer’s receipt, and stops there', async () => {
    const { body: l } = await eventually(
      'the consumer’s receipt for the transfer',
      () => lineage(assetId),
      (r) => r.status === 200 && r.body.nodes.some((n) => n.kind === 'Receipt'),
    );
    const kinds = l.nodes.map((n) => n.kind);
    expect(kinds).toEqual(['Created', 'Sent', 'Receipt']);
    const [created, sent, receipt] = l.nodes;
    expect(sent).toMatchObject({ action: 'dataplane.access', resource: edr.providerPid });
    expect(receipt).toMatchObject({ counterparty: consumer.did });
    expect(l.edges).toEqual([
      { from: created?.id, to: sent?.id },
      { from: sent?.id, to: receipt?.id },
    ]);
    // Nothing of the consumer's own process shows: only its DID and the chain head its receipt vouches for.
    expect(JSON.stringify(l)).not.toContain(edr.consumerPid);
  });

  it('gives the hop a tracking id of its own that never reaches the counterparty', async () => {
    const { body: l } = await lineage(assetId);
    const trackingId = l.nodes.find((n) => n.kind === 'Sent')?.trackingId ?? '';
    expect(trackingId).toMatch(/^trk_/);
    expect(trackingId).not.toContain(edr.providerPid);
    const theirs = consumer.node.context.db;
    const dump = JSON.stringify([
      await theirs.selectFrom('audit_log').selectAll().execute(),
      await theirs
        .withTables<{ audit_receipts: { jws: string } }>()
        .selectFrom('audit_receipts')
        .selectAll()
        .execute(),
    ]);
    expect(dump).not.toContain(trackingId);
    // The same lineage from the access entry itself.
    const sentSeq = l.nodes.find((n) => n.kind === 'Sent')?.seq;
    const again = await lineage(String(sentSeq));
    expect(again.body.nodes.map((n) => n.kind)).toContain('Receipt');
  });

  it('answers an unknown subject with a 404 problem', async () => {
    const r = await management<{ code: string }>(provider, '/audit/lineage?subject=存在しない資産');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('lineage subject.not-found');
  });

  it('filters the log by action, resource and outcome', async () => {
    const r = await management<{ action: string; resourceId: string }[]>(
      provider,
      `/audit?action=dataplane.access&outcome=success&resourceId=${encodeURIComponent(edr.providerPid)}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.length).toBeGreaterThanOrEqual(1);
    expect(r.body.every((e) => e.action === 'dataplane.access' && e.resourceId === edr.providerPid)).toBe(
      true,
    );
  });
});
