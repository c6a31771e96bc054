import { describe, expect, it } from 'vitest';
import { defaultRegistry, evaluatePolicy, type PolicyRules } from '../../src/dataspace/policy/index.js';
import { atom, context } from './support.js';

const registry = defaultRegistry();
const member = atom('membership', 'eq', '自動車部会');
const chemistry = atom('membership', 'eq', '化学部会');
const japan = atom('country', 'eq', 'JP');
const c = (claims: Record<string, unknown>) => context({ claims });
const use = (...constraint: unknown[]): PolicyRules =>
  ({ permission: [{ action: 'use', constraint }] }) as PolicyRules;
/** The trace without the fixed rule/action columns: path, node, outcome (and the compared value for atoms). */
const outline = (rules: PolicyRules, ctx = c({})) =>
  evaluatePolicy(rules, ctx, registry).trace.map((e) =>
    e.node === 'constraint'
      ? [e.path, e.leftOperand, e.operator, e.rightOperand, e.actual, e.outcome]
      : [e.path, e.node, e.outcome],
  );

describe('logical constraints', () => {
  it('and: all members must hold; every member is traced', () => {
    const rules = use({ and: [member, japan] });
    expect(outline(rules, c({ membership: '自動車部会', country: 'US' }))).toEqual([
      ['permission[0]', 'rule', 'fails'],
      ['permission[0].constraint[0]', 'and', 'fails'],
      ['permission[0].constraint[0].and[0]', 'membership', 'eq', '自動車部会', '自動車部会', 'holds'],
      ['permission[0].constraint[0].and[1]', 'country', 'eq', 'JP', 'US', 'fails'],
    ]);
    expect(evaluatePolicy(rules, c({ membership: '自動車部会', country: 'JP' }), registry).permitted).toBe(
      true,
    );
  });

  it('or: one member suffices', () => {
    const rules = use({ or: [member, chemistry] });
    expect(outline(rules, c({ membership: '化学部会' }))).toEqual([
      ['permission[0]', 'rule', 'holds'],
      ['permission[0].constraint[0]', 'or', 'holds'],
      ['permission[0].constraint[0].or[0]', 'membership', 'eq', '自動車部会', '化学部会', 'fails'],
      ['permission[0].constraint[0].or[1]', 'membership', 'eq', '化学部会', '化学部会', 'holds'],
    ]);
    expect(evaluatePolicy(rules, c({ membership: '電機部会' }), registry).permitted).toBe(false);
  });

  it('xone: exactly one member, two holding fails', () => {
    const rules = use({ xone: [atom('membership', 'hasPart', '部会'), japan] });
    expect(evaluatePolicy(rules, c({ membership: '化学部会', country: 'US' }), registry).permitted).toBe(
      true,
    );
    expect(evaluatePolicy(rules, c({ membership: 'x', country: 'US' }), registry).permitted).toBe(false);
    expect(outline(rules, c({ membership: '化学部会', country: 'JP' }))).toEqual([
      ['permission[0]', 'rule', 'fails'],
      ['permission[0].constraint[0]', 'xone', 'fails'],
      ['permission[0].constraint[0].xone[0]', 'membership', 'hasPart', '部会', '化学部会', 'holds'],
      ['permission[0].constraint[0].xone[1]', 'country', 'eq', 'JP', 'JP', 'holds'],
    ]);
  });

  it('andSequence: stops at the first failure and traces the rest as skipped', () => {
    const rules = use({ andSequence: [japan, member, { or: [chemistry] }] });
    expect(outline(rules, c({ country: 'US', membership: '自動車部会' }))).toEqual([
      ['permission[0]', 'rule', 'fails'],
      ['permission[0].constraint[0]', 'andSequence', 'fails'],
      ['permission[0].constraint[0].andSequence[0]', 'country', 'eq', 'JP', 'US', 'fails'],
      ['permission[0].constraint[0].andSequence[1]', 'membership', 'eq', '自動車部会', undefined, 'skipped'],
      ['permission[0].constraint[0].andSequence[2]', 'or', 'skipped'],
    ]);
    expect(
      evaluatePolicy(
        use({ andSequence: [japan, member] }),
        c({ country: 'JP', membership: '自動車部会' }),
        registry,
      ).permitted,
    ).toBe(true);
  });

  it('nests: or of (and, xone) inside and, with paths through every level', () => {
    const rules = use({
      and: [
        { or: [{ and: [member, japan] }, { xone: [chemistry, atom('country', 'eq', 'DE')] }] },
        atom('count', 'lteq', 3),
      ],
    });
    const ctx = context({ claims: { membership: '化学部会', country: 'JP' }, usage: { count: 2, bytes: 0 } });
    expect(outline(rules, ctx)).toEqual([
      ['permission[0]', 'rule', 'holds'],
      ['permission[0].constraint[0]', 'and', 'holds'],
      ['permission[0].constraint[0].and[0]', 'or', 'holds'],
      ['permission[0].constraint[0].and[0].or[0]', 'and', 'fails'],
      [
        'permission[0].constraint[0].and[0].or[0].and[0]',
        'membership',
        'eq',
        '自動車部会',
        '化学部会',
        'fails',
      ],
      ['permission[0].constraint[0].and[0].or[0].and[1]', 'country', 'eq', 'JP', 'JP', 'holds'],
      ['permission[0].constraint[0].and[0].or[1]', 'xone', 'holds'],
      [
        'permission[0].constraint[0].and[0].or[1].xone[0]',
        'membership',
        'eq',
        '化学部会',
        '化学部会',
        'holds',
      ],
      ['permission[0].constraint[0].and[0].or[1].xone[1]', 'country', 'eq', 'DE', 'JP', 'fails'],
      ['permission[0].constraint[0].and[1]', 'count', 'lteq', 3, 2, 'holds'],
    ]);
  });

  it('uses Kleene logic for deferred members: or(deferred, fails) stays open at catalog time', () => {
    const rules = use({ or: [atom('count', 'lteq', 3), japan] });
    const d = evaluatePolicy(rules, context({ scope: 'catalog', claims: { country: 'US' } }), registry);
    expect(d.permitted).toBe(true);
    expect(d.trace.map((e) => e.outcome)).toEqual(['deferred', 'deferred', 'deferred', 'fails']);
    // and(deferred, fails) is decided now
    expect(
      evaluatePolicy(
        use({ and: [atom('count', 'lteq', 3), japan] }),
        context({ scope: 'catalog', claims: { country: 'US' } }),
        registry,
      ).permitted,
    ).toBe(false);
  });

  it('denies a logical constraint with two operators or no members, and one nested too deep', () => {
    for (const bad of [{ and: [member], or: [member] }, { or: [] }, { xone: 'x' }]) {
      const d = evaluatePolicy(use(bad), c({ membership: '自動車部会' }), registry);
      expect(d).toMatchObject({ permitted: false, reasonCode: 'policy.unsupported' });
    }
    let deep: unknown = member;
    for (let i = 0; i < 40; i++) deep = { and: [deep] };
    const d = evaluatePolicy(use(deep), c({ membership: '自動車部会' }), registry);
    expect(d.permitted).toBe(false);
    expect(d.trace.some((e) => e.reason?.includes('nested deeper than 32'))).toBe(true);
  });
});

describe('rules: permissions, prohibitions, duties, actions', () => {
  it('permits when any permission holds; the failing one is still traced', () => {
    const rules: PolicyRules = {
      permission: [
        { action: 'use', constraint: [japan] },
        { action: 'use', constraint: [member] },
      ],
    };
    const d = evaluatePolicy(rules, c({ country: 'US', membership: '自動車部会' }), registry);
    expect(d).toMatchObject({
      permitted: true,
      reasonCode: 'policy.permitted',
      message: 'The policy permits this action.',
    });
    expect(d.trace.filter((e) => e.node === 'rule').map((e) => [e.path, e.outcome])).toEqual([
      ['permission[0]', 'fails'],
      ['permission[1]', 'holds'],
    ]);
  });

  it('a holding prohibition overrides any permission', () => {
    const rules: PolicyRules = {
      permission: [{ action: 'use' }],
      prohibition: [{ action: 'use', constraint: [japan] }],
    };
    const d = evaluatePolicy(rules, c({ country: 'JP' }), registry);
    expect(d).toMatchObject({ permitted: false, reasonCode: 'policy.prohibited', duties: [] });
    expect(d.trace.at(-2)).toMatchObject({
      path: 'prohibition[0]',
      rule: 'prohibition',
      node: 'rule',
      outcome: 'holds',
    });
    expect(evaluatePolicy(rules, c({ country: 'US' }), registry).permitted).toBe(true);
  });

  it('a prohibition that cannot be evaluated applies (fail safe); a deferred one does not', () => {
    const unknown: PolicyRules = {
      permission: [{ action: 'use' }],
      prohibition: [{ action: 'use', constraint: [atom('weather', 'eq', 'rain')] }],
    };
    expect(evaluatePolicy(unknown, c({}), registry)).toMatchObject({
      permitted: false,
      reasonCode: 'policy.prohibited',
    });
    const missing: PolicyRules = {
      permission: [{ action: 'use' }],
      prohibition: [{ action: 'use', constraint: [japan] }],
    };
    expect(evaluatePolicy(missing, c({}), registry).permitted).toBe(false);
    const later: PolicyRules = {
      permission: [{ action: 'use' }],
      prohibition: [{ action: 'use', constraint: [atom('count', 'gt', 10)] }],
    };
    const d = evaluatePolicy(later, context({ scope: 'catalog' }), registry);
    expect(d.permitted).toBe(true);
    expect(d.trace.find((e) => e.path === 'prohibition[0].constraint[0]')?.outcome).toBe('deferred');
    expect(evaluatePolicy(later, context({ usage: { count: 11, bytes: 0 } }), registry).reasonCode).toBe(
      'policy.prohibited',
    );
  });

  it('returns the granted permission’s duties and the policy’s obligations whose constraints do not fail', () => {
    const notify = { action: 'inform', constraint: [atom('dateTime', 'gt', '2026-01-01')] };
    const later = { action: 'delete', constraint: [atom('dateTime', 'gt', '2030-01-01')] };
    const rules = {
      permission: [
        { action: 'use', duty: [notify, later] },
        { action: 'use', constraint: [japan], duty: [{ action: 'attribute' }] },
      ],
      obligation: [{ action: 'compensate' }],
    } as PolicyRules;
    const d = evaluatePolicy(rules, c({ country: 'US' }), registry);
    expect(d.permitted).toBe(true);
    expect(d.duties).toEqual([notify, { action: 'compensate' }]);
    expect(d.trace.filter((e) => e.node === 'rule').map((e) => [e.path, e.rule, e.outcome])).toEqual([
      ['permission[0]', 'permission', 'holds'],
      ['permission[1]', 'permission', 'fails'],
      ['permission[0].duty[0]', 'duty', 'holds'],
      ['permission[0].duty[1]', 'duty', 'fails'],
      ['obligation[0]', 'obligation', 'holds'],
    ]);
    expect(evaluatePolicy({ ...rules, prohibition: [{ action: 'use' }] }, c({}), registry).duties).toEqual(
      [],
    );
  });

  it('matches actions through the hierarchy: use covers read and transfer, not the other way', () => {
    const read: PolicyRules = { permission: [{ action: 'read' }] };
    const useAll: PolicyRules = { permission: [{ action: 'odrl:use' }] };
    expect(evaluatePolicy(useAll, context({ action: 'read' }), registry).permitted).toBe(true);
    expect(
      evaluatePolicy(useAll, context({ action: 'http://www.w3.org/ns/odrl/2/transfer' }), registry).permitted,
    ).toBe(true);
    expect(evaluatePolicy(useAll, context({ action: 'print' }), registry).permitted).toBe(true); // use > present > print
    const d = evaluatePolicy(read, context({ action: 'use' }), registry);
    expect(d).toMatchObject({ permitted: false, reasonCode: 'policy.not-permitted' });
    expect(d.trace).toEqual([
      {
        path: 'permission[0]',
        rule: 'permission',
        action: 'read',
        node: 'rule',
        outcome: 'not-applicable',
        reason: 'read does not cover use',
      },
    ]);
  });

  it('applies a prohibition to its action and the narrower ones only', () => {
    const rules: PolicyRules = { permission: [{ action: 'use' }], prohibition: [{ action: 'distribute' }] };
    expect(evaluatePolicy(rules, context({ action: 'distribute' }), registry).reasonCode).toBe(
      'policy.prohibited',
    );
    expect(evaluatePolicy(rules, context({ action: 'read' }), registry).permitted).toBe(true);
    expect(evaluatePolicy(rules, context(), registry).permitted).toBe(true);
  });

  it('takes a configured action hierarchy', () => {
    const custom = defaultRegistry({ actions: { id: 'mine', broader: { query: ['analyse'] } } });
    expect(
      evaluatePolicy({ permission: [{ action: 'analyse' }] }, context({ action: 'query' }), custom).permitted,
    ).toBe(true);
    expect(
      evaluatePolicy({ permission: [{ action: 'use' }] }, context({ action: 'read' }), custom).permitted,
    ).toBe(false);
  });
});

describe('reason codes', () => {
  const at = (now: string, over = {}) => context({ now: new Date(now), ...over });
  it('expired, not yet valid, usage exceeded, unsupported, not permitted', () => {
    const window = use(atom('dateTime', 'gteq', '2026-01-01'), atom('dateTime', 'lt', '2027-01-01'));
    expect(evaluatePolicy(window, at('2027-01-01T00:00:00Z'), registry)).toMatchObject({
      reasonCode: 'policy.expired',
      message: 'The permission has expired.',
    });
    expect(evaluatePolicy(window, at('2025-12-31T23:59:59Z'), registry).reasonCode).toBe(
      'policy.not-yet-valid',
    );
    const signed = { agreement: { id: 'a', signedAt: '2026-11-01T00:00:00Z' } };
    expect(
      evaluatePolicy(use(atom('elapsedTime', 'lteq', 'P7D')), at('2026-11-09T00:00:00Z', signed), registry)
        .reasonCode,
    ).toBe('policy.expired');
    const quota = use(atom('count', 'lteq', 10), atom('dataVolume', 'lteq', '1 GB'));
    expect(
      evaluatePolicy(quota, at('2026-11-25T00:00:00Z', { usage: { count: 11, bytes: 10 } }), registry)
        .reasonCode,
    ).toBe('policy.usage-exceeded');
    expect(
      evaluatePolicy(quota, at('2026-11-25T00:00:00Z', { usage: { count: 1, bytes: 2e9 } }), registry)
        .reasonCode,
    ).toBe('policy.usage-exceeded');
    expect(evaluatePolicy(use(atom('weather', 'eq', 'sun')), context(), registry).reasonCode).toBe(
      'policy.unsupported',
    );
    // an expiry together with a wrong membership says only "not permitted"
    const both = use(member, atom('dateTime', 'lt', '2020-01-01'));
    expect(evaluatePolicy(both, c({ membership: 'x' }), registry).reasonCode).toBe('policy.not-permitted');
    expect(evaluatePolicy({}, context(), registry)).toMatchObject({
      permitted: false,
      reasonCode: 'policy.not-permitted',
    });
  });

  it('ignores failures inside an or that held when choosing the code', () => {
    const rules = use({ or: [atom('dateTime', 'lt', '2020-01-01'), japan] }, atom('count', 'lteq', 1));
    expect(
      evaluatePolicy(rules, context({ claims: { country: 'JP' }, usage: { count: 2, bytes: 0 } }), registry)
        .reasonCode,
    ).toBe('policy.usage-exceeded');
  });

  it('never shows the rules in the code or message', () => {
    const d = evaluatePolicy(
      use(atom('participantId', 'eq', 'did:web:secret-customer')),
      context(),
      registry,
    );
    expect(`${d.reasonCode} ${d.message}`).not.toContain('secret-customer');
  });
});

describe('evaluatePolicy', () => {
  it('compiles by content: an equal policy read afresh decides alike, a changed one decides anew', () => {
    const rules = { permission: [{ action: 'use', constraint: [atom('country', 'eq', 'JP')] }] };
    expect(evaluatePolicy(rules, c({ country: 'JP' }), registry).permitted).toBe(true);
    expect(evaluatePolicy(structuredClone(rules), c({ country: 'JP' }), registry).permitted).toBe(true);
    (rules.permission[0]?.constraint[0] as { rightOperand: string }).rightOperand = 'US';
    expect(evaluatePolicy(rules, c({ country: 'JP' }), registry).permitted).toBe(false);
  });
});

describe('never throws', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'use'],
    ['permission not a list', { permission: { action: 'use' } }],
    ['a rule that is a number', { permission: [3] }],
    ['an action object', { permission: [{ action: { refinement: [] } }] }],
    ['constraint not a list', { permission: [{ action: 'use', constraint: member }] }],
    ['a constraint that is a string', { permission: [{ action: 'use', constraint: ['x'] }] }],
    [
      'no rightOperand',
      { permission: [{ action: 'use', constraint: [{ leftOperand: 'count', operator: 'eq' }] }] },
    ],
    [
      'a leftOperand object',
      {
        permission: [
          { action: 'use', constraint: [{ leftOperand: { x: 1 }, operator: 'eq', rightOperand: 1 }] },
        ],
      },
    ],
    ['prohibition not a list', { permission: [{ action: 'use' }], prohibition: 'all' }],
  ])('denies %s', (_, rules) => {
    const d = evaluatePolicy(rules as PolicyRules, context(), registry);
    expect(d.permitted).toBe(false);
  });
});
