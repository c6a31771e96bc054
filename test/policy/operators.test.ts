import { describe, expect, it } from 'vitest';
import {
  defaultRegistry,
  type PolicyContext,
  vocabularyFromNarrower,
} from '../../src/dataspace/policy/index.js';
import { atom, single } from './support.js';

type Row = [
  title: string,
  constraint: ReturnType<typeof atom>,
  over: Partial<PolicyContext>,
  outcome: 'holds' | 'fails' | 'unsupported' | 'no-value' | 'deferred',
  actualOrReason?: unknown,
];

/** Checks the whole trace entry of the constraint: rule, action, operand, operator, right operand, value, outcome. */
function check([, c, over, outcome, extra]: Row, registry = defaultRegistry()) {
  const { decision, entry } = single(c, over, registry);
  const expected: Record<string, unknown> = {
    path: 'permission[0].constraint[0]',
    rule: 'permission',
    action: 'use',
    node: 'constraint',
    leftOperand: c.leftOperand,
    operator: c.operator,
    rightOperand: c.rightOperand,
    outcome,
  };
  if (outcome === 'holds' || outcome === 'fails') expected.actual = extra;
  else expected.reason = expect.stringContaining(String(extra));
  expect(entry).toEqual(expected);
  expect(decision.permitted).toBe(outcome === 'holds' || outcome === 'deferred');
}

const usage = { usage: { count: 5, bytes: 2048 } };

describe('numbers (count)', () => {
  it.each<Row>([
    ['eq', atom('count', 'eq', 5), usage, 'holds', 5],
    ['eq with a numeric string', atom('count', 'eq', '5'), usage, 'holds', 5],
    [
      'eq as a JSON-LD value object',
      atom('count', 'eq', { '@value': '5', '@type': 'xsd:integer' }),
      usage,
      'holds',
      5,
    ],
    ['neq', atom('count', 'neq', 5), usage, 'fails', 5],
    ['lt at the bound', atom('count', 'lt', 5), usage, 'fails', 5],
    ['lteq at the bound', atom('count', 'lteq', 5), usage, 'holds', 5],
    ['gt', atom('count', 'gt', 4), usage, 'holds', 5],
    ['gteq above', atom('count', 'gteq', 6), usage, 'fails', 5],
    ['isAnyOf', atom('count', 'isAnyOf', [1, 5]), usage, 'holds', 5],
    ['isNoneOf', atom('count', 'isNoneOf', [1, 5]), usage, 'fails', 5],
    ['isAllOf of one', atom('count', 'isAllOf', [5]), usage, 'holds', 5],
    ['isAllOf of two', atom('count', 'isAllOf', [5, 6]), usage, 'fails', 5],
    [
      'isA is not defined',
      atom('count', 'isA', 5),
      usage,
      'unsupported',
      'operator isA is not defined for number values',
    ],
    ['hasPart is not defined', atom('count', 'hasPart', 5), usage, 'unsupported', 'hasPart is not defined'],
    ['a word is not a number', atom('count', 'lt', 'five'), usage, 'unsupported', '"five" is not a number'],
    ['a list for a scalar operator', atom('count', 'eq', [1, 2]), usage, 'unsupported', 'takes one value'],
    [
      'a contradicting @type',
      atom('count', 'eq', { '@value': '5', '@type': 'xsd:dateTime' }),
      usage,
      'unsupported',
      'typed xsd:dateTime',
    ],
    ['no usage given', atom('count', 'lteq', 10), {}, 'no-value', 'counterparty has no count'],
  ])('%s', (...row) => check(row));
});

describe('bytes (dataVolume)', () => {
  it.each<Row>([
    ['lteq with a binary unit', atom('dataVolume', 'lteq', '2 KiB'), usage, 'holds', 2048],
    ['lt with a decimal unit', atom('dataVolume', 'lt', '2KB'), usage, 'fails', 2048],
    ['gt a plain number', atom('dataVolume', 'gt', 2047), usage, 'holds', 2048],
    ['an unknown unit', atom('dataVolume', 'lteq', '1 PB'), usage, 'unsupported', 'unknown unit'],
  ])('%s', (...row) => check(row));
});

const at = '2026-11-25T03:00:00.000Z';
describe('date-times (dateTime, now 2026-11-25T03:00Z)', () => {
  it.each<Row>([
    ['lteq the same instant', atom('dateTime', 'lteq', '2026-11-25T03:00:00Z'), {}, 'holds', at],
    ['lt the same instant', atom('dateTime', 'lt', '2026-11-25T03:00:00Z'), {}, 'fails', at],
    ['gt a second before', atom('dateTime', 'gt', '2026-11-25T02:59:59Z'), {}, 'holds', at],
    [
      'gteq the same instant in +09:00',
      atom('dateTime', 'gteq', '2026-11-25T12:00:00+09:00'),
      {},
      'holds',
      at,
    ],
    ['gt the same instant in +09:00', atom('dateTime', 'gt', '2026-11-25T12:00:00+09:00'), {}, 'fails', at],
    ['eq a date covers the whole day', atom('dateTime', 'eq', '2026-11-25'), {}, 'holds', at],
    ['neq another day', atom('dateTime', 'neq', '2026-11-24'), {}, 'holds', at],
    ['lteq a date holds during that day', atom('dateTime', 'lteq', '2026-11-25'), {}, 'holds', at],
    ['lt a date ends before the day', atom('dateTime', 'lt', '2026-11-25'), {}, 'fails', at],
    ['lteq yesterday (expired)', atom('dateTime', 'lteq', '2026-11-24'), {}, 'fails', at],
    ['the DSP example form without seconds', atom('dateTime', 'lteq', '2023-12-31T06:00Z'), {}, 'fails', at],
    ['no zone reads as UTC by default', atom('dateTime', 'lteq', '2026-11-25T11:00:00'), {}, 'holds', at],
    [
      'a typed JSON-LD value',
      atom('dateTime', 'lteq', {
        '@value': '2026-12-31T00:00:00Z',
        '@type': 'http://www.w3.org/2001/XMLSchema#dateTime',
      }),
      {},
      'holds',
      at,
    ],
    [
      'a value typed xsd:string',
      atom('dateTime', 'lteq', {
        '@value': '2026-12-31T00:00:00Z',
        '@type': 'http://www.w3.org/2001/XMLSchema#string',
      }),
      {},
      'unsupported',
      'a dateTime is expected',
    ],
    ['30 February', atom('dateTime', 'lteq', '2026-02-30'), {}, 'unsupported', 'not a valid date'],
    ['a word', atom('dateTime', 'lteq', 'tomorrow'), {}, 'unsupported', 'not an xsd:dateTime'],
    [
      'isAnyOf is not defined',
      atom('dateTime', 'isAnyOf', ['2026-11-25']),
      {},
      'unsupported',
      'not defined for dateTime',
    ],
  ])('%s', (...row) => check(row));

  it('reads a date-time without zone in the registry default zone (+09:00: 11:00 is 02:00Z, past)', () => {
    const tokyo = defaultRegistry({ defaultZone: '+09:00' });
    check(['', atom('dateTime', 'lteq', '2026-11-25T11:00:00'), {}, 'fails', at], tokyo);
    check(['', atom('dateTime', 'lteq', '2026-11-25T12:00:00'), {}, 'holds', at], tokyo);
  });
});

const signed = { agreement: { id: 'agr-1', signedAt: '2026-11-01T03:00:00Z' } };
const elapsed = 'PT2073600S'; // 24 days
describe('durations (elapsedTime since the agreement, 24 days)', () => {
  it.each<Row>([
    ['lteq P30D', atom('elapsedTime', 'lteq', 'P30D'), signed, 'holds', elapsed],
    ['lt P24D at the bound', atom('elapsedTime', 'lt', 'P24D'), signed, 'fails', elapsed],
    ['lteq P24D at the bound', atom('elapsedTime', 'lteq', 'P24D'), signed, 'holds', elapsed],
    ['eq P24D', atom('elapsedTime', 'eq', 'P24D'), signed, 'holds', elapsed],
    ['neq P24D', atom('elapsedTime', 'neq', 'P24D'), signed, 'fails', elapsed],
    ['lt PT576H is the same bound', atom('elapsedTime', 'lt', 'PT576H'), signed, 'fails', elapsed],
    ['gt P3W', atom('elapsedTime', 'gt', 'P3W'), signed, 'holds', elapsed],
    ['gteq P1M (November has 30 days)', atom('elapsedTime', 'gteq', 'P1M'), signed, 'fails', elapsed],
    ['lt P1Y2M', atom('elapsedTime', 'lt', 'P1Y2M'), signed, 'holds', elapsed],
    [
      'typed xsd:duration',
      atom('elapsedTime', 'lteq', { '@value': 'P30D', '@type': 'xsd:duration' }),
      signed,
      'holds',
      elapsed,
    ],
    ['not a duration', atom('elapsedTime', 'lteq', '30 days'), signed, 'unsupported', 'not an xsd:duration'],
    ['P alone', atom('elapsedTime', 'lteq', 'P'), signed, 'unsupported', 'not an xsd:duration'],
    [
      'isAllOf is not defined',
      atom('elapsedTime', 'isAllOf', ['P1D']),
      signed,
      'unsupported',
      'not defined for duration',
    ],
    [
      'no agreement yet',
      atom('elapsedTime', 'lteq', 'P30D'),
      {},
      'no-value',
      'counterparty has no elapsedTime',
    ],
    [
      'deferred at negotiation',
      atom('elapsedTime', 'lteq', 'P1D'),
      { scope: 'negotiation' },
      'deferred',
      'decided at transfer',
    ],
  ])('%s', (...row) => check(row));

  it('adds months on the calendar: P1M after 31 January ends on 3 March', () => {
    const jan31 = { agreement: { id: 'a', signedAt: '2026-01-31T00:00:00Z' } };
    const c = atom('elapsedTime', 'lteq', 'P1M');
    expect(single(c, { ...jan31, now: new Date('2026-03-03T00:00:00Z') }).entry?.outcome).toBe('holds');
    expect(single(c, { ...jan31, now: new Date('2026-03-03T00:00:00.001Z') }).entry?.outcome).toBe('fails');
  });
});

const claims = (c: Record<string, unknown>) => ({ claims: c });
describe('strings (membership): NFKC-equal, substring hasPart / isPartOf', () => {
  it.each<Row>([
    [
      '全角 equals 半角 (NFKC)',
      atom('membership', 'eq', 'ＡＢＣ株式会社'),
      claims({ membership: 'ABC株式会社' }),
      'holds',
      'ABC株式会社',
    ],
    [
      '半角カナ equals 全角カナ',
      atom('membership', 'eq', 'カブシキガイシャ ムスビ'),
      claims({ membership: 'ｶﾌﾞｼｷｶﾞｲｼｬ ﾑｽﾋﾞ' }),
      'holds',
      'カブシキガイシャ ムスビ',
    ],
    [
      'neq',
      atom('membership', 'neq', '自動車部会'),
      claims({ membership: '自動車部会' }),
      'fails',
      '自動車部会',
    ],
    [
      'hasPart is a substring',
      atom('membership', 'hasPart', '自動車'),
      claims({ membership: '自動車部会' }),
      'holds',
      '自動車部会',
    ],
    [
      'isPartOf is the other way',
      atom('membership', 'isPartOf', '日本自動車部会連合'),
      claims({ membership: '自動車部会' }),
      'holds',
      '自動車部会',
    ],
    [
      'isAnyOf',
      atom('membership', 'isAnyOf', ['電機部会', '自動車部会']),
      claims({ membership: '自動車部会' }),
      'holds',
      '自動車部会',
    ],
    [
      'isNoneOf',
      atom('membership', 'isNoneOf', ['電機部会', '自動車部会']),
      claims({ membership: '自動車部会' }),
      'fails',
      '自動車部会',
    ],
    [
      'isAllOf against a list claim',
      atom('membership', 'isAllOf', ['自動車部会', '化学部会']),
      claims({ membership: ['電機部会', '化学部会', '自動車部会'] }),
      'holds',
      ['電機部会', '化学部会', '自動車部会'],
    ],
    [
      'isAllOf against one value',
      atom('membership', 'isAllOf', ['自動車部会', '化学部会']),
      claims({ membership: '自動車部会' }),
      'fails',
      '自動車部会',
    ],
    [
      'eq against a list claim (one of them)',
      atom('membership', 'eq', '化学部会'),
      claims({ membership: ['電機部会', '化学部会'] }),
      'holds',
      ['電機部会', '化学部会'],
    ],
    [
      'neq against a list claim (none of them)',
      atom('membership', 'neq', '化学部会'),
      claims({ membership: ['電機部会', '化学部会'] }),
      'fails',
      ['電機部会', '化学部会'],
    ],
    [
      'lt is not defined',
      atom('membership', 'lt', 'x'),
      claims({ membership: 'x' }),
      'unsupported',
      'lt is not defined for string',
    ],
    [
      'isA is not defined',
      atom('membership', 'isA', 'x'),
      claims({ membership: 'x' }),
      'unsupported',
      'isA is not defined for string',
    ],
    [
      'a missing claim',
      atom('membership', 'eq', '自動車部会'),
      {},
      'no-value',
      'counterparty has no membership',
    ],
    [
      'a claim of another type',
      atom('membership', 'eq', '3'),
      claims({ membership: 3 }),
      'no-value',
      'is not a string',
    ],
  ])('%s', (...row) => check(row));
});

const registry = defaultRegistry({
  prefixes: { jsic: 'urn:jsic:' },
  vocabularies: [
    vocabularyFromNarrower('roles', { staff: ['auditor', 'buyer'], auditor: ['qualityAuditor'] }),
    vocabularyFromNarrower('regions', { APAC: ['ASEAN', 'JP'], ASEAN: ['TH', 'VN'] }),
    vocabularyFromNarrower('jsic', { 'jsic:E': ['jsic:E28', 'jsic:E29'], 'jsic:E29': ['jsic:E2911'] }),
  ],
});
describe('terms (ids, roles, codes): exact, hierarchies from vocabularies', () => {
  it.each<Row>([
    [
      'participantId eq',
      atom('participantId', 'eq', 'did:web:beta.example'),
      {},
      'holds',
      'did:web:beta.example',
    ],
    [
      'ids are not NFKC-folded',
      atom('participantId', 'eq', 'did:web:ｂｅｔａ.example'),
      {},
      'fails',
      'did:web:beta.example',
    ],
    [
      'an {"@id"} right operand',
      atom('participantId', 'eq', { '@id': 'did:web:beta.example' }),
      {},
      'holds',
      'did:web:beta.example',
    ],
    [
      'isNoneOf',
      atom('participantId', 'isNoneOf', ['did:web:a', 'did:web:b']),
      {},
      'holds',
      'did:web:beta.example',
    ],
    [
      'isA through two levels',
      atom('role', 'isA', 'staff'),
      claims({ role: 'qualityAuditor' }),
      'holds',
      'qualityAuditor',
    ],
    ['isA itself', atom('role', 'isA', 'auditor'), claims({ role: 'auditor' }), 'holds', 'auditor'],
    [
      'isA a sibling',
      atom('role', 'isA', 'buyer'),
      claims({ role: 'qualityAuditor' }),
      'fails',
      'qualityAuditor',
    ],
    [
      'isA not upwards',
      atom('role', 'isA', 'qualityAuditor'),
      claims({ role: 'auditor' }),
      'fails',
      'auditor',
    ],
    [
      'isAllOf a list claim',
      atom('role', 'isAllOf', ['buyer', 'auditor']),
      claims({ role: ['auditor', 'buyer', 'x'] }),
      'holds',
      ['auditor', 'buyer', 'x'],
    ],
    ['isPartOf a region', atom('country', 'isPartOf', 'APAC'), claims({ country: 'TH' }), 'holds', 'TH'],
    [
      'isPartOf another region',
      atom('country', 'isPartOf', 'ASEAN'),
      claims({ country: 'JP' }),
      'fails',
      'JP',
    ],
    ['hasPart a region', atom('country', 'hasPart', 'VN'), claims({ country: 'APAC' }), 'holds', 'APAC'],
    [
      'isA an industry section, prefixes expanded',
      atom('industry', 'isA', 'jsic:E'),
      claims({ industry: 'urn:jsic:E2911' }),
      'holds',
      'urn:jsic:E2911',
    ],
    [
      'isA another section',
      atom('industry', 'isA', 'jsic:E28'),
      claims({ industry: 'jsic:E2911' }),
      'fails',
      'urn:jsic:E2911',
    ],
    [
      'gt is not defined',
      atom('role', 'gt', 'buyer'),
      claims({ role: 'buyer' }),
      'unsupported',
      'gt is not defined for term',
    ],
  ])('%s', (...row) => check(row, registry));
});

describe('operator names', () => {
  it('accepts compact and full IRIs and {"@id"} for operators; reads term-lteq as lteq', () => {
    for (const operator of ['odrl:lteq', 'http://www.w3.org/ns/odrl/2/lteq', 'term-lteq'])
      expect(single(atom('count', operator, 5), usage).entry).toMatchObject({
        operator,
        outcome: 'holds',
        actual: 5,
      });
    const { entry } = single(
      { leftOperand: 'count', operator: { '@id': 'odrl:gt' }, rightOperand: 5 } as never,
      usage,
    );
    expect(entry).toMatchObject({ operator: 'odrl:gt', outcome: 'fails', actual: 5 });
  });

  it('denies an unknown operator with the reason, never throws', () => {
    const { decision, entry } = single(atom('count', 'approximately', 5), usage);
    expect(entry).toMatchObject({ outcome: 'unsupported', reason: 'unknown operator approximately' });
    expect(decision).toMatchObject({ permitted: false, reasonCode: 'policy.unsupported' });
  });
});
