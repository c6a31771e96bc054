import {
  type Constraint,
  type Decision,
  defaultRegistry,
  evaluatePolicy,
  type OperandRegistry,
  type PolicyContext,
  type TraceEntry,
} from '../../src/dataspace/policy/index.js';

export const now = new Date('2026-11-25T03:00:00.000Z');

export function context(over: Partial<PolicyContext> = {}): PolicyContext {
  return { scope: 'access', now, participantId: 'did:web:beta.example', claims: {}, ...over };
}

/** One permission for `use` with one constraint; the decision and that constraint's trace entry. */
export function single(
  constraint: Constraint,
  over: Partial<PolicyContext> = {},
  registry: OperandRegistry = defaultRegistry(),
): { decision: Decision; entry: TraceEntry | undefined } {
  const decision = evaluatePolicy(
    { permission: [{ action: 'use', constraint: [constraint] }] },
    context(over),
    registry,
  );
  return { decision, entry: decision.trace.find((e) => e.path === 'permission[0].constraint[0]') };
}

export const atom = (leftOperand: string, operator: string, rightOperand: unknown) => ({
  leftOperand,
  operator,
  rightOperand,
});
