import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPolicy, type Rule, reasons } from '../../src/dataspace/policy/index.js';
import { runningMonitor, usageControl } from '../../src/node/policy/index.js';
import { eventually } from '../dataspace/two-node-support.js';
import { api, mutableClaims, type PolicyNode, policyNode, publish, testClock } from './support.js';

type View = Record<string, unknown> & { id: string; state: string; reasonCode?: string | null };
type Decided = {
  scope: string;
  permitted: boolean;
  reasonCode: string;
  purpose: string | null;
  trace: Record<string, unknown>[];
};

const clock = testClock(Date.parse('2026-11-25T09:00:00Z'));
const expiry = '2026-11-25T10:00:00Z';
// What only the provider knows: the member it admits and the trace vocabulary. None of it may reach the consumer.
const secrets = ['JAMA', 'membership', 'no-value', 'permission[0]', 'lteq', 'actual'];
const contract: Rule[] = [
  {
    action: 'use',
    constraint: [
      { leftOperand: 'membership', operator: 'eq', rightOperand: 'JAMA' },
      { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['品質保証', '設計'] },
      { leftOperand: 'dateTime', operator: 'lt', rightOperand: expiry },
      { leftOperand: 'count', operator: 'lteq', rightOperand: 2 },
    ],
  },
];

describe('usage control between two nodes on loopback', () => {
  let provider: PolicyNode;
  let consumer: PolicyNode;
  let offer: Record<string, unknown>;
  const claims = mutableClaims({});

  beforeAll(async () => {
    [provider, consumer] = await Promise.all([
      policyNode(clock, { policyMonitorBoundMs: 60_000 }),
      policyNode(clock),
    ]);
    usageControl(provider.node.context).useClaims(claims.source);
    const id = await publish(provider, 'usage-a', contract);
    offer = { '@id': id, target: 'usage-a', permission: contract };
  });
  afterAll(async () => {
    await Promise.all([consumer?.stop(), provider?.stop()]);
  });

  const get = async (t: PolicyNode, path: string) => (await api<View>(t, 'GET', path)).body;
  const providerSide = async (kind: 'negotiations' | 'transfers', consumerPid: string) => {
    const page = await api<View[]>(provider, 'GET', `/${kind}?role=provider&limit=1000`);
    const found = page.body.find((x) => x.consumerPid === consumerPid);
    return found && get(provider, `/${kind}/${encodeURIComponent(found.id)}`);
  };
  const decisionsOf = (v: View | undefined) => (v?.decisions ?? []) as Decided[];
  const noSecrets = (text: string) => {
    for (const s of secrets) expect(text, `leaked ${s}`).not.toContain(s);
  };

  async function negotiate(purpose: string) {
    const created = await api<View>(consumer, 'POST', '/negotiations', {
      counterpartyAddress: provider.node.url,
      counterpartyId: provider.did,
      offer,
      purpose,
      force: true,
    });
    expect(created.status, created.text).toBe(201);
    return eventually(
      'negotiation ended',
      () => get(consumer, `/negotiations/${encodeURIComponent(created.body.id)}`),
      (n) => n.state === 'FINALIZED' || n.state === 'TERMINATED',
    );
  }

  async function transfer(agreementId: string, purpose?: string) {
    const created = await api<View>(consumer, 'POST', '/transfers', {
      agreementId,
      ...(purpose ? { purpose } : {}),
    });
    expect(created.status, created.text).toBe(201);
    return eventually(
      'transfer answered',
      () => get(consumer, `/transfers/${encodeURIComponent(created.body.id)}`),
      (t) => t.state === 'STARTED' || t.state === 'TERMINATED',
    );
  }

  let agreementId = '';

  it('terminates a negotiation the contract policy denies: the consumer gets the reason code, the provider keeps the trace', async () => {
    const n = await negotiate('品質保証');
    expect(n).toMatchObject({
      state: 'TERMINATED',
      reasonCode: 'policy.not-permitted',
      reason: reasons['policy.not-permitted'],
    });
    noSecrets(`${n.reasonCode} ${n.reason}`);
    const theirs = await eventually(
      'provider decision stored',
      () => providerSide('negotiations', String(n.consumerPid ?? n.id)),
      (p) => decisionsOf(p).length > 0,
    );
    expect(theirs?.state).toBe('TERMINATED');
    const [d] = decisionsOf(theirs);
    expect(d).toMatchObject({
      scope: 'negotiation',
      permitted: false,
      reasonCode: 'policy.not-permitted',
      purpose: '品質保証',
    });
    expect(d?.trace).toContainEqual(
      expect.objectContaining({
        leftOperand: 'membership',
        operator: 'eq',
        rightOperand: 'JAMA',
        outcome: 'no-value',
      }),
    );
    expect(d?.trace).toContainEqual(
      expect.objectContaining({ leftOperand: 'purpose', actual: '品質保証', outcome: 'holds' }),
    );
    expect(provider.logs()).toContain('usage control: denied (negotiation)');
  });

  it('agrees once the claims hold; the agreement records the declared purpose and its signing time', async () => {
    claims.set(consumer.did, { membership: 'JAMA' });
    const n = await negotiate('品質保証');
    expect(n.state, JSON.stringify(n)).toBe('FINALIZED');
    agreementId = String(n.agreementId);
    const a = await usageControl(provider.node.context).agreementOf(
      provider.node.context.db,
      provider.node.context.config.defaultParticipantId,
      agreementId,
    );
    expect(a?.purpose).toBe('品質保証');
    expect(a?.signedAt).toBe(clock.now().toISOString());
  });

  it('terminates a transfer whose declared purpose is not the agreement’s, with the reason code only', async () => {
    const t = await transfer(agreementId, '設計');
    expect(t).toMatchObject({ state: 'TERMINATED', reasonCode: 'policy.not-permitted' });
    noSecrets(`${t.reasonCode} ${t.reason}`);
    const theirs = await providerSide('transfers', t.id);
    const [d] = decisionsOf(theirs);
    expect(d).toMatchObject({ scope: 'transfer', permitted: false, purpose: '設計' });
    expect(d?.trace).toContainEqual(
      expect.objectContaining({
        leftOperand: 'purpose',
        operator: 'eq',
        rightOperand: '品質保証',
        actual: '設計',
        outcome: 'fails',
      }),
    );
  });

  it('counts uses at the data plane: the third pull under a two-use agreement is refused with a code and nothing else', async () => {
    const t = await transfer(agreementId);
    expect(t.state, JSON.stringify(t)).toBe('STARTED');
    const ctx = provider.node.context;
    const pull = async () => {
      const edr = (await get(consumer, `/transfers/${encodeURIComponent(t.id)}/edr`)) as View & {
        endpoint: string;
        authorization: string;
      };
      const res = await fetch(edr.endpoint, { headers: { authorization: `Bearer ${edr.authorization}` } });
      return { status: res.status, text: await res.text() };
    };
    for (const n of [1, 2]) {
      const ok = await pull();
      expect(ok.status, ok.text).toBe(200);
      expect(JSON.parse(ok.text)).toEqual({ 部品: ['ボルト', 'ナット'] });
      await eventually(
        `use ${n} counted`,
        () => usageControl(ctx).usageOf(ctx.db, ctx.config.defaultParticipantId, agreementId),
        (u) => u.count === n,
      );
    }
    const refused = await pull();
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('policy.usage-exceeded');
    noSecrets(refused.text);
    const theirs = await providerSide('transfers', t.id);
    expect(decisionsOf(theirs).map((d) => [d.scope, d.permitted, d.reasonCode])).toContainEqual([
      'access',
      false,
      'policy.usage-exceeded',
    ]);
    // ended for the next test: its uses are spent
    await api(provider, 'POST', `/transfers/${encodeURIComponent(String(theirs?.id))}/terminate`, {
      reason: '使用回数超過',
    });
  });

  it('keeps catalog denials invisible: a hidden offer is not listed and negotiating it answers as for none at all', async () => {
    const ctx = provider.node.context;
    const at = ctx.now().toISOString();
    const p = ctx.config.defaultParticipantId;
    const id = await publish(provider, 'usage-hidden', contract);
    await insertPolicy(ctx.db, p, {
      id: 'only-someone-else',
      title: '他社限定',
      permission: [
        {
          action: 'use',
          constraint: [
            { leftOperand: 'participantId', operator: 'eq', rightOperand: 'did:web:他社.example' },
          ],
        },
      ],
      createdAt: at,
      updatedAt: at,
    });
    await ctx.db
      .updateTable('offers')
      .set({ access_policy_id: 'only-someone-else' })
      .where('id', '=', id)
      .execute();
    const catalog = await api(consumer, 'POST', '/catalog/request', {
      counterpartyAddress: provider.node.url,
      counterpartyId: provider.did,
    });
    expect(catalog.status, catalog.text).toBe(200);
    expect(catalog.text).toContain('usage-a');
    expect(catalog.text).not.toContain('usage-hidden');
    const attempt = async (offerId: string) => {
      const created = await api<View>(consumer, 'POST', '/negotiations', {
        counterpartyAddress: provider.node.url,
        counterpartyId: provider.did,
        offer: { ...offer, '@id': offerId, target: offerId.replace(/^offer-/, '') },
        force: true,
      });
      if (created.status !== 201)
        return { status: created.status, text: created.text.replaceAll(offerId, '<id>') };
      const n = await eventually(
        'negotiation ended',
        () => get(consumer, `/negotiations/${encodeURIComponent(created.body.id)}`),
        (x) => x.state === 'TERMINATED' || x.state === 'FINALIZED',
      );
      return { status: n.state, text: `${n.reasonCode} ${String(n.reason).replaceAll(offerId, '<id>')}` };
    };
    const hidden = await attempt(id);
    const missing = await attempt('offer-usage-無い');
    expect(hidden.status).not.toBe('FINALIZED');
    expect(hidden).toEqual(missing);
    noSecrets(hidden.text);
  });

  it('shows an offer whose access policy tests a verified claim only to a consumer holding that claim', async () => {
    const ctx = provider.node.context;
    const at = ctx.now().toISOString();
    const p = ctx.config.defaultParticipantId;
    const id = await publish(provider, 'usage-members', contract);
    await insertPolicy(ctx.db, p, {
      id: 'members-only',
      title: '会員限定',
      permission: [
        {
          action: 'use',
          constraint: [{ leftOperand: 'membership', operator: 'eq', rightOperand: 'ＪＡＭＡ' }],
        },
      ],
      createdAt: at,
      updatedAt: at,
    });
    await ctx.db
      .updateTable('offers')
      .set({ access_policy_id: 'members-only' })
      .where('id', '=', id)
      .execute();
    const listed = async () => {
      const catalog = await api(consumer, 'POST', '/catalog/request', {
        counterpartyAddress: provider.node.url,
        counterpartyId: provider.did,
      });
      expect(catalog.status, catalog.text).toBe(200);
      return catalog.text.includes('usage-members');
    };
    claims.set(consumer.did, { membership: '退会済み' });
    expect(await listed()).toBe(false);
    claims.set(consumer.did, { membership: 'JAMA' }); // NFKC-equal to the policy's 全角 value
    expect(await listed()).toBe(true);
  });

  async function runningTransfer() {
    const n = await negotiate('設計');
    expect(n.state, JSON.stringify(n)).toBe('FINALIZED');
    const t = await transfer(String(n.agreementId));
    expect(t.state, JSON.stringify(t)).toBe('STARTED');
    const theirs = await eventually(
      'provider STARTED',
      () => providerSide('transfers', t.id),
      (p) => p?.state === 'STARTED',
    );
    return { t, providerId: String(theirs?.id) };
  }

  it('ends a running transfer when the consumer’s claims are revoked, told by the claims source', async () => {
    const { t, providerId } = await runningTransfer();
    const revokedAt = performance.now();
    claims.set(consumer.did, { membership: '退会済み' });
    const ended = await eventually(
      'provider TERMINATED',
      () => get(provider, `/transfers/${encodeURIComponent(providerId)}`),
      (p) => p.state === 'TERMINATED',
    );
    const latencyMs = performance.now() - revokedAt;
    console.info(`usage-control: revocation → provider transfer TERMINATED in ${latencyMs.toFixed(0)} ms`);
    expect(ended.reasonCode).toBe('policy.not-permitted');
    expect(decisionsOf(ended).map((d) => [d.scope, d.permitted])).toContainEqual(['monitor', false]);
    const mine = await eventually(
      'consumer told',
      () => get(consumer, `/transfers/${encodeURIComponent(t.id)}`),
      (c) => c.state === 'TERMINATED',
    );
    expect(mine.reasonCode).toBe('policy.not-permitted');
    noSecrets(`${mine.reasonCode} ${mine.reason}`);
    const edr = await api(consumer, 'GET', `/transfers/${encodeURIComponent(t.id)}/edr`);
    expect(edr.status).toBe(409);
    claims.set(consumer.did, { membership: 'JAMA' });
  });

  it('wakes at the policy’s expiry instead of polling, and ends the transfer once the clock passes it', async () => {
    clock.advance(Date.parse(expiry) - clock.now().getTime() - 30_000); // 30 s before the expiry
    const { t, providerId } = await runningTransfer();
    const monitor = runningMonitor(provider.node.context);
    const before = await monitor?.wake();
    expect(before?.terminated).toEqual([]);
    expect(before?.next.toISOString()).toBe(new Date(expiry).toISOString()); // the edge, not the 60 s bound
    clock.advance(30_001);
    const after = await monitor?.wake();
    expect(after?.terminated).toContainEqual(
      expect.objectContaining({ transferId: providerId, reasonCode: 'policy.expired' }),
    );
    const mine = await eventually(
      'consumer told',
      () => get(consumer, `/transfers/${encodeURIComponent(t.id)}`),
      (c) => c.state === 'TERMINATED',
    );
    expect(mine.reasonCode).toBe('policy.expired');
    const theirs = await get(provider, `/transfers/${encodeURIComponent(providerId)}`);
    const last = decisionsOf(theirs).at(-1);
    expect(last).toMatchObject({ scope: 'monitor', permitted: false, reasonCode: 'policy.expired' });
    expect(last?.trace).toContainEqual(
      expect.objectContaining({
        leftOperand: 'dateTime',
        operator: 'lt',
        rightOperand: expiry,
        outcome: 'fails',
      }),
    );
  });
});
