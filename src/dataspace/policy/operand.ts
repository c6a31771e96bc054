import type { PolicyContext, Scope } from './context.js';
import type { ValueType } from './values.js';

/**
 * A left operand: one small pure function reading the requester's value from the context, the scopes where
 * that value is knowable, and its type (which decides how each operator compares). Elsewhere the
 * constraint is `deferred`: it neither grants nor denies there and is enforced where it is knowable.
 */
export interface Operand {
  /** The name policies use (`dateTime`); also answers as `odrl:dateTime`, `dspace:dateTime` and full IRIs. */
  readonly name: string;
  /** Further names it answers to, compact or full (`cx-policy:Membership`). */
  readonly aliases?: readonly string[];
  readonly type: ValueType;
  readonly scopes: readonly Scope[];
  /** Time and usage operands give the decision a more telling reason code (`policy.expired`). */
  readonly kind: 'identity' | 'claim' | 'purpose' | 'time' | 'usage' | 'custom';
  /** The requester's value; undefined when it has none (the constraint then denies, `no-value`). */
  readonly value: (ctx: PolicyContext) => unknown;
  readonly description: string;
}

export const allScopes: readonly Scope[] = ['catalog', 'negotiation', 'transfer', 'access', 'monitor'];
/** Where a transfer exists: usage-time operands are decided here, not at catalog or negotiation time. */
export const usageScopes: readonly Scope[] = ['transfer', 'access', 'monitor'];
