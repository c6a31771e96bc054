import type { ErrorKind } from './musubi-error.js';

/** Exit code per error kind, stable so scripts can branch on them (documented in the README). */
export const exitCodes: Readonly<Record<ErrorKind, number>> = Object.freeze({
  internal: 1,
  invalid: 2,
  'not-found': 3,
  conflict: 4,
  unauthorized: 5,
  unavailable: 6,
});
