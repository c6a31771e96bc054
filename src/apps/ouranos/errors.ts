/**
 * An Ouranos API refusal: the HTTP status and the platform's error body `{code, message, detail}`. `code` names the
 * subsystem the way the platform does (`[auth] BadRequest`, `[dataspace] NotFound`); `detail` is filled in at the
 * edge with the request's tracking id, time, data target and method.
 */
export type OuranosSubsystem = 'auth' | 'dataspace';

export class OuranosError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    readonly subsystem: OuranosSubsystem,
    message: string,
  ) {
    super(message);
    this.name = 'OuranosError';
  }

  get code(): string {
    return `[${this.subsystem}] ${statusNames[this.status]}`;
  }
}

const statusNames = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'AccessDenied',
  404: 'NotFound',
  409: 'Conflict',
} as const;

export const invalid = (message: string, subsystem: OuranosSubsystem = 'dataspace') =>
  new OuranosError(400, subsystem, `Validation failed, ${message}`);
export const badParameter = (name: string, why: string, subsystem: OuranosSubsystem = 'dataspace') =>
  new OuranosError(400, subsystem, `Invalid request parameters, ${name}: ${why}`);
export const notFound = (what: string, subsystem: OuranosSubsystem = 'dataspace') =>
  new OuranosError(404, subsystem, `${what} not found`);
export const forbidden = (subsystem: OuranosSubsystem = 'dataspace') =>
  new OuranosError(403, subsystem, 'You do not have the necessary privileges');
export const unauthenticated = () => new OuranosError(401, 'auth', 'Authentication required');
