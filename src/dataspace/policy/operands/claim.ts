import { allScopes, type Operand } from '../operand.js';
import type { ValueType } from '../values.js';

/**
 * An operand reading one verified claim from `ctx.claims` (one value or a list). Claims are re-checked by the
 * monitor when they change, so they apply in every scope.
 */
export function claimOperand(
  name: string,
  options: { type?: ValueType; aliases?: readonly string[]; description?: string } = {},
): Operand {
  return {
    name,
    ...(options.aliases ? { aliases: options.aliases } : {}),
    type: options.type ?? 'string',
    scopes: allScopes,
    kind: 'claim',
    // Own members only: a claim named like an Object.prototype member is simply absent.
    value: (ctx) => (ctx.claims && Object.hasOwn(ctx.claims, name) ? ctx.claims[name] : undefined),
    description: options.description ?? `the verified claim ${name}`,
  };
}
