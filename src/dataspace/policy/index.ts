export { compilePolicy } from './compile.js';
export type { PolicyContext, Scope } from './context.js';
export { credentialTypeOfClaim, credentialTypesOf } from './credential-types.js';
export { declarePurpose, purposeOf, withoutDeclaredPurpose } from './declared-purpose.js';
export { InvalidPolicy } from './errors.js';
export {
  type CompiledPolicy,
  type CompileOptions,
  type Decision,
  evaluate,
  evaluatePolicy,
  forCounterparty,
  type PolicyProblem,
} from './evaluate.js';
export { atomicConstraints, nextTimeEdge, nextWake, operandKinds, timeEdges } from './monitor.js';
export { allScopes, type Operand, usageScopes } from './operand.js';
export { claimOperand } from './operands/claim.js';
export { type Operator, operatorNames, operatorsFor } from './operators.js';
export { parsePolicy } from './parse.js';
export {
  type AtomicConstraint,
  type Constraint,
  type LogicalConstraint,
  type Policy,
  type PolicyRules,
  type Rule,
  rulesOf,
} from './policy.js';
export { type ReasonCode, reasons } from './reasons.js';
export {
  builtinOperands,
  createRegistry,
  defaultRegistry,
  type OperandRegistry,
  type RegistryOptions,
} from './registry.js';
export { deletePolicy, findPolicies, findPolicy, insertPolicy, listPolicies, updatePolicy } from './store.js';
export { formatTrace, type Outcome, type RuleKind, type TraceEntry } from './trace.js';
export type { Duration, Elapsed, Interval, ValueType } from './values.js';
export { type AccessDecision, type Counterparty, evaluateAccess } from './visibility.js';
export {
  defaultPrefixes,
  expandIri,
  type Hierarchy,
  hierarchyOf,
  localName,
  odrlActions,
  type Prefixes,
  type Vocabulary,
  vocabularyFromNarrower,
} from './vocabulary.js';
