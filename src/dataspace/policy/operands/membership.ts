import { claimOperand } from './claim.js';

/** Free text: an association or data-space membership, NFKC-compared (全角 and 半角 names are equal). */
export const membership = claimOperand('membership', {
  aliases: ['cx-policy:Membership'],
  description: 'a verified membership (data space, industry association)',
});
