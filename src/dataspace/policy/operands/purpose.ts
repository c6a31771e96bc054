import type { Operand } from '../operand.js';

/**
 * The purpose the consumer declares when it requests (recorded in the agreement) and again at transfer. Not
 * knowable at catalog time (nothing is declared yet), so deferred there.
 */
export const purpose: Operand = {
  name: 'purpose',
  aliases: ['cx-policy:UsagePurpose'],
  type: 'term',
  scopes: ['negotiation', 'transfer', 'access', 'monitor'],
  kind: 'purpose',
  value: (ctx) => ctx.purpose,
  description: 'the purpose the consumer declared',
};
