import { PactRefusal } from './errors.js';
import { filtersOfEvent } from './filters.js';
import type { FootprintFilters, PactError } from './model.js';

/** PACT's CloudEvent types, per spec version. */
export const eventTypes = {
  '3': {
    created: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
    fulfilled: 'org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3',
    rejected: 'org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3',
    published: 'org.wbcsd.pact.ProductFootprint.PublishedEvent.3',
  },
  '2': {
    created: 'org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1',
    fulfilled: 'org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1',
    rejected: 'org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1',
    published: 'org.wbcsd.pathfinder.ProductFootprint.Published.v1',
  },
} as const;
export type Spec = keyof typeof eventTypes;
export type EventKind = keyof (typeof eventTypes)['3'];

export interface CloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly time: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** What an incoming event asks of the host, once checked. */
export type IncomingEvent =
  | {
      readonly kind: 'created';
      readonly id: string;
      readonly source: string;
      readonly filters: FootprintFilters;
      readonly comment?: string;
    }
  | {
      readonly kind: 'fulfilled';
      readonly id: string;
      readonly source: string;
      readonly requestEventId: string;
      readonly pfs: readonly unknown[];
    }
  | {
      readonly kind: 'rejected';
      readonly id: string;
      readonly source: string;
      readonly requestEventId: string;
      readonly error: PactError;
    }
  | {
      readonly kind: 'published';
      readonly id: string;
      readonly source: string;
      readonly pfIds: readonly string[];
    };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Checks a CloudEvent (structured JSON mode) and says what it asks, and in which PACT version (its type names
 * it: the conformance cases send a v2 request to `/3/events`, so the type decides, not the path). An unknown
 * type or a malformed envelope is a BadRequest: PACT asks a host to refuse an invalid event with a 4xx rather
 * than accept and drop it.
 */
export function readEvent(body: unknown): IncomingEvent & { readonly spec: Spec } {
  if (!isObject(body)) throw new PactRefusal('BadRequest', 'the body must be a CloudEvent (a JSON object)');
  const { specversion, id, source, time, type, data } = body;
  if (specversion !== '1.0') throw new PactRefusal('BadRequest', 'specversion must be "1.0"');
  if (!nonEmpty(id) || !nonEmpty(source) || !nonEmpty(time) || !nonEmpty(type))
    throw new PactRefusal('BadRequest', 'a CloudEvent needs id, source, time and type');
  if (Number.isNaN(Date.parse(time))) throw new PactRefusal('BadRequest', 'time must be a date-time');
  if (!isObject(data)) throw new PactRefusal('BadRequest', 'data must be an object');
  const spec = (['3', '2'] as const).find((s) => Object.values(eventTypes[s]).includes(type as never));
  const kind =
    spec && (Object.entries(eventTypes[spec]) as [EventKind, string][]).find(([, t]) => t === type)?.[0];
  if (!spec || !kind) throw new PactRefusal('BadRequest', `unknown event type ${type}`);
  const base = { id, source, spec };
  if (kind === 'created') {
    // v2.x wraps the criteria as a ProductFootprint fragment (`pf`); v3 sends them flat
    const criteria = spec === '2' ? criteriaOfFragment(data) : data;
    const comment = typeof data.comment === 'string' ? data.comment : undefined;
    return { kind, ...base, filters: filtersOfEvent(criteria), ...(comment ? { comment } : {}) };
  }
  if (kind === 'published') {
    const pfIds = data.pfIds;
    if (!Array.isArray(pfIds) || pfIds.some((x) => !nonEmpty(x)))
      throw new PactRefusal('BadRequest', 'data.pfIds must be a list of footprint ids');
    return { kind, ...base, pfIds: pfIds as string[] };
  }
  if (!nonEmpty(data.requestEventId)) throw new PactRefusal('BadRequest', 'data.requestEventId is required');
  if (kind === 'fulfilled') {
    if (!Array.isArray(data.pfs) || data.pfs.length === 0)
      throw new PactRefusal('BadRequest', 'data.pfs must be a non-empty list');
    return { kind, ...base, requestEventId: data.requestEventId, pfs: data.pfs };
  }
  const error = data.error;
  if (!isObject(error) || !nonEmpty(error.code) || typeof error.message !== 'string')
    throw new PactRefusal('BadRequest', 'data.error needs code and message');
  return { kind, ...base, requestEventId: data.requestEventId, error: error as unknown as PactError };
}

/** v2.x asks with a ProductFootprint fragment: its productIds and companyIds become criteria. */
function criteriaOfFragment(data: Record<string, unknown>): Record<string, unknown> {
  // The conformance cases also send v3-style flat criteria to /2/events: take those as they are.
  if (!isObject(data.pf)) {
    if (data.productId !== undefined || data.companyId !== undefined) return data;
    throw new PactRefusal('BadRequest', 'data.pf (a ProductFootprint fragment) is required');
  }
  const pf = data.pf;
  const criteria: Record<string, unknown> = {};
  if (pf.productIds !== undefined) criteria.productId = pf.productIds;
  if (pf.companyIds !== undefined) criteria.companyId = pf.companyIds;
  if (Object.keys(criteria).length === 0)
    throw new PactRefusal('BadRequest', 'data.pf must name productIds or companyIds');
  return criteria;
}

function event(
  spec: Spec,
  kind: EventKind,
  id: string,
  source: string,
  time: Date,
  data: Record<string, unknown>,
): CloudEvent {
  return { specversion: '1.0', id, source, time: time.toISOString(), type: eventTypes[spec][kind], data };
}

/** The answer to a request: the footprints found (RequestFulfilledEvent). */
export function fulfilledEvent(
  spec: Spec,
  a: { id: string; source: string; time: Date; requestEventId: string; pfs: readonly unknown[] },
): CloudEvent {
  return event(spec, 'fulfilled', a.id, a.source, a.time, { requestEventId: a.requestEventId, pfs: a.pfs });
}

/** The answer to a request that cannot be met (RequestRejectedEvent). */
export function rejectedEvent(
  spec: Spec,
  a: { id: string; source: string; time: Date; requestEventId: string; error: PactError },
): CloudEvent {
  return event(spec, 'rejected', a.id, a.source, a.time, {
    requestEventId: a.requestEventId,
    error: a.error,
  });
}

/** The notice that footprints were published or changed (PublishedEvent). */
export function publishedEvent(
  spec: Spec,
  a: { id: string; source: string; time: Date; pfIds: readonly string[] },
): CloudEvent {
  return event(spec, 'published', a.id, a.source, a.time, { pfIds: a.pfIds });
}
