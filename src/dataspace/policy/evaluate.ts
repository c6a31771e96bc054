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

const compiled = new WeakMap<object, { registry: OperandRegistry; policy: CompiledPolicy }>();

/** Compiles (once per rules object and registry) and evaluates. */
export function evaluatePolicy(rules: PolicyRules, ctx: PolicyContext, registry: OperandRegistry): Decision {
  const key = typeof rules === 'object' && rules !== null ? rules : undefined;
  const hit = key && compiled.get(key);
  if (hit && hit.registry === registry) return evaluate(hit.policy, ctx);
  const policy = compilePolicy(rules, registry);
  if (key) compiled.set(key, { registry, policy });
  return evaluate(policy, ctx);
}

/** What the counterparty may be told of a decision: the code and the fixed sentence, never the trace. */
export function forCounterparty(d: Decision): { readonly code: ReasonCode; readonly message: string } {
  return { code: d.reasonCode, message: d.message };
}
