import type { Constraint } from './policy.js';
import { defaultRegistry, type OperandRegistry } from './registry.js';
import { unwrap } from './values.js';
import { localName } from './vocabulary.js';

/**
 * How a consumer declares its purpose in DSP 2025-1: as ODRL, in the offer it requests. It appends one atomic
 * constraint `purpose eq <its purpose>` to every permission of the published offer; the provider agrees to
 * the published rules plus that constraint, so the agreement itself records the purpose. An offer whose
 * permissions already pin one purpose (`purpose eq X`) declares X when requested unchanged.
 */

const plain = defaultRegistry();

/** Offers, agreements and plain rules alike: anything with ODRL permissions. */
interface WithPermissions {
  readonly permission?: readonly object[];
}
type Constrained = { readonly constraint?: readonly unknown[] };
const permissionsOf = (r: WithPermissions) => (r.permission ?? []) as readonly Constrained[];

function isPurposeEq(x: unknown, registry: OperandRegistry): string | undefined {
  if (!x || typeof x !== 'object' || !('leftOperand' in x)) return undefined;
  const c = x as { leftOperand: unknown; operator?: unknown; rightOperand?: unknown };
  const left = unwrap(c.leftOperand).value;
  const op = unwrap(c.operator).value;
  const right = unwrap(c.rightOperand).value;
  if (typeof left !== 'string' || typeof op !== 'string' || typeof right !== 'string') return undefined;
  if (registry.operand(left)?.kind !== 'purpose' || localName(op, registry.prefixes) !== 'eq')
    return undefined;
  return right;
}

/** The purpose the rules pin: the last `purpose eq` of every permission, when all permissions pin the same one. */
export function purposeOf(rules: WithPermissions, registry: OperandRegistry = plain): string | undefined {
  const pinned = permissionsOf(rules).map((p) =>
    (p.constraint ?? []).reduce<string | undefined>(
      (found, c) => isPurposeEq(c, registry) ?? found,
      undefined,
    ),
  );
  const first = pinned[0];
  return first !== undefined && pinned.every((p) => p === first) ? first : undefined;
}

/** The consumer's side: the offer with its purpose declared in every permission. */
export function declarePurpose<T extends WithPermissions>(rules: T, purpose: string): T {
  const declared: Constraint = { leftOperand: 'purpose', operator: 'eq', rightOperand: purpose };
  const permission = permissionsOf(rules).map((p) => ({
    ...p,
    constraint: [...(p.constraint ?? []), declared],
  }));
  return { ...rules, permission };
}

/**
 * The provider's side: the requested rules without the declaration and the purpose declared, when every
 * permission ends with the same `purpose eq` constraint; undefined otherwise.
 */
export function withoutDeclaredPurpose<T extends WithPermissions>(
  requested: T,
  registry: OperandRegistry = plain,
): { readonly rules: T; readonly purpose: string } | undefined {
  const permissions = permissionsOf(requested);
  const lasts = permissions.map((p) => isPurposeEq(p.constraint?.at(-1), registry));
  const purpose = lasts[0];
  if (purpose === undefined || lasts.some((p) => p !== purpose)) return undefined;
  const permission = permissions.map((p) => {
    const rest = (p.constraint ?? []).slice(0, -1);
    const { constraint: _c, ...rule } = p;
    return rest.length > 0 ? { ...rule, constraint: rest } : rule;
  });
  return { rules: { ...requested, permission }, purpose };
}
