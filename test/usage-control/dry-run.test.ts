import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLines } from '../../src/cli/commands/policy.js';
import { api, type PolicyNode, policyNode, publish, testClock } from './support.js';

const clock = testClock(Date.parse('2026-11-25T09:00:00Z'));
const member = 'did:web:部品商社.example';

describe('the dry run: POST /management/v1/policies/check', () => {
  let node: PolicyNode;
  beforeAll(async () => {
    node = await policyNode(clock);
    await publish(node, 'dry-a', [
      {
        action: 'use',
        constraint: [
          { leftOperand: 'membership', operator: 'eq', rightOperand: '自動車部品工業会' },
          { leftOperand: 'purpose', operator: 'eq', rightOperand: '品質保証' },
          { leftOperand: 'elapsedTime', operator: 'lteq', rightOperand: 'P30D' },
        ],
      },
    ]);
  });
  afterAll(() => node?.stop());

  type Scoped = { permitted: boolean; reasonCode: string; trace: Record<string, unknown>[] };
  type Answer = { offers: { offerId: string; catalog: Scoped; negotiation: Scoped; transfer: Scoped }[] };

  it('answers per scope with the trace: visible, obtainable and usable with the claims assumed', async () => {
    const r = await api<Answer>(node, 'POST', '/policies/check', {
      assetId: 'dry-a',
      as: member,
      claims: { membership: '自動車部品工業会' },
    });
    expect(r.status, r.text).toBe(200);
    const [o] = r.body.offers;
    expect(o?.offerId).toBe('offer-dry-a');
    expect([o?.catalog.permitted, o?.negotiation.permitted, o?.transfer.permitted]).toEqual([
      true,
      true,
      true,
    ]);
    // the purpose the offer pins is the one declared; the elapsed time counts from a signature now
    expect(o?.transfer.trace).toContainEqual(
      expect.objectContaining({ leftOperand: 'elapsedTime', actual: 'PT0S', outcome: 'holds' }),
    );
  });

  it('explains a denial: the missing claim, another purpose', async () => {
    const r = await api<Answer>(node, 'POST', '/policies/check', {
      assetId: 'dry-a',
      as: member,
      purpose: '設計',
      claims: {},
    });
    const [o] = r.body.offers;
    expect(o?.catalog.permitted).toBe(true);
    expect(o?.negotiation).toMatchObject({ permitted: false, reasonCode: 'policy.not-permitted' });
    expect(o?.negotiation.trace).toContainEqual(
      expect.objectContaining({ leftOperand: 'membership', outcome: 'no-value' }),
    );
    expect(o?.negotiation.trace).toContainEqual(
      expect.objectContaining({ leftOperand: 'purpose', actual: '設計', outcome: 'fails' }),
    );
    const lines = checkLines({
      assetId: 'dry-a',
      as: member,
      purpose: '設計',
      offers: r.body.offers as never,
    });
    expect(lines).toContain('  no   can obtain it by negotiation — policy.not-permitted');
    expect(lines.some((l) => l.includes('purpose eq "品質保証" (actual "設計") → fails'))).toBe(true);
  });

  it('refuses an unknown asset (404) and a body without the participant (400), never a 500', async () => {
    const unknown = await api(node, 'POST', '/policies/check', { assetId: '無い資産', as: member });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('asset.not-found');
    const bad = await api(node, 'POST', '/policies/check', { assetId: 'dry-a' });
    expect(bad.status).toBe(400);
  });
});
