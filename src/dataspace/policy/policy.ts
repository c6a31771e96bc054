/**
 * ODRL policies as plain data, in the compact shape of DSP 2025-1 messages. A stored policy is used either as
 * an offer's access policy (who may see it in the catalog) or as its contract policy (the terms offered).
 */
export interface AtomicConstraint {
  readonly leftOperand: string;
  readonly operator: string;
  readonly rightOperand: unknown;
}
export type LogicalConstraint =
  | { readonly and: readonly Constraint[] }
  | { readonly andSequence: readonly Constraint[] }
  | { readonly or: readonly Constraint[] }
  | { readonly xone: readonly Constraint[] };
export type Constraint = AtomicConstraint | LogicalConstraint;

export interface Rule {
  readonly action: string;
  readonly constraint?: readonly Constraint[];
  /** Duties that come with a permission (ODRL `duty`); returned with the decision for the caller to fulfil. */
  readonly duty?: readonly Rule[];
  readonly [extra: string]: unknown;
}

/** The rules of a policy; what an offer or agreement carries besides its ids. */
export interface PolicyRules {
  readonly profile?: string | readonly string[];
  readonly permission?: readonly Rule[];
  readonly prohibition?: readonly Rule[];
  readonly obligation?: readonly Rule[];
}

export interface Policy extends PolicyRules {
  readonly id: string;
  readonly title: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The rule members of a policy, without ids or bookkeeping, members left out when absent. */
export function rulesOf(p: PolicyRules): PolicyRules {
  return {
    ...(p.profile !== undefined ? { profile: p.profile } : {}),
    ...(p.permission?.length ? { permission: p.permission } : {}),
    ...(p.prohibition?.length ? { prohibition: p.prohibition } : {}),
    ...(p.obligation?.length ? { obligation: p.obligation } : {}),
  };
}
