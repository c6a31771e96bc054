import {
  type CompiledPolicy,
  compilePolicy,
  defaultRegistry,
  evaluate,
  type PolicyContext,
  type PolicyRules,
  vocabularyFromNarrower,
} from '../dataspace/policy/index.js';
import type { Figure } from './measure.js';

/**
 * Policy evaluation on one core: a realistic 20-constraint contract policy (claims, sets, dates, durations,
 * usage counts, and/or/xone, a prohibition and a duty), trace included, against a 1-constraint policy in the
 * same run. The floor is 50,000 evaluations/s for the 20-constraint one.
 */

const c = (leftOperand: string, operator: string, rightOperand: unknown) => ({
  leftOperand,
  operator,
  rightOperand,
});

/** 20 atomic constraints: 17 in the permission, 2 in the prohibition, 1 on the duty. */
export const realisticPolicy: PolicyRules = {
  permission: [
    {
      action: 'use',
      constraint: [
        c('dateTime', 'gteq', '2026-04-01T00:00:00+09:00'),
        c('dateTime', 'lt', '2027-04-01'),
        c('elapsedTime', 'lteq', 'P180D'),
        c('count', 'lteq', 10_000),
        c('dataVolume', 'lteq', '50 GiB'),
        c('purpose', 'isAnyOf', ['品質保証', 'cx.pcf.base:1', 'トレーサビリティ']),
        {
          or: [
            c('participantId', 'isAnyOf', [
              'did:web:maker.example',
              'did:web:tier1.example',
              'did:web:tier2.example',
            ]),
            { and: [c('membership', 'eq', '自動車部会'), c('frameworkAgreement', 'eq', 'pcf:1.0')] },
          ],
        },
        { xone: [c('role', 'isA', 'auditor'), c('role', 'isA', 'buyer')] },
        c('country', 'isPartOf', 'APAC'),
        c('industry', 'isA', 'jsic:E'),
        c('membership', 'isNoneOf', ['制裁対象', '取引停止']),
        c('role', 'neq', 'competitor'),
        c('role', 'isAllOf', ['qualityAuditor']),
        c('frameworkAgreement', 'hasPart', 'pcf'),
      ],
      duty: [{ action: 'inform', constraint: [c('count', 'gt', 9_000)] }],
    },
  ],
  prohibition: [
    {
      action: 'use',
      constraint: [
        { or: [c('country', 'isAnyOf', ['KP', 'IR']), c('participantId', 'eq', 'did:web:revoked.example')] },
      ],
    },
  ],
};

const trivialPolicy: PolicyRules = {
  permission: [{ action: 'use', constraint: [c('participantId', 'eq', 'did:web:tier1.example')] }],
};

export const benchRegistry = defaultRegistry({
  prefixes: { jsic: 'urn:jsic:' },
  vocabularies: [
    vocabularyFromNarrower('roles', { staff: ['auditor', 'buyer'], auditor: ['qualityAuditor'] }),
    vocabularyFromNarrower('regions', { APAC: ['ASEAN', 'JP'], ASEAN: ['TH', 'VN'] }),
    vocabularyFromNarrower('jsic', { 'jsic:E': ['jsic:E29'], 'jsic:E29': ['jsic:E2911'] }),
  ],
});

export const benchContext: PolicyContext = {
  scope: 'access',
  now: new Date('2026-11-25T03:00:00Z'),
  participantId: 'did:web:tier1.example',
  claims: {
    membership: 'ｶﾌﾞｼｷｶﾞｲｼｬ自動車部会',
    frameworkAgreement: 'pcf:1.0',
    role: ['qualityAuditor', 'engineer'],
    country: 'JP',
    industry: 'jsic:E2911',
  },
  purpose: '品質保証',
  agreement: { id: 'agr-1', signedAt: '2026-10-01T00:00:00Z' },
  usage: { count: 42, bytes: 3 * 2 ** 30 },
};

/** Evaluations per second of a synchronous evaluation, after a warm-up, timed in batches. */
function evaluationsPerSecond(policy: CompiledPolicy, ctx: PolicyContext, ms = 1500): number {
  let sink = 0;
  for (let i = 0; i < 5_000; i++) sink += evaluate(policy, ctx).trace.length;
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 1_000; i++) sink += evaluate(policy, ctx).trace.length;
    n += 1_000;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink === 0) throw new Error('no trace'); // keeps the work observable
  return n / seconds;
}

export async function policyFigures(): Promise<Figure[]> {
  const realistic = compilePolicy(realisticPolicy, benchRegistry);
  const trivial = compilePolicy(trivialPolicy, benchRegistry);
  const decision = evaluate(realistic, benchContext);
  const atoms = decision.trace.filter((e) => e.node === 'constraint').length;
  if (!decision.permitted || atoms !== 20 || realistic.problems.length > 0)
    throw new Error(
      `bench policy should permit with 20 constraints evaluated: ${decision.reasonCode}, ${atoms}`,
    );
  const one = evaluationsPerSecond(trivial, benchContext);
  const twenty = evaluationsPerSecond(realistic, benchContext);
  let compiles = 0;
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() - start < 500_000_000n) {
    compilePolicy(realisticPolicy, benchRegistry);
    compiles++;
  }
  const compileSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  return [
    { name: 'policy: 1-constraint evaluations/s', value: one, unit: 'evaluations/s', note: 'trace included' },
    {
      name: 'policy: 20-constraint evaluations/s',
      value: twenty,
      unit: 'evaluations/s',
      baseline: { name: 'policy: 1-constraint evaluations/s', value: one },
      note: `floor 50,000/s; ${decision.trace.length} trace entries per decision`,
    },
    {
      name: 'policy: 20-constraint compilations/s',
      value: compiles / compileSeconds,
      unit: 'compilations/s',
    },
  ];
}
