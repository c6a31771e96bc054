import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peekReceipt } from '../../src/dataspace/audit/index.js';
import { verifyStoredAudit, writeCheckpoint } from '../../src/node/audit.js';
import { dspAuthHeaders } from '../../src/node/counterparty.js';
import {
  api,
  eventually,
  loopbackNode,
  negotiationState,
  publishOffer,
  useOffer,
} from '../dataspace/two-node-support.js';
import type { TestNode } from '../support/node.js';

interface Receipt {
  id: string;
  role: string;
  issuer: string;
  audience: string;
  head: { seq: number; hash: string };
  event: { kind: string; process?: string; type?: string };
  jws: string;
}

const receipts = async (t: TestNode, query = '') =>
  (await api<Receipt[]>(t, 'GET', `/audit/receipts${query}`)).body;

/**
 * Two nodes on loopback negotiate; every protocol message delivered leaves a signed receipt with the receiver
 * anchoring the sender's chain head, and one back. A tail cut after the last checkpoint is then found.
 */
describe('audit receipts between two nodes', () => {
  let provider: TestNode & { did: string };
  let consumer: TestNode & { did: string };
  let providerPid = '';

  beforeAll(async () => {
    provider = await loopbackNode();
    consumer = await loopbackNode();
    await publishOffer(provider);
    const created = await api(consumer, 'POST', '/negotiations', {
      counterpartyAddress: provider.node.url,
      counterpartyId: provider.did,
      offer: useOffer,
      force: true,
    });
    const id = String(created.body.id);
    const done = await eventually(
      'consumer FINALIZED',
      () => negotiationState(consumer, id),
      (n) => n.state === 'FINALIZED',
    );
    providerPid = String(done.providerPid);
    await eventually(
      'provider FINALIZED',
      () => negotiationState(provider, providerPid),
      (n) => n.state === 'FINALIZED',
    );
  });
  afterAll(async () => {
    await consumer?.stop();
    await provider?.stop();
  });

  it('exchanges a receipt each way for every message delivered, each anchoring its issuer’s chain head', async () => {
    // Consumer → provider: request, agreement verification; provider → consumer: agreement, finalized.
    const held = await eventually(
      'provider holds the consumer’s receipts',
      () => receipts(provider, `?role=held&counterparty=${encodeURIComponent(consumer.did)}`),
      (r) => r.filter((x) => x.event.kind === 'dsp-message').length >= 2,
    );
    const types = held.filter((r) => r.event.kind === 'dsp-message').map((r) => r.event.type);
    expect(types).toEqual(
      expect.arrayContaining(['ContractRequestMessage', 'ContractAgreementVerificationMessage']),
    );
    for (const r of held) {
      expect(r).toMatchObject({ role: 'held', issuer: consumer.did, audience: provider.did });
      const { claims } = peekReceipt(r.jws);
      expect(claims.head).toEqual(r.head);
    }
    // The consumer kept the provider's answers, and its own copies of what it issued.
    const back = await eventually(
      'consumer holds the provider’s receipts',
      () => receipts(consumer, '?role=held'),
      (r) => r.filter((x) => x.event.kind === 'dsp-message').length >= 2,
    );
    expect(back.every((r) => r.issuer === provider.did)).toBe(true);
    expect(back.some((r) => r.event.kind === 'receipt')).toBe(true);
    const issued = await receipts(consumer, '?role=issued');
    expect(issued.map((r) => r.id)).toEqual(expect.arrayContaining(held.map((r) => r.id)));
    // The issuer's own chain agrees with every receipt it gave.
    const report = await verifyStoredAudit(
      consumer.node.context.db,
      consumer.node.context.config.defaultParticipantId,
    );
    expect(report).toMatchObject({ intact: true });
    expect(report.receipts).toBeGreaterThanOrEqual(2);
  });

  it('refuses a receipt signed by someone else than the authenticated caller, and any without a token', async () => {
    const [theirs] = await receipts(provider, '?role=issued');
    const post = (headers: Record<string, string>) =>
      fetch(`${provider.node.url}/audit/receipts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ receipt: theirs?.jws }),
      });
    expect((await post({})).status).toBe(401);
    // The consumer, authenticated, hands back the provider's own receipt as if it were its own.
    const ctx = consumer.node.context;
    const auth = await dspAuthHeaders(ctx, ctx.config.defaultParticipantId, provider.did);
    const res = await post(auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'audit.receipt-invalid' });
  });

  it('finds a tail cut after the last checkpoint by the receipts the counterparty holds', async () => {
    const ctx = consumer.node.context;
    const p = ctx.config.defaultParticipantId;
    const held = await receipts(provider, `?role=held&counterparty=${encodeURIComponent(consumer.did)}`);
    const newest = Math.max(...held.map((r) => r.head.seq));
    // A checkpoint well before the cut: the local chain alone cannot tell the tail is missing.
    const cp = await writeCheckpoint(ctx.participants, p, 'test');
    expect(cp.seq).toBeGreaterThan(newest);
    const cut = newest - 1;
    // Cut the tail, that checkpoint with it: what remains is a well-formed chain, only shorter.
    await ctx.db.deleteFrom('audit_log').where('participant_id', '=', p).where('seq', '>', cut).execute();
    const local = await verifyStoredAudit(ctx.db, p);
    expect(local.firstBad).toMatchObject({ problem: 'truncated', seq: cut + 1 });
    expect(local.firstBad?.message).toContain(provider.did);

    // The operator also wipes its own copies: the chain alone looks intact (what a local chain cannot see)…
    await ctx.db
      .withTables<{ audit_receipts: { participant_id: string } }>()
      .deleteFrom('audit_receipts')
      .where('participant_id', '=', p)
      .execute();
    expect(await verifyStoredAudit(ctx.db, p)).toMatchObject({ intact: true });
    // …but the receipts the provider holds still give the cut away.
    const report = await verifyStoredAudit(ctx.db, p, { receipts: held.map((r) => r.jws) });
    expect(report).toMatchObject({ intact: false, firstBad: { problem: 'truncated', seq: cut + 1 } });
  });
});
