export {
  type AtomicConstraint,
  type Constraint,
  type LogicalConstraint,
  type Policy,
  type PolicyRules,
  type Rule,
  rulesOf,
} from './policy.js';
export { deletePolicy, findPolicies, findPolicy, insertPolicy, listPolicies, updatePolicy } from './store.js';
export { type Counterparty, type Decision, evaluateAccess } from './visibility.js';
