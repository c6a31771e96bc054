import { claimOperand } from './claim.js';

export const frameworkAgreement = claimOperand('frameworkAgreement', {
  aliases: ['cx-policy:FrameworkAgreement'],
  description: 'a framework agreement the counterparty has signed (e.g. pcf:1.0)',
});
