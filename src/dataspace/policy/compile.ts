import type { PolicyContext, Scope } from './context.js';
import type { Operand } from './operand.js';
import { type Actual, compileTest, type Operator, operatorOf } from './operators.js';
import type { PolicyRules, Rule } from './policy.js';
import type { OperandRegistry } from './registry.js';
import { type RuleKind, type TraceEntry, type TraceNode, traceEntry } from './trace.js';
import { type Elapsed, type ReadOptions, readActual, unwrap, type ValueType } from './values.js';
import { localName } from './vocabulary.js';

/** Three-valued: a deferred constraint is neither true nor false until its scope comes (Kleene logic). */
export type Tri = 0 | 1 | 2;
export const F: Tri = 0;
export const T: Tri = 1;
export const U: Tri = 2;

/** Why a permission failed, as bits: its reason code is the one kind when all failures share it. */
export const Fail = { other: 1, unsupported: 2, expired: 4, notYetValid: 8, usage: 16 } as const;

export interface Run {
  readonly trace: TraceEntry[];
  fail: number;
}

export type Check = (ctx: PolicyContext, run: Run) => Tri;

/** A part of the policy that cannot be evaluated, by path (`permission[0].constraint[2].rightOperand`). */
export interface PolicyProblem {
  readonly path: string;
  readonly reason: string;
}

export interface CompiledRule {
  readonly kind: RuleKind;
  readonly path: string;
  /** The action's local name (`use`), or undefined when unreadable. */
  readonly action: string | undefined;
  readonly rule: Rule;
  readonly check: Check;
  readonly duties: readonly CompiledRule[];
  /** The rule's trace entries, built once. */
  readonly holds: TraceEntry;
  readonly fails: TraceEntry;
  readonly deferred: TraceEntry;
}

export interface CompiledPolicy {
  readonly registry: OperandRegistry;
  readonly permissions: readonly CompiledRule[];
  readonly prohibitions: readonly CompiledRule[];
  readonly obligations: readonly CompiledRule[];
  readonly problems: readonly PolicyProblem[];
}

export interface CompileOptions {
  /** Deeper logical nesting is unsupported (and denies): it keeps evaluation off the stack limit. */
  readonly maxDepth?: number;
}

interface Where {
  readonly rule: RuleKind;
  readonly action: string;
  /** What an unsupported constraint counts as: against the requester either way (a prohibition applies). */
  readonly error: Tri;
  readonly registry: OperandRegistry;
  readonly problems: PolicyProblem[];
  readonly maxDepth: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const placeholder = traceEntry({
  path: '',
  rule: 'permission',
  action: '',
  node: 'rule',
  outcome: 'skipped',
});

function unsupported(
  w: Where,
  entry: Omit<TraceEntry, 'rule' | 'action' | 'outcome'>,
  at: string,
  reason: string,
): Check {
  w.problems.push({ path: at, reason });
  const fixed = traceEntry({ ...entry, rule: w.rule, action: w.action, outcome: 'unsupported', reason });
  const error = w.error;
  return (_ctx, run) => {
    run.trace.push(fixed);
    run.fail |= Fail.unsupported;
    return error;
  };
}

/** How a failing time or usage constraint is explained: an upper bound passed is an expiry. */
function failureOf(op: Operand, operator: Operator): number {
  if (op.kind === 'usage') return Fail.usage;
  if (op.kind !== 'time') return Fail.other;
  if (operator === 'lt' || operator === 'lteq') return Fail.expired;
  return operator === 'gt' || operator === 'gteq' ? Fail.notYetValid : Fail.other;
}

/** How the trace shows a compared value: instants as ISO strings, elapsed time in seconds (memoised). */
function shower(type: ValueType): (v: Actual | Actual[]) => unknown {
  if (type === 'dateTime') {
    let ms = Number.NaN;
    let text = '';
    return (v) => {
      if (Array.isArray(v)) return v.map((x) => new Date(x as number).toISOString());
      if (v !== ms) {
        ms = v as number;
        text = new Date(ms).toISOString();
      }
      return text;
    };
  }
  if (type === 'duration') {
    const one = (e: Elapsed) => `PT${(e.to - e.from) / 1000}S`;
    return (v) => (Array.isArray(v) ? v.map((x) => one(x as Elapsed)) : one(v as Elapsed));
  }
  return (v) => v;
}

function readList(type: ValueType, raw: readonly unknown[], read: ReadOptions): Actual[] | undefined {
  const list: Actual[] = [];
  for (const x of raw) {
    const v = readActual(type, x, read);
    if (v === undefined) return undefined;
    list.push(v);
  }
  return list;
}

function atomic(c: Record<string, unknown>, path: string, w: Where): Check {
  const left = unwrap(c.leftOperand).value;
  const leftName = typeof left === 'string' ? left : JSON.stringify(left);
  const opRaw = unwrap(c.operator).value;
  const opName = typeof opRaw === 'string' ? opRaw : JSON.stringify(opRaw);
  const base = {
    path,
    node: 'constraint' as const,
    leftOperand: leftName,
    operator: opName,
    rightOperand: c.rightOperand,
  };
  if (typeof left !== 'string')
    return unsupported(w, base, `${path}.leftOperand`, 'leftOperand must be a string');
  const operand = w.registry.operand(left);
  if (!operand) return unsupported(w, base, `${path}.leftOperand`, `unknown left operand ${left}`);
  const operator = operatorOf(c.operator, w.registry.prefixes);
  if (!operator) return unsupported(w, base, `${path}.operator`, `unknown operator ${opName}`);
  if (!('rightOperand' in c)) return unsupported(w, base, `${path}.rightOperand`, 'rightOperand is missing');
  const test = compileTest(operand.type, operator, c.rightOperand, w.registry);
  if (!test.ok) {
    const at = test.reason.startsWith('operator') ? `${path}.operator` : `${path}.rightOperand`;
    return unsupported(w, base, at, test.reason);
  }
  const run = test.value;
  const { rule, action, error } = w;
  const { type } = operand;
  const read = w.registry.read;
  const scopes: Partial<Record<Scope, true>> = Object.fromEntries(operand.scopes.map((s) => [s, true]));
  const deferred = traceEntry({
    ...base,
    rule,
    action,
    outcome: 'deferred',
    reason: `${operand.name} is decided at ${operand.scopes.join(', ')}`,
  });
  const failure = failureOf(operand, operator);
  const noValue = (reason: string) => traceEntry({ ...base, rule, action, outcome: 'no-value', reason });
  const missing = noValue(`counterparty has no ${operand.name}`);
  const malformed = noValue(`the counterparty's ${operand.name} is not a ${type}`);
  const { rightOperand } = c;
  const show = shower(type);
  let lastRaw: unknown;
  let lastActual: Actual | Actual[] | undefined;
  return (ctx, r) => {
    if (scopes[ctx.scope] !== true) {
      r.trace.push(deferred);
      return U;
    }
    let raw: unknown;
    try {
      raw = operand.value(ctx);
    } catch (e) {
      // A user's operand that throws denies like a missing value; the decision still comes back.
      r.trace.push(noValue(`${operand.name} failed: ${e instanceof Error ? e.message : String(e)}`));
      r.fail |= Fail.other;
      return error;
    }
    if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) {
      r.trace.push(missing);
      r.fail |= Fail.other;
      return error;
    }
    let actual: Actual | Actual[] | undefined;
    if (raw === lastRaw) actual = lastActual;
    else {
      actual = Array.isArray(raw) ? readList(type, raw, read) : readActual(type, raw, read);
      // Claims and ids repeat from one evaluation to the next: remember the last one read (primitives only).
      if (typeof raw !== 'object') {
        lastRaw = raw;
        lastActual = actual;
      }
    }
    if (actual === undefined) {
      r.trace.push(malformed);
      r.fail |= Fail.other;
      return error;
    }
    const holds = run(actual);
    r.trace.push({
      path,
      rule,
      action,
      node: 'constraint',
      leftOperand: leftName,
      operator: opName,
      rightOperand,
      actual: show(actual),
      outcome: holds ? 'holds' : 'fails',
      reason: undefined,
    });
    if (!holds) r.fail |= failure;
    return holds ? T : F;
  };
}

type Logical = 'and' | 'or' | 'xone' | 'andSequence';
const logicals: readonly Logical[] = ['and', 'or', 'xone', 'andSequence'];

/** The trace entry that stands for a member an `andSequence` did not reach. */
function skipped(c: unknown, path: string, w: Where): TraceEntry {
  const node: TraceNode = (isObject(c) && logicals.find((k) => k in c)) || 'constraint';
  if (node !== 'constraint' || !isObject(c))
    return traceEntry({ path, rule: w.rule, action: w.action, node, outcome: 'skipped' });
  const left = unwrap(c.leftOperand).value;
  const op = unwrap(c.operator).value;
  return traceEntry({
    path,
    rule: w.rule,
    action: w.action,
    node,
    leftOperand: String(left),
    operator: String(op),
    rightOperand: c.rightOperand,
    outcome: 'skipped',
  });
}

function logical(kind: Logical, members: unknown, path: string, w: Where, depth: number): Check {
  const base = { path, node: kind };
  if (!Array.isArray(members) || members.length === 0)
    return unsupported(w, base, `${path}.${kind}`, `${kind} must list at least one constraint`);
  const kids = members.map((m, i) => constraint(m, `${path}.${kind}[${i}]`, w, depth + 1));
  const skips = members.map((m, i) => skipped(m, `${path}.${kind}[${i}]`, w));
  const { rule, action } = w;
  const [holds, fails, deferred] = (['holds', 'fails', 'deferred'] as const).map((outcome) =>
    traceEntry({ ...base, rule, action, outcome }),
  ) as [TraceEntry, TraceEntry, TraceEntry];
  const done = (r: Run, at: number, result: Tri) => {
    r.trace[at] = result === T ? holds : result === F ? fails : deferred;
    return result;
  };
  switch (kind) {
    case 'and':
      return (ctx, r) => {
        const at = r.trace.push(placeholder) - 1;
        let result: Tri = T;
        for (const k of kids) {
          const before = r.fail;
          const x = k(ctx, r);
          if (x === F) result = F;
          else {
            r.fail = before; // only failing members explain a failure
            if (x === U && result === T) result = U;
          }
        }
        return done(r, at, result);
      };
    case 'andSequence':
      return (ctx, r) => {
        const at = r.trace.push(placeholder) - 1;
        let result: Tri = T;
        for (let i = 0; i < kids.length; i++) {
          const before = r.fail;
          const x = (kids[i] as Check)(ctx, r);
          if (x === F) {
            for (let j = i + 1; j < skips.length; j++) r.trace.push(skips[j] as TraceEntry);
            return done(r, at, F);
          }
          r.fail = before;
          if (x === U) result = U;
        }
        return done(r, at, result);
      };
    case 'or':
      return (ctx, r) => {
        const at = r.trace.push(placeholder) - 1;
        const before = r.fail;
        let result: Tri = F;
        for (const k of kids) {
          const x = k(ctx, r);
          if (x === T) result = T;
          else if (x === U && result === F) result = U;
        }
        if (result !== F) r.fail = before;
        return done(r, at, result);
      };
    case 'xone':
      return (ctx, r) => {
        const at = r.trace.push(placeholder) - 1;
        const before = r.fail;
        let yes = 0;
        let unknown = 0;
        for (const k of kids) {
          const x = k(ctx, r);
          if (x === T) yes++;
          else if (x === U) unknown++;
        }
        const result: Tri = yes > 1 ? F : unknown > 0 ? U : yes === 1 ? T : F;
        if (result !== F) r.fail = before;
        else if (yes > 1) r.fail = before | Fail.other;
        return done(r, at, result);
      };
  }
}

function constraint(c: unknown, path: string, w: Where, depth: number): Check {
  if (!isObject(c))
    return unsupported(w, { path, node: 'constraint' }, path, 'a constraint must be an object');
  const kinds = logicals.filter((k) => k in c);
  if (kinds.length > 1)
    return unsupported(
      w,
      { path, node: 'constraint' },
      path,
      `one of ${kinds.join(', ')} per logical constraint`,
    );
  const kind = kinds[0];
  if (kind === undefined) return atomic(c, path, w);
  if (depth >= w.maxDepth)
    return unsupported(w, { path, node: kind }, path, `logical constraints nested deeper than ${w.maxDepth}`);
  return logical(kind, c[kind], path, w, depth);
}

function actionOf(rule: Record<string, unknown>, registry: OperandRegistry): string | undefined {
  const a = unwrap(rule.action).value;
  return typeof a === 'string' && a !== '' ? localName(a, registry.prefixes) : undefined;
}

function compileRule(
  rule: unknown,
  kind: RuleKind,
  path: string,
  base: Omit<Where, 'rule' | 'action' | 'error'>,
): CompiledRule {
  const r = isObject(rule) ? rule : {};
  const action = actionOf(r, base.registry);
  const w: Where = {
    ...base,
    rule: kind,
    action: action ?? String(r.action),
    error: kind === 'prohibition' ? T : F,
  };
  const checks: Check[] = [];
  if (!isObject(rule))
    checks.push(unsupported(w, { path, node: 'rule' }, path, `a ${kind} must be an object`));
  else if (action === undefined)
    checks.push(
      unsupported(w, { path, node: 'rule' }, `${path}.action`, 'action must be a non-empty string'),
    );
  const list = r.constraint;
  if (list !== undefined && !Array.isArray(list))
    checks.push(unsupported(w, { path, node: 'rule' }, `${path}.constraint`, 'constraint must be a list'));
  else if (list)
    for (const [i, c] of list.entries()) checks.push(constraint(c, `${path}.constraint[${i}]`, w, 0));
  const duties = Array.isArray(r.duty)
    ? r.duty.map((d, i) => compileRule(d, 'duty', `${path}.duty[${i}]`, base))
    : [];
  if (r.duty !== undefined && !Array.isArray(r.duty))
    base.problems.push({ path: `${path}.duty`, reason: 'duty must be a list' });
  // A rule's constraints are one implicit `and`, reported member by member (no extra trace node).
  const check: Check =
    checks.length === 0
      ? () => T
      : (ctx, run) => {
          let result: Tri = T;
          for (const c of checks) {
            const before = run.fail;
            const x = c(ctx, run);
            if (x === F) result = F;
            else {
              run.fail = before;
              if (x === U && result === T) result = U;
            }
          }
          return result;
        };
  const [holds, fails, deferred] = (['holds', 'fails', 'deferred'] as const).map((outcome) =>
    traceEntry({ path, rule: kind, action: w.action, node: 'rule', outcome }),
  ) as [TraceEntry, TraceEntry, TraceEntry];
  return { kind, path, action, rule: r as unknown as Rule, check, duties, holds, fails, deferred };
}

const ruleLists = [
  ['permission', 'permission'],
  ['prohibition', 'prohibition'],
  ['obligation', 'obligation'],
] as const;

/**
 * Compiles a policy once for many evaluations: operands resolved, operators chosen per type, right operands
 * read. Never throws: what cannot be evaluated becomes a constraint that denies, listed in `problems`.
 */
export function compilePolicy(
  rules: PolicyRules,
  registry: OperandRegistry,
  options: CompileOptions = {},
): CompiledPolicy {
  const problems: PolicyProblem[] = [];
  const base = { registry, problems, maxDepth: options.maxDepth ?? 32 };
  const source: Record<string, unknown> = isObject(rules) ? rules : {};
  if (!isObject(rules)) problems.push({ path: '', reason: 'a policy must be an object' });
  const [permissions, prohibitions, obligations] = ruleLists.map(([member, kind]) => {
    const list = source[member];
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      problems.push({ path: member, reason: `${member} must be a list` });
      return kind === 'prohibition' ? [compileRule(undefined, kind, member, base)] : [];
    }
    return list.map((r, i) => compileRule(r, kind, `${member}[${i}]`, base));
  }) as [CompiledRule[], CompiledRule[], CompiledRule[]];
  return { registry, permissions, prohibitions, obligations, problems };
}
