/**
 * What the counterparty is told: a stable code and a fixed sentence, never the rules (they would reveal, for
 * example, which customers are allowed). The trace with the details stays local.
 */
export const reasons = {
  'policy.permitted': 'The policy permits this action.',
  'policy.not-permitted': 'No permission of the policy grants this action to the requester.',
  'policy.prohibited': 'A prohibition of the policy forbids this action.',
  'policy.expired': 'The permission has expired.',
  'policy.not-yet-valid': 'The permission is not valid yet.',
  'policy.usage-exceeded': 'The permitted usage (number of uses or data volume) is exhausted.',
  'policy.unsupported': 'The policy uses a constraint this connector cannot evaluate.',
} as const;

export type ReasonCode = keyof typeof reasons;
