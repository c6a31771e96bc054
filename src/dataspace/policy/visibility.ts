import { type Decision, evaluatePolicy } from './evaluate.js';
import type { PolicyRules } from './policy.js';
import { defaultRegistry, type OperandRegistry } from './registry.js';

/** Who is asking: the authenticated counterparty and whatever verified claims it presented. */
export interface Counterparty {
  readonly id: string;
  readonly did?: string;
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** The engine's decision in the catalog scope, with `allowed` as the catalog's callers read it. */
export interface AccessDecision extends Decision {
  readonly allowed: boolean;
}

const catalogOperands = defaultRegistry();

/**
 * Whether a counterparty may see an offer governed by this access policy: the engine in the `catalog` scope.
 * Usage-time constraints (counts, volumes, elapsed time) and the purpose are deferred there; the time is
 * `at` (now by default — this adapter is the edge where the catalog's callers come in).
 */
export function evaluateAccess(
  policy: PolicyRules,
  who: Counterparty,
  at: Date = new Date(),
  registry: OperandRegistry = catalogOperands,
): AccessDecision {
  const decision = evaluatePolicy(
    policy,
    {
      scope: 'catalog',
      now: at,
      participantId: who.id,
      ...(who.did ? { did: who.did } : {}),
      claims: who.claims ?? {},
    },
    registry,
  );
  return { ...decision, allowed: decision.permitted };
}
