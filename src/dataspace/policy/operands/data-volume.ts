import { type Operand, usageScopes } from '../operand.js';

export const dataVolume: Operand = {
  name: 'dataVolume',
  type: 'bytes',
  scopes: usageScopes,
  kind: 'usage',
  value: (ctx) => ctx.usage?.bytes,
  description: 'bytes served under the agreement so far',
};
