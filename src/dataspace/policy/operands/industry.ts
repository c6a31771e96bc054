import { claimOperand } from './claim.js';

/** An industry code (JSIC, ISIC); with the code list as a vocabulary, `isA` matches a division by its section. */
export const industry = claimOperand('industry', {
  type: 'term',
  description: "the counterparty's industry code",
});
