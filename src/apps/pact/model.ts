import type { PactV3ProductFootprint } from '../footprint/index.js';

/**
 * The PACT host's plain data. Footprints are kept and served as PACT v3 `ProductFootprint`s; v2.3 is a view
 * mapped from them. Who may see one is its audience: named customers of the data owner, or the public.
 */

/** A ProductFootprint as stored: PACT v3 JSON, with its own fields PACT adds beyond the footprint model. */
export type ProductFootprint = PactV3ProductFootprint & {
  readonly version?: number;
  readonly [extra: string]: unknown;
};

/** Everyone with a PACT client of the data owner may read a footprint published for this audience. */
export const publicAudience = '*';

/** Who the caller is, as its access token says: one customer of one participant (the data owner). */
export interface ClientEntitlement {
  readonly participantId: string;
  readonly customer: string;
  readonly clientId: string;
}

/**
 * ListFootprints criteria, values as given. Within one criterion any value matches (OR); every criterion given
 * must match (AND). Text criteria compare case-insensitively, as PACT asks.
 */
export interface FootprintFilters {
  readonly productId?: readonly string[];
  readonly companyId?: readonly string[];
  readonly geography?: readonly string[];
  readonly classification?: readonly string[];
  readonly status?: readonly string[];
  readonly validOn?: string;
  readonly validAfter?: string;
  readonly validBefore?: string;
}

export const listCriteria = ['productId', 'companyId', 'geography', 'classification', 'status'] as const;
export const dateCriteria = ['validOn', 'validAfter', 'validBefore'] as const;

/** A page request: at most `limit` footprints with ids after `after` (ids sort as text). */
export interface PageRequest {
  readonly limit: number;
  readonly after?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** The last id of this page when more follow (the next page starts after it). */
  readonly next?: string;
}

/** A customer's request for footprints (a RequestCreatedEvent), as kept until the data owner answers it. */
export interface FootprintRequest {
  readonly id: string;
  readonly customer: string;
  readonly eventId: string;
  /** Where the answer goes: the event's `source`, checked against the customer's event URLs. */
  readonly source: string;
  readonly spec: '3' | '2';
  readonly criteria: FootprintFilters;
  readonly comment?: string;
  readonly state: 'pending' | 'fulfilled' | 'rejected' | 'undeliverable';
  readonly reason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** PACT's error codes (the `Error` schema of both specs) and the status each answers with. */
export const pactErrorStatus = {
  BadRequest: 400,
  TokenExpired: 401,
  AccessDenied: 403,
  NotFound: 404,
  InternalError: 500,
  NotImplemented: 501,
} as const;
export type PactErrorCode = keyof typeof pactErrorStatus;

export interface PactError {
  readonly code: PactErrorCode;
  readonly message: string;
}
