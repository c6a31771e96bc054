import { atomicConstraints } from './monitor.js';
import type { PolicyRules } from './policy.js';
import type { OperandRegistry } from './registry.js';
import { listOf, unwrap } from './values.js';

/**
 * Which verifiable credential states each claim a policy may read: what a verifier asks a counterparty to present
 * (DCP scopes) before it evaluates the policy. Claims no credential type is known for (country, industry, `claim:*`)
 * ask for nothing: a node that needs them lists their types in `dcpScopes`.
 */
export const credentialTypeOfClaim: Readonly<Record<string, string>> = {
  membership: 'MembershipCredential',
  role: 'RoleCredential',
  frameworkAgreement: 'DataExchangeGovernanceCredential',
  frameworkVersion: 'DataExchangeGovernanceCredential',
};

/** `credentialType` constraints name the types themselves. */
const typeOperand = 'credentialType';
const typeName = /^[A-Za-z][A-Za-z0-9._-]{0,99}$/;

/**
 * The credential types the claims in a policy's constraints come from (sorted, distinct): a constraint on
 * `membership` → MembershipCredential, on `credentialType` → the types its right operand names. Pure.
 */
export function credentialTypesOf(
  rules: PolicyRules,
  registry: OperandRegistry,
  table: Readonly<Record<string, string>> = credentialTypeOfClaim,
): string[] {
  const types = new Set<string>();
  for (const c of atomicConstraints(rules)) {
    const left = unwrap(c.leftOperand).value;
    if (typeof left !== 'string') continue;
    const operand = registry.operand(left);
    if (operand?.kind !== 'claim') continue;
    if (operand.name === typeOperand) {
      const right = listOf(c.rightOperand) ?? [c.rightOperand];
      for (const r of right) {
        const v = unwrap(r).value;
        if (typeof v === 'string' && typeName.test(v)) types.add(v);
      }
      continue;
    }
    const type = Object.hasOwn(table, operand.name) ? table[operand.name] : undefined;
    if (type) types.add(type);
  }
  return [...types].sort();
}
