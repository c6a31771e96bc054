import { claimOperand } from './claim.js';

/** ODRL's `spatial`: where the data will be used, as the counterparty declared and proved it (a term). */
export const spatial = claimOperand('spatial', {
  type: 'term',
  description: 'where the data is used (region code)',
});
