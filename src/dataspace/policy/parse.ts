import { compilePolicy } from './compile.js';
import { InvalidPolicy } from './errors.js';
import type { PolicyRules } from './policy.js';
import type { OperandRegistry } from './registry.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a policy for creation: its shape, every left operand known to the registry, every operator
 * defined for its operand's type, every right operand readable as that type. Throws InvalidPolicy naming the
 * first offending path (`permission[0].constraint[2].rightOperand`); returns the rules unchanged.
 *
 * Evaluation is more forgiving by design (a peer's policy is never rejected by a throw, it denies): this is
 * the strict gate for what a participant stores as its own.
 */
export function parsePolicy(input: unknown, registry: OperandRegistry): PolicyRules {
  if (!isObject(input)) throw new InvalidPolicy('', 'a policy must be a JSON object');
  const { profile } = input;
  if (
    profile !== undefined &&
    typeof profile !== 'string' &&
    !(Array.isArray(profile) && profile.every((p) => typeof p === 'string'))
  )
    throw new InvalidPolicy('profile', 'profile must be an IRI or a list of IRIs');
  for (const member of ['permission', 'prohibition', 'obligation'] as const) {
    const list = input[member];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new InvalidPolicy(member, `${member} must be a list of rules`);
    for (const [i, rule] of list.entries()) {
      if (!isObject(rule)) throw new InvalidPolicy(`${member}[${i}]`, 'a rule must be an object');
      for (const [j, duty] of (Array.isArray(rule.duty) ? rule.duty : []).entries())
        if (!isObject(duty))
          throw new InvalidPolicy(`${member}[${i}].duty[${j}]`, 'a duty must be an object');
    }
  }
  const first = compilePolicy(input as PolicyRules, registry).problems[0];
  if (first) throw new InvalidPolicy(first.path, first.reason);
  return input as PolicyRules;
}
