import { claimOperand } from './claim.js';

/** An ISO 3166 code; a region vocabulary makes `isPartOf` work (`JP` isPartOf `APAC`). */
export const country = claimOperand('country', {
  type: 'term',
  description: "the counterparty's country (ISO 3166)",
});
