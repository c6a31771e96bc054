import { claimOperand } from './claim.js';

/** A term, so `isA` places it in a role taxonomy (`qualityAuditor` isA `auditor`). */
export const role = claimOperand('role', { type: 'term', description: 'a verified business role' });
