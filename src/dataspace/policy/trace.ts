/**
 * What a decision looked at, step by step. For the local operator only (management API, CLI, logs): it
 * shows the provider's rules, so it never goes to the counterparty, who gets the decision's reason code.
 */

/**
 * - `holds` / `fails`: evaluated;
 * - `unsupported`: the constraint cannot be evaluated (unknown operand or operator, operator not defined for
 *   the operand's type, malformed right operand) — counted against the requester;
 * - `no-value`: the operand has no value for this requester (a missing claim) — counted against the requester;
 * - `deferred`: the operand is not knowable in this scope (a use count at catalog time); decided later;
 * - `skipped`: not evaluated because an earlier member of an `andSequence` failed;
 * - `not-applicable`: a rule whose action does not cover the requested action.
 */
export type Outcome =
  | 'holds'
  | 'fails'
  | 'unsupported'
  | 'no-value'
  | 'deferred'
  | 'skipped'
  | 'not-applicable';

export type RuleKind = 'permission' | 'prohibition' | 'obligation' | 'duty';

export type TraceNode = 'rule' | 'and' | 'or' | 'xone' | 'andSequence' | 'constraint';

export interface TraceEntry {
  /** Where in the policy: `permission[0].constraint[1].or[0]`. */
  readonly path: string;
  readonly rule: RuleKind;
  readonly action: string;
  readonly node: TraceNode;
  readonly leftOperand?: string;
  readonly operator?: string;
  readonly rightOperand?: unknown;
  /** The requester's value that was compared (after normalisation), when there was one. */
  readonly actual?: unknown;
  readonly outcome: Outcome;
  readonly reason?: string;
}

/**
 * Every entry with the same members in the same order (absent ones undefined), so the entries evaluation
 * builds share one shape — this is the engine's hot path.
 */
export function traceEntry(e: TraceEntry): TraceEntry {
  return {
    path: e.path,
    rule: e.rule,
    action: e.action,
    node: e.node,
    leftOperand: e.leftOperand,
    operator: e.operator,
    rightOperand: e.rightOperand,
    actual: e.actual,
    outcome: e.outcome,
    reason: e.reason,
  };
}

const shown = (v: unknown): string => {
  if (v instanceof Date) return v.toISOString();
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s;
};

/** One readable line per entry, for logs and the CLI. */
export function formatTrace(trace: readonly TraceEntry[]): string[] {
  return trace.map((e) => {
    const what =
      e.node === 'constraint'
        ? `${e.leftOperand} ${e.operator} ${shown(e.rightOperand)}${e.actual !== undefined ? ` (actual ${shown(e.actual)})` : ''}`
        : e.node === 'rule'
          ? `${e.rule} ${e.action}`
          : e.node;
    return `${e.path}: ${what} → ${e.outcome}${e.reason ? ` (${e.reason})` : ''}`;
  });
}
