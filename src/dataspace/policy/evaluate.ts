import {
  type CompiledPolicy,
  type CompiledRule,
  compilePolicy,
  F,
  Fail,
  placeholder,
  type Run,
  T,
  type Tri,
} from './compile.js';
import type { PolicyContext } from './context.js';
import type { PolicyRules, Rule } from './policy.js';
import { type ReasonCode, reasons } from './reasons.js';
import type { OperandRegistry } from './registry.js';
import { type TraceEntry, traceEntry } from './trace.js';
import { localName } from './vocabulary.js';

export { type CompiledPolicy, type CompileOptions, compilePolicy, type PolicyProblem } from './compile.js';

/**
 * A decision: `reasonCode` and `message` are what the counterparty may be told; `trace` (the rules and the
 * values compared) is for the local operator only. `duties` are the duties and obligations that come with a
 * permission: the engine cannot see them fulfilled, the caller performs or records them.
 */
export interface Decision {
  readonly permitted: boolean;
  readonly reasonCode: ReasonCode;
  readonly message: string;
  readonly trace: readonly TraceEntry[];
  readonly duties: readonly Rule[];
}

const decided = (
  permitted: boolean,
  reasonCode: ReasonCode,
  trace: TraceEntry[],
  duties: Rule[] = [],
): Decision => ({
  permitted,
  reasonCode,
  message: reasons[reasonCode],
  trace,
  duties,
});

function evalRule(rule: CompiledRule, ctx: PolicyContext, run: Run): Tri {
  const at = run.trace.push(placeholder) - 1;
  const result = rule.check(ctx, run);
  run.trace[at] = result === T ? rule.holds : result === F ? rule.fails : rule.deferred;
  return result;
}

/** Whether a rule's action covers the requested one (`use` covers `read`); an unreadable action covers all. */
function covers(rule: CompiledRule, requested: string, policy: CompiledPolicy, run: Run): boolean {
  if (rule.action === undefined || policy.registry.actions.within(requested, rule.action)) return true;
  run.trace.push(
    traceEntry({
      path: rule.path,
      rule: rule.kind,
      action: rule.action,
      node: 'rule',
      outcome: 'not-applicable',
      reason: `${rule.action} does not cover ${requested}`,
    }),
  );
  return false;
}

/** The reason code of failed permissions: a shared kind of failure when there is one, else not-permitted. */
function failureCode(masks: readonly number[]): ReasonCode {
  const kinds: readonly [number, ReasonCode][] = [
    [Fail.unsupported, 'policy.unsupported'],
    [Fail.expired, 'policy.expired'],
    [Fail.notYetValid, 'policy.not-yet-valid'],
    [Fail.usage, 'policy.usage-exceeded'],
  ];
  const first = masks[0];
  if (first === undefined || masks.some((m) => m !== first)) return 'policy.not-permitted';
  return kinds.find(([bit]) => bit === first)?.[1] ?? 'policy.not-permitted';
}

/**
 * ODRL 2.2 as DSP carries it: the requested action (default `use`) is permitted when a permission covering it
 * holds and no prohibition covering it applies. A deferred constraint (not knowable in this scope) lets a
 * permission hold and keeps a prohibition from applying; an unsupported one or a missing value counts
 * against the requester. Every rule and constraint is evaluated for the trace, except what an
 * `andSequence` did not reach.
 */
export function evaluate(policy: CompiledPolicy, ctx: PolicyContext): Decision {
  const requested = ctx.action ? localName(ctx.action, policy.registry.prefixes) : 'use';
  const run: Run = { trace: [], fail: 0 };
  const granted: CompiledRule[] = [];
  const failures: number[] = [];
  for (const p of policy.permissions) {
    if (!covers(p, requested, policy, run)) continue;
    run.fail = 0;
    if (evalRule(p, ctx, run) !== F) granted.push(p);
    else failures.push(run.fail);
  }
  let prohibited = false;
  for (const p of policy.prohibitions)
    if (covers(p, requested, policy, run) && evalRule(p, ctx, run) === T) prohibited = true;
  if (prohibited) return decided(false, 'policy.prohibited', run.trace);
  if (granted.length === 0) return decided(false, failureCode(failures), run.trace);
  const duties: Rule[] = [];
  for (const g of granted) for (const d of g.duties) if (evalRule(d, ctx, run) !== F) duties.push(d.rule);
  for (const d of policy.obligations) if (evalRule(d, ctx, run) !== F) duties.push(d.rule);
  return decided(true, 'policy.permitted', run.trace, duties);
}

const compiled = new WeakMap<OperandRegistry, Map<string, CompiledPolicy>>();
const cacheSize = 256;

/** The compiled form of these rules, from a small per-registry cache keyed by content (rules loaded afresh
 * from the database per request compile once, not per request). */
function compiledFor(rules: PolicyRules, registry: OperandRegistry): CompiledPolicy {
  let key: string | undefined;
  try {
    key = JSON.stringify(rules);
  } catch {
    return compilePolicy(rules, registry); // not JSON (a cycle): compile, which denies what it cannot read
  }
  if (key === undefined) return compilePolicy(rules, registry);
  let cache = compiled.get(registry);
  if (!cache) {
    cache = new Map();
    compiled.set(registry, cache);
  }
  const hit = cache.get(key);
  if (hit) return hit;
  const policy = compilePolicy(rules, registry);
  if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
  cache.set(key, policy);
  return policy;
}

/** Compiles (cached by content, per registry) and evaluates. */
export function evaluatePolicy(rules: PolicyRules, ctx: PolicyContext, registry: OperandRegistry): Decision {
  return evaluate(compiledFor(rules, registry), ctx);
}

/** What the counterparty may be told of a decision: the code and the fixed sentence, never the trace. */
export function forCounterparty(d: Decision): { readonly code: ReasonCode; readonly message: string } {
  return { code: d.reasonCode, message: d.message };
}
