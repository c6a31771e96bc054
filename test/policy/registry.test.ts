import { describe, expect, it } from 'vitest';
import {
  claimOperand,
  compilePolicy,
  defaultRegistry,
  evaluate,
  evaluatePolicy,
  forCounterparty,
  type Operand,
  type PolicyContext,
  parsePolicy,
  reasons,
} from '../../src/dataspace/policy/index.js';
import { atom, context, single } from './support.js';

describe('operand names', () => {
  it.each([
    'dateTime',
    'odrl:dateTime',
    'http://www.w3.org/ns/odrl/2/dateTime',
    'dspace:dateTime',
    'https://w3id.org/dspace/2025/1/dateTime',
  ])('reads %s as the dateTime operand', (name) => {
    const { entry } = single(atom(name, 'lteq', '2026-12-31'));
    expect(entry).toMatchObject({ leftOperand: name, outcome: 'holds', actual: '2026-11-25T03:00:00.000Z' });
  });

  it('reads cx-policy terms by alias and by local name, and custom prefixes from the options', () => {
    expect(
      single(atom('cx-policy:Membership', 'eq', 'pcf'), { claims: { membership: 'pcf' } }).entry?.outcome,
    ).toBe('holds');
    expect(
      single(atom('cx-policy:UsagePurpose', 'eq', 'cx.pcf.base:1'), { purpose: 'cx.pcf.base:1' }).entry
        ?.outcome,
    ).toBe('holds');
    const acme = defaultRegistry({ prefixes: { acme: 'https://acme.example/policy#' } });
    expect(
      single(atom('acme:count', 'lteq', 3), { usage: { count: 3, bytes: 0 } }, acme).entry?.outcome,
    ).toBe('holds');
    expect(
      single(atom('https://acme.example/policy#role', 'eq', 'x'), { claims: { role: 'x' } }, acme).entry
        ?.outcome,
    ).toBe('holds');
  });

  it('reads any claim as claim:<name>, and an unknown operand denies with its name', () => {
    expect(
      single(atom('claim:certification', 'eq', 'ISO 9001'), { claims: { certification: 'ISO 9001' } }).entry,
    ).toMatchObject({
      outcome: 'holds',
      actual: 'ISO 9001',
    });
    const { decision, entry } = single(atom('weather', 'eq', 'sunny'));
    expect(entry).toMatchObject({ outcome: 'unsupported', reason: 'unknown left operand weather' });
    expect(decision.reasonCode).toBe('policy.unsupported');
    // a claim named like a prototype member is absent, not Object's
    expect(single(atom('claim:constructor', 'eq', 'x')).entry).toMatchObject({
      outcome: 'no-value',
      reason: 'counterparty has no constructor',
    });
    // a foreign namespace's term is not taken for a local one
    expect(
      single(atom('https://other.example/count', 'lteq', 3), { usage: { count: 1, bytes: 0 } }).entry
        ?.outcome,
    ).toBe('unsupported');
  });
});

describe('registry.with', () => {
  const tier: Operand = {
    name: 'supplierTier',
    aliases: ['acme:tier'],
    type: 'number',
    scopes: ['negotiation', 'transfer', 'access'],
    kind: 'custom',
    value: (ctx) => ctx.claims.tier,
    description: 'the supplier tier in the BOM',
  };

  it('adds a user operand without touching the engine, with its scopes', () => {
    const registry = defaultRegistry({ prefixes: { acme: 'https://acme.example/' } }).with(tier);
    const rules = { permission: [{ action: 'use', constraint: [atom('supplierTier', 'lteq', 2)] }] };
    expect(evaluatePolicy(rules, context({ claims: { tier: 1 } }), registry).permitted).toBe(true);
    expect(evaluatePolicy(rules, context({ claims: { tier: 3 } }), registry).permitted).toBe(false);
    expect(
      evaluatePolicy(rules, context({ scope: 'catalog', claims: { tier: 3 } }), registry).trace[1]?.outcome,
    ).toBe('deferred');
    expect(single(atom('acme:tier', 'eq', 1), { claims: { tier: 1 } }, registry).entry?.outcome).toBe(
      'holds',
    );
    expect(() => parsePolicy(rules, registry)).not.toThrow();
    expect(() => parsePolicy(rules, defaultRegistry())).toThrow(
      'permission[0].constraint[0].leftOperand: unknown left operand supplierTier',
    );
  });

  it('denies, never throws, when a user operand throws or the context lacks claims', () => {
    const broken: Operand = {
      ...tier,
      name: 'broken',
      aliases: [],
      value: () => {
        throw new Error('ledger offline');
      },
    };
    const registry = defaultRegistry().with(broken);
    const { decision, entry } = single(atom('broken', 'eq', 1), {}, registry);
    expect(decision).toMatchObject({ permitted: false, reasonCode: 'policy.not-permitted' });
    expect(entry).toMatchObject({ outcome: 'no-value', reason: 'broken failed: ledger offline' });
    const noClaims = { ...context(), claims: undefined } as unknown as PolicyContext;
    expect(
      evaluatePolicy(
        { permission: [{ action: 'use', constraint: [atom('membership', 'eq', 'x')] }] },
        noClaims,
        registry,
      ).permitted,
    ).toBe(false);
  });

  it('tells the counterparty the code and message only', () => {
    const d = single(atom('participantId', 'eq', 'did:web:only-this-customer')).decision;
    expect(forCounterparty(d)).toEqual({
      code: 'policy.not-permitted',
      message: reasons['policy.not-permitted'],
    });
  });

  it('replaces a built-in operand of the same name', () => {
    const strictMembership = claimOperand('membership', { type: 'term' });
    const registry = defaultRegistry().with(strictMembership);
    expect(registry.operands.filter((o) => o.name === 'membership')).toEqual([strictMembership]);
    expect(
      single(atom('membership', 'eq', 'ＡＢＣ'), { claims: { membership: 'ABC' } }, registry).entry?.outcome,
    ).toBe('fails');
  });
});

describe('scopes', () => {
  const rules = {
    permission: [
      {
        action: 'use',
        constraint: [
          atom('purpose', 'eq', '品質保証'),
          atom('count', 'lteq', 10),
          atom('dataVolume', 'lteq', '1 GB'),
          atom('elapsedTime', 'lteq', 'P30D'),
          atom('dateTime', 'lteq', '2026-12-31'),
        ],
      },
    ],
  };
  const outcomes = (scope: 'catalog' | 'negotiation' | 'transfer' | 'access' | 'monitor', over = {}) =>
    evaluate(compilePolicy(rules, defaultRegistry()), context({ scope, ...over }))
      .trace.slice(1)
      .map((e) => e.outcome);
  const inUse = {
    purpose: '品質保証',
    usage: { count: 1, bytes: 10 },
    agreement: { id: 'a', signedAt: '2026-11-20T00:00:00Z' },
  };

  it('defers purpose at catalog time and usage-time operands until a transfer exists', () => {
    expect(outcomes('catalog')).toEqual(['deferred', 'deferred', 'deferred', 'deferred', 'holds']);
    expect(outcomes('negotiation', { purpose: '品質保証' })).toEqual([
      'holds',
      'deferred',
      'deferred',
      'deferred',
      'holds',
    ]);
    for (const scope of ['transfer', 'access', 'monitor'] as const)
      expect(outcomes(scope, inUse)).toEqual(['holds', 'holds', 'holds', 'holds', 'holds']);
  });

  it('denies at transfer when the usage data is missing rather than guessing', () => {
    expect(outcomes('transfer', { purpose: '品質保証' })).toEqual([
      'holds',
      'no-value',
      'no-value',
      'no-value',
      'holds',
    ]);
  });
});
