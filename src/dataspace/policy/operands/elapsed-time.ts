import { type Operand, usageScopes } from '../operand.js';

/** Time since the agreement was signed; there is no agreement before a transfer, so deferred until then. */
export const elapsedTime: Operand = {
  name: 'elapsedTime',
  type: 'duration',
  scopes: usageScopes,
  kind: 'time',
  value: (ctx) => {
    const from = ctx.agreement ? Date.parse(ctx.agreement.signedAt) : Number.NaN;
    return Number.isNaN(from) ? undefined : { from, to: ctx.now.getTime() };
  },
  description: 'time elapsed since the agreement was signed',
};
