import { type Operand, usageScopes } from '../operand.js';

export const count: Operand = {
  name: 'count',
  type: 'number',
  scopes: usageScopes,
  kind: 'usage',
  value: (ctx) => ctx.usage?.count,
  description: 'uses under the agreement, the one being decided included',
};
