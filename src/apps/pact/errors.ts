import { MusubiError } from '../../errors/index.js';
import type { PactErrorCode } from './model.js';
import { pactErrorStatus } from './model.js';

/**
 * A PACT request refused with one of PACT's error codes. The PACT routes answer it as `{code, message}` with the
 * code's status; elsewhere (management API) it is an ordinary error of its kind.
 */
export class PactRefusal extends MusubiError {
  readonly pactCode: PactErrorCode;
  constructor(pactCode: PactErrorCode, message: string) {
    const status = pactErrorStatus[pactCode];
    const kind =
      status === 404
        ? 'not-found'
        : status === 401 || status === 403
          ? 'unauthorized'
          : status >= 500
            ? 'internal'
            : 'invalid';
    super(
      `pact.${pactCode.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())}`,
      kind,
      message,
    );
    this.pactCode = pactCode;
  }
}

/** An RFC 6749 §5.2 token error (`invalid_client`, `unsupported_grant_type` …). */
export class OAuthRefusal extends MusubiError {
  readonly error: string;
  readonly status: 400 | 401;
  constructor(error: string, description: string, status: 400 | 401 = 400) {
    super(`pact.oauth.${error.replace(/_/g, '-')}`, status === 401 ? 'unauthorized' : 'invalid', description);
    this.error = error;
    this.status = status;
  }
}
