import { allScopes, type Operand } from '../operand.js';

export const dateTime: Operand = {
  name: 'dateTime',
  type: 'dateTime',
  scopes: allScopes,
  kind: 'time',
  value: (ctx) => ctx.now,
  description: 'the time of the decision',
};
