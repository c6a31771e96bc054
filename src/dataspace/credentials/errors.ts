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
  /** The credential types the refusal concerns, when it is about particular credentials. */
  readonly types: readonly string[] | undefined;
  constructor(reason: CredentialReason, explanation: string, types?: readonly string[]) {
    super(reason, explanation);
    this.reason = reason;
    this.types = types;
  }
}

/** Runs a check of one credential; a refusal it throws names the credential's types. */
export async function aboutTypes<T>(types: readonly string[], check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (e) {
    if (e instanceof CredentialRefused && !e.types) throw new CredentialRefused(e.reason, e.message, types);
    throw e;
  }
}

export const refuse = (reason: CredentialReason, explanation: string): never => {
  throw new CredentialRefused(reason, explanation);
};
