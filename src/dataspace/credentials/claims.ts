import type { VerifiedClaims } from '../identity/index.js';
import type { VerifiedCredential } from './verify.js';

/**
 * What verified credentials say, in the shape the policy engine reads: each credentialSubject member becomes a
 * claim (`membership`, `role`, `frameworkAgreement` …), a member stated by several credentials a list of its
 * distinct values; `credentialType` lists the types presented.
 */
export function claimsFromCredentials(
  subject: string,
  credentials: readonly VerifiedCredential[],
): VerifiedClaims {
  const claims: Record<string, unknown> = Object.create(null);
  const add = (name: string, value: unknown) => {
    const before = claims[name];
    if (before === undefined) claims[name] = value;
    else {
      const list = Array.isArray(before) ? before : [before];
      const extra = (Array.isArray(value) ? value : [value]).filter(
        (v) => !list.some((x) => JSON.stringify(x) === JSON.stringify(v)),
      );
      claims[name] = extra.length ? [...list, ...extra] : before;
    }
  };
  for (const c of credentials) {
    for (const [name, value] of Object.entries(c.claims)) add(name, value);
    add('credentialType', [...c.types]);
  }
  const issuers = [...new Set(credentials.map((c) => c.issuer))];
  return {
    subject,
    issuer: issuers.join(' ') || 'dcp',
    claims: Object.freeze({ ...claims }),
  };
}
