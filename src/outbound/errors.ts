import { InvalidInput, MusubiError } from '../errors/index.js';

/**
 * Errors of the outbound client. Messages and fields name the host only — never the path or query,
 * which may carry tokens.
 *
 * `outbound.egress-denied` is kind 'invalid', not 'unauthorized': the refusal comes from our own
 * configuration about the destination the caller supplied (often a peer-supplied callback address), so
 * the right answer to a remote party is "this address is not acceptable" (400). 'unauthorized' would
 * suggest that other credentials could change the outcome, and none can.
 */
export class EgressDenied extends InvalidInput {
  constructor(host: string, address: string) {
    super('outbound.egress-denied', `egress to ${host} (${address}) is not allowed by the egress policy`, {
      host,
      address,
    });
  }
}

export type TimeoutPhase = 'connect' | 'headers' | 'body';

export class OutboundTimeout extends MusubiError {
  constructor(host: string, phase: TimeoutPhase, timeoutMs: number, cause?: unknown) {
    super(
      'outbound.timeout',
      'unavailable',
      `${host} did not answer in time (${phase}, ${timeoutMs} ms)`,
      {
        host,
        phase,
        timeoutMs,
      },
      { cause },
    );
  }
}

export class ResponseTooLarge extends MusubiError {
  constructor(host: string, limitBytes: number) {
    super('outbound.too-large', 'unavailable', `response from ${host} exceeds ${limitBytes} bytes`, {
      host,
      limitBytes,
    });
  }
}

/** The connection could not be opened, or broke before the response was complete. */
/** What a TLS failure means, for the one line an operator reads (the code alone rarely says it). */
const tlsExplanations: Readonly<Record<string, string>> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate was issued by a CA that is not trusted here',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate was issued by a CA that is not trusted here',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate was issued by a CA that is not trusted here',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate was issued by a CA that is not trusted here',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed and not trusted here',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate does not name this host',
  ERR_SSL_WRONG_VERSION_NUMBER: 'it does not speak HTTPS (a plain HTTP server?)',
};

/** The explanation of a TLS verification failure code, if it is one. */
export function tlsExplanation(code: string): string | undefined {
  return tlsExplanations[code];
}

export class ConnectFailed extends MusubiError {
  constructor(host: string, reason: string, cause?: unknown) {
    const why = tlsExplanation(reason);
    super(
      'outbound.connect-failed',
      'unavailable',
      `connection to ${host} failed: ${reason}${why ? ` (${why})` : ''}`,
      { host, reason },
      {
        cause,
      },
    );
  }
}

export class BadStatus extends MusubiError {
  constructor(host: string, status: number) {
    super('outbound.bad-status', 'unavailable', `${host} answered with status ${status}`, { host, status });
  }
}

export class BadBody extends MusubiError {
  constructor(host: string, reason: string) {
    super('outbound.bad-body', 'unavailable', `${host} sent an unreadable body: ${reason}`, { host, reason });
  }
}

export class TooManyRedirects extends MusubiError {
  constructor(host: string, maxRedirects: number) {
    super(
      'outbound.too-many-redirects',
      'unavailable',
      `${host} redirected more than ${maxRedirects} times`,
      {
        host,
        maxRedirects,
      },
    );
  }
}

export class BadRedirect extends MusubiError {
  constructor(host: string, reason: string) {
    super('outbound.bad-redirect', 'unavailable', `${host} sent an unusable redirect: ${reason}`, {
      host,
      reason,
    });
  }
}

export class InvalidUrl extends InvalidInput {
  constructor(reason: string) {
    super('outbound.invalid-url', `invalid outbound URL: ${reason}`, { reason });
  }
}

export class InvalidAllowEntry extends InvalidInput {
  constructor(entry: string) {
    super('outbound.invalid-allow-entry', `invalid egress allow entry ${JSON.stringify(entry)}`, { entry });
  }
}

export class InvalidOption extends InvalidInput {
  constructor(option: string, reason: string) {
    super('outbound.invalid-option', `invalid outbound option ${option}: ${reason}`, { option, reason });
  }
}
