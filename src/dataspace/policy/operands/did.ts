import { allScopes, type Operand } from '../operand.js';

export const did: Operand = {
  name: 'did',
  aliases: ['dspace:did'],
  type: 'term',
  scopes: allScopes,
  kind: 'identity',
  // A participant id that is itself a DID (did:web) is its DID.
  value: (ctx) => ctx.did ?? (ctx.participantId.startsWith('did:') ? ctx.participantId : undefined),
  description: "the counterparty's DID",
};
