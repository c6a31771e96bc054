/**
 * The endpoint data reference (EDR) a provider puts in TransferStartMessage's `dataAddress` for a pull, as
 * `endpointProperties` names. Both sides use these constants; values are strings as DSP requires.
 *
 * - `authorization`: the short-lived bearer access token for `endpoint`;
 * - `authType`: `bearer`;
 * - `expiresIn`: seconds the access token lives from issue;
 * - `refreshToken`, `refreshEndpoint`: POST `refreshEndpoint` with `Authorization: Bearer <refreshToken>` and
 *   form body `grant_type=refresh_token&refresh_token=<refreshToken>` answers (RFC 6749 §5.1)
 *   `{ access_token, token_type: "Bearer", expires_in, refresh_token }` while the transfer is STARTED;
 *   the old access and refresh tokens stop working once the new ones are issued. Refused refreshes answer 400
 *   `{ error: invalid_grant | invalid_request | unsupported_grant_type }`. A refresh token presented again after
 *   its rotation revokes the transfer's live tokens (RFC 9700 §4.14.2): refresh serially, keep the newest pair.
 *
 * The provider serves `endpoint` at `<participant root>/data/transfers/<providerPid>` and `refreshEndpoint` at
 * `<participant root>/data/token` (the root is the node's URL for its default participant, `…/p/<id>` for
 * others). Refusals are RFC 9457 problems with a stable `code`: 401 `token.missing|unknown|expired|rotated`,
 * 403 `token.revoked|token.foreign|transfer.not-started` or the access hook's reason code, 429 `limit.rate|
 * limit.volume` (Retry-After), 416 `range.*`, 502/503/504 `source.*`.
 */
export const edrProperty = {
  authorization: 'authorization',
  authType: 'authType',
  expiresIn: 'expiresIn',
  refreshToken: 'refreshToken',
  refreshEndpoint: 'refreshEndpoint',
} as const;

/** An EDR as plain data, read from or written to a DataAddress. */
export interface Edr {
  readonly endpoint: string;
  readonly accessToken: string;
  /** ISO instant the access token expires (computed from `expiresIn` on receipt). */
  readonly expiresAt: string;
  readonly refreshToken?: string;
  readonly refreshEndpoint?: string;
}

/**
 * A data-plane access the usage-control engine decides on (the policy scope `access`); the data plane calls
 * the node's hook for every request and serves nothing unless it permits.
 */
export interface AccessRequest {
  readonly participantId: string;
  readonly transferId: string;
  readonly agreementId: string;
  /** The consumer the token was issued to. */
  readonly consumerId: string;
  readonly assetId: string;
  readonly at: Date;
}

export interface AccessDecision {
  readonly permitted: boolean;
  /** Stable code, safe to show the consumer (e.g. `policy.expired`); never the provider's rules. */
  readonly reasonCode?: string;
  readonly message?: string;
}

export type AccessHook = (request: AccessRequest) => Promise<AccessDecision>;
