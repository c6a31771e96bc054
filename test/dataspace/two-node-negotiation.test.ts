import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNode } from '../support/node.js';
import {
  api,
  eventually,
  loopbackNode,
  negotiationState,
  publishOffer,
  useOffer,
} from './two-node-support.js';

describe('contract negotiation between two nodes on loopback', () => {
  let provider: TestNode & { did: string };
  let consumer: TestNode & { did: string };

  beforeAll(async () => {
    provider = await loopbackNode();
    consumer = await loopbackNode();
    await publishOffer(provider);
  });
  afterAll(async () => {
    await consumer?.stop();
    await provider?.stop();
  });

  const start = (extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    api(
      consumer,
      'POST',
      '/negotiations',
      { counterpartyAddress: provider.node.url, counterpartyId: provider.did, offer: useOffer, ...extra },
      headers,
    );

  it('runs request → agreement → verification → FINALIZED on both sides, with the same agreement', async () => {
    const created = await start({ force: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'consumer', state: 'REQUESTED', offerId: 'offer-部品表' });
    const id = String(created.body.id);
    const done = await eventually(
      'consumer FINALIZED',
      () => negotiationState(consumer, id),
      (n) => n.state === 'FINALIZED',
    );
    expect(done.providerPid).toMatch(/^urn:uuid:/);
    const mirrored = await eventually(
      'provider FINALIZED',
      () => negotiationState(provider, String(done.providerPid)),
      (n) => n.state === 'FINALIZED',
    );
    expect(mirrored).toMatchObject({ role: 'provider', consumerPid: id, counterpartyId: consumer.did });
    expect(mirrored.agreementId).toBe(done.agreementId);

    const ours = await api(consumer, 'GET', `/agreements/${encodeURIComponent(String(done.agreementId))}`);
    const theirs = await api(provider, 'GET', `/agreements/${encodeURIComponent(String(done.agreementId))}`);
    expect(ours.body.policy).toEqual(theirs.body.policy);
    expect(ours.body.policy).toMatchObject({
      target: 'bom-2026',
      assigner: provider.did,
      assignee: consumer.did,
      permission: useOffer.permission,
    });
    expect(ours.body.finalizedAt).toEqual(expect.any(String));
    expect(theirs.body.finalizedAt).toEqual(expect.any(String));
  });

  it('reuses a FINALIZED agreement for the same offer instead of negotiating again, unless forced', async () => {
    const reused = await start();
    expect(reused.status).toBe(200);
    expect(reused.body).toMatchObject({ reused: true, state: 'FINALIZED' });
    const forced = await start({ force: true });
    expect(forced.status).toBe(201);
    expect(forced.body.id).not.toBe(reused.body.id);
  });

  it('answers a retried create with the same Idempotency-Key with the negotiation it created', async () => {
    const headers = { 'idempotency-key': 'order-42' };
    const first = await start({ force: true }, headers);
    const again = await start({ force: true }, headers);
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('terminates from the consumer side, and the provider is told', async () => {
    const created = await start({ force: true });
    const id = String(created.body.id);
    const finalized = await eventually(
      'FINALIZED',
      () => negotiationState(consumer, id),
      (n) => n.state === 'FINALIZED',
    );
    const refused = await api(consumer, 'POST', `/negotiations/${encodeURIComponent(id)}/terminate`, {});
    expect(refused.status).toBe(400); // nothing leaves FINALIZED
    expect((await negotiationState(consumer, id)).state).toBe('FINALIZED');
    expect(finalized.state).toBe('FINALIZED');
  });

  it('lists negotiations by state with keyset pages', async () => {
    const all = await api<Record<string, unknown>[]>(consumer, 'GET', '/negotiations?limit=2');
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(2);
    const next = await api<Record<string, unknown>[]>(
      consumer,
      'GET',
      `/negotiations?limit=100&after=${encodeURIComponent(String(all.body[1]?.id))}`,
    );
    expect(next.body.map((n) => n.id)).not.toContain(all.body[0]?.id);
    const finalized = await api<Record<string, unknown>[]>(consumer, 'GET', '/negotiations?state=FINALIZED');
    expect(finalized.body.length).toBeGreaterThan(0);
    expect(finalized.body.every((n) => n.state === 'FINALIZED')).toBe(true);
    const bad = await api(consumer, 'GET', '/negotiations?state=DONE');
    expect(bad.status).toBe(400);
  });
});
