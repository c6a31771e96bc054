import { allScopes, type Operand } from '../operand.js';

export const participantId: Operand = {
  name: 'participantId',
  aliases: ['dspace:participantId', 'cx-policy:BusinessPartnerNumber'],
  type: 'term',
  scopes: allScopes,
  kind: 'identity',
  value: (ctx) => ctx.participantId || undefined,
  description: "the counterparty's authenticated participant id (exact match, no normalisation)",
};
