import { type ErrorKind, MusubiError } from '../../errors/index.js';

/**
 * How a data-plane request ends when it is refused or its source fails. The node's data-plane scope maps each
 * to an HTTP status (401, 403, 404, 416, 429, 502, 503, 504); nothing here knows HTTP.
 */
export type Refusal =
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'range-not-satisfiable'
  | 'too-many'
  | 'bad-gateway'
  | 'unavailable'
  | 'timeout';

const kindOf: Readonly<Record<Refusal, ErrorKind>> = {
  unauthenticated: 'unauthorized',
  forbidden: 'unauthorized',
  'not-found': 'not-found',
  'range-not-satisfiable': 'invalid',
  'too-many': 'unavailable',
  'bad-gateway': 'unavailable',
  unavailable: 'unavailable',
  timeout: 'unavailable',
};

/** A refused or failed access; `code` is stable and safe to show the consumer (never a token, path or secret). */
export class DataPlaneError extends MusubiError {
  readonly refusal: Refusal;
  constructor(
    code: string,
    refusal: Refusal,
    message: string,
    fields: Record<string, unknown> = {},
    cause?: unknown,
  ) {
    super(code, kindOf[refusal], message, fields, cause === undefined ? undefined : { cause });
    this.refusal = refusal;
  }
}

export const isDataPlaneError = (e: unknown): e is DataPlaneError => e instanceof DataPlaneError;

/** The token presented is not (or no longer) good for this request. */
export const tokenRefused = (code: string, refusal: 'unauthenticated' | 'forbidden', message: string) =>
  new DataPlaneError(code, refusal, message);

/** A single range the source cannot satisfy (RFC 9110 §15.5.17); `size` goes in `Content-Range: bytes *\/size`. */
export class RangeNotSatisfiable extends DataPlaneError {
  constructor(readonly size: number) {
    super('range.not-satisfiable', 'range-not-satisfiable', `the range lies outside the ${size} bytes`, {
      size,
    });
  }
}

/** Per-agreement rate or volume limit reached; `retryAfterS` goes in `Retry-After`. */
export class LimitReached extends DataPlaneError {
  constructor(
    code: 'limit.rate' | 'limit.volume',
    readonly retryAfterS: number,
  ) {
    super(
      code,
      'too-many',
      code === 'limit.rate'
        ? 'too many requests for this agreement'
        : 'data volume for this agreement reached',
      { retryAfterS },
    );
  }
}

/** The source's backend answered badly (502), could not be reached (503) or did not answer in time (504). */
export const sourceFailed = (
  refusal: 'bad-gateway' | 'unavailable' | 'timeout',
  code: string,
  message: string,
  cause?: unknown,
) => new DataPlaneError(code, refusal, message, {}, cause);
