/**
 * One base error for the whole platform. Concepts subclass it in their own `errors.ts` with a stable
 * `code` (`store.corrupt`, `config.invalid-value`) and a `kind`; the HTTP edge maps the kind to a status
 * and the CLI maps it to an exit code. Nothing in here knows about HTTP.
 */
export type ErrorKind = 'invalid' | 'not-found' | 'conflict' | 'unauthorized' | 'unavailable' | 'internal';

export class MusubiError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  /** Extra machine-readable detail; safe to show the caller (never secrets). */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    kind: ErrorKind,
    message: string,
    fields: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.fields = Object.freeze({ ...fields });
  }
}

export class InvalidInput extends MusubiError {
  constructor(
    code: string,
    message: string,
    fields: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, 'invalid', message, fields, options);
  }
}

export class NotFound extends MusubiError {
  constructor(what: string, id: string) {
    super(`${what}.not-found`, 'not-found', `${what} ${JSON.stringify(id)} not found`, { id });
  }
}

export class Conflict extends MusubiError {
  constructor(code: string, message: string, fields: Record<string, unknown> = {}) {
    super(code, 'conflict', message, fields);
  }
}

export class Unauthorized extends MusubiError {
  constructor(code: string, message: string) {
    super(code, 'unauthorized', message);
  }
}

export function isMusubiError(e: unknown): e is MusubiError {
  return e instanceof MusubiError;
}
