import { Unauthorized } from '../../errors/index.js';

/**
 * Why a credential, a presentation or the way to them was refused. Codes are stable: tests, logs, the audit
 * log and the management API name them; the counterparty never hears more than "unauthorized".
 */
export type CredentialReason =
  | 'credential.malformed'
  | 'credential.bad-signature'
  | 'credential.untrusted-issuer'
  | 'credential.wrong-holder'
  | 'credential.expired'
  | 'credential.not-yet-valid'
  | 'credential.revoked'
  | 'credential.suspended'
  | 'credential.status-unavailable'
  | 'presentation.malformed'
  | 'presentation.bad-signature'
  | 'presentation.wrong-audience'
  | 'presentation.wrong-holder'
  | 'presentation.expired'
  | 'presentation.missing-credential'
  | 'did.unresolvable'
  | 'did.kid-missing'
  | 'credential-service.missing'
  | 'credential-service.timeout'
  | 'credential-service.unreachable'
  | 'credential-service.refused'
  | 'access-token.invalid'
  | 'access-token.scope-not-granted';

/**
 * A refusal with its stable reason code and an explanation for the local operator
 * ("MembershipCredential revoked by did:web:…"). `kind` is unauthorized: at an HTTP edge it is a 401.
 */
export class CredentialRefused extends Unauthorized {
  readonly reason: CredentialReason;
  constructor(reason: CredentialReason, explanation: string) {
    super(reason, explanation);
    this.reason = reason;
  }
}

export const refuse = (reason: CredentialReason, explanation: string): never => {
  throw new CredentialRefused(reason, explanation);
};
