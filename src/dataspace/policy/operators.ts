import {
  addDuration,
  type Duration,
  type Elapsed,
  type Interval,
  listOf,
  type Parsed,
  type Read,
  type ReadOptions,
  readRight,
  unwrap,
  type ValueType,
} from './values.js';
import { type Hierarchy, localName, type Prefixes } from './vocabulary.js';

/** The operators of the DSP 2025-1 schema (ODRL 2.2's, less the ones DSP does not carry). */
export const operatorNames = [
  'eq',
  'neq',
  'lt',
  'lteq',
  'gt',
  'gteq',
  'isA',
  'isPartOf',
  'hasPart',
  'isAnyOf',
  'isAllOf',
  'isNoneOf',
] as const;
export type Operator = (typeof operatorNames)[number];

/**
 * An operator as written (`eq`, `odrl:eq`, its full IRI, `{"@id": …}`). The DSP 2025-1 schema also lists
 * `term-lteq`, which ODRL 2.2 does not define: it is read as `lteq`.
 */
export function operatorOf(raw: unknown, prefixes: Prefixes): Operator | undefined {
  const { value } = unwrap(raw);
  if (typeof value !== 'string') return undefined;
  const name = localName(value, prefixes);
  if (name === 'term-lteq') return 'lteq';
  return (operatorNames as readonly string[]).includes(name) ? (name as Operator) : undefined;
}

/** Which operators each value type defines; any other pair is unsupported (and denies). */
export const operatorsFor: Readonly<Record<ValueType, readonly Operator[]>> = {
  string: ['eq', 'neq', 'isAnyOf', 'isAllOf', 'isNoneOf', 'hasPart', 'isPartOf'],
  term: ['eq', 'neq', 'isAnyOf', 'isAllOf', 'isNoneOf', 'isA', 'isPartOf', 'hasPart'],
  number: ['eq', 'neq', 'lt', 'lteq', 'gt', 'gteq', 'isAnyOf', 'isAllOf', 'isNoneOf'],
  bytes: ['eq', 'neq', 'lt', 'lteq', 'gt', 'gteq', 'isAnyOf', 'isAllOf', 'isNoneOf'],
  dateTime: ['eq', 'neq', 'lt', 'lteq', 'gt', 'gteq'],
  duration: ['eq', 'neq', 'lt', 'lteq', 'gt', 'gteq'],
};

const setOperators: readonly Operator[] = ['isAnyOf', 'isAllOf', 'isNoneOf'];

/** A value after reading: scalar, or a list when a claim holds several values. */
export type Actual = Parsed | Elapsed;
export type Test = (actual: Actual | readonly Actual[]) => boolean;

export interface OperatorEnv {
  readonly read: ReadOptions;
  readonly hierarchy: Hierarchy;
}

type Pair = (a: Actual, r: Parsed) => boolean;

const deadline = (a: Actual, r: Parsed) => addDuration((a as Elapsed).from, r as Duration);

/** The scalar comparison of one actual value with one right value, per type and operator. */
function pairTest(type: ValueType, op: Operator, env: OperatorEnv): Pair | undefined {
  if (type === 'dateTime') {
    const i = (r: Parsed) => r as Interval;
    const at = (a: Actual) => a as number;
    const table: Partial<Record<Operator, Pair>> = {
      eq: (a, r) => at(a) >= i(r).start && at(a) < i(r).end,
      lt: (a, r) => at(a) < i(r).start,
      lteq: (a, r) => at(a) < i(r).end,
      gt: (a, r) => at(a) >= i(r).end,
      gteq: (a, r) => at(a) >= i(r).start,
    };
    return table[op];
  }
  if (type === 'duration') {
    const to = (a: Actual) => (a as Elapsed).to;
    const table: Partial<Record<Operator, Pair>> = {
      eq: (a, r) => to(a) === deadline(a, r),
      lt: (a, r) => to(a) < deadline(a, r),
      lteq: (a, r) => to(a) <= deadline(a, r),
      gt: (a, r) => to(a) > deadline(a, r),
      gteq: (a, r) => to(a) >= deadline(a, r),
    };
    return table[op];
  }
  const table: Partial<Record<Operator, Pair>> = {
    eq: (a, r) => a === r,
    lt: (a, r) => (a as number) < (r as number),
    lteq: (a, r) => (a as number) <= (r as number),
    gt: (a, r) => (a as number) > (r as number),
    gteq: (a, r) => (a as number) >= (r as number),
    isA: (a, r) => env.hierarchy.within(a as string, r as string),
    isPartOf:
      type === 'string'
        ? (a, r) => (r as string).includes(a as string)
        : (a, r) => env.hierarchy.within(a as string, r as string),
    hasPart:
      type === 'string'
        ? (a, r) => (a as string).includes(r as string)
        : (a, r) => env.hierarchy.within(r as string, a as string),
  };
  return table[op];
}

const isList = (a: Actual | readonly Actual[]): a is readonly Actual[] => Array.isArray(a);

/** A list-valued actual satisfies a scalar operator when one of its values does; `neq` when none is equal. */
function scalarTest(type: ValueType, op: Operator, right: Parsed, env: OperatorEnv): Test {
  if (op === 'neq') {
    const eq = pairTest(type, 'eq', env) as Pair;
    return (a) => (isList(a) ? !a.some((x) => eq(x, right)) : !eq(a, right));
  }
  const pair = pairTest(type, op, env) as Pair;
  return (a) => (isList(a) ? a.some((x) => pair(x, right)) : pair(a, right));
}

function setTest(type: ValueType, op: Operator, right: readonly Parsed[], env: OperatorEnv): Test {
  const eq = pairTest(type, 'eq', env) as Pair;
  const inRight = (x: Actual) => right.some((r) => eq(x, r));
  if (op === 'isAllOf') return (a) => right.every((r) => (isList(a) ? a.some((x) => eq(x, r)) : eq(a, r)));
  const any: Test = (a) => (isList(a) ? a.some(inRight) : inRight(a));
  return op === 'isAnyOf' ? any : (a) => !any(a);
}

/**
 * Reads the right operand once and returns the test to run per evaluation, or why it cannot be built
 * (operator not defined for the type, a list where one value is expected, a malformed value).
 */
export function compileTest(type: ValueType, op: Operator, rightRaw: unknown, env: OperatorEnv): Read<Test> {
  if (!operatorsFor[type].includes(op))
    return { ok: false, reason: `operator ${op} is not defined for ${type} values` };
  const list = listOf(rightRaw);
  if (setOperators.includes(op)) {
    const values: Parsed[] = [];
    for (const [i, raw] of (list ?? [rightRaw]).entries()) {
      const r = readRight(type, raw, env.read);
      if (!r.ok) return { ok: false, reason: list ? `[${i}]: ${r.reason}` : r.reason };
      values.push(r.value);
    }
    if (values.length === 0) return { ok: false, reason: `${op} needs at least one value` };
    return { ok: true, value: setTest(type, op, values, env) };
  }
  if (list) return { ok: false, reason: `${op} takes one value, not a list (for a list use isAnyOf)` };
  const r = readRight(type, rightRaw, env.read);
  return r.ok ? { ok: true, value: scalarTest(type, op, r.value, env) } : r;
}
