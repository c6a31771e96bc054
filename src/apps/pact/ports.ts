import type { IncomingEvent } from './events.js';
import type { ClientEntitlement, FootprintFilters, Page, PageRequest, ProductFootprint } from './model.js';

/**
 * What the PACT host needs from the footprint exchange: the footprints a client may read. The default
 * implementation (host.ts) keeps PACT ProductFootprints seeded through the management API; the footprint
 * exchange plugs in here instead.
 */
export interface PactFootprints {
  /** The latest version of each footprint the client is entitled to that meets the filters, in id order. */
  list(who: ClientEntitlement, filters: FootprintFilters, page: PageRequest): Promise<Page<ProductFootprint>>;
  /** The latest version of one footprint, or undefined when it is unknown or not the client's to read. */
  get(id: string, who: ClientEntitlement): Promise<ProductFootprint | undefined>;
}

export type RequestCreated = Extract<IncomingEvent, { kind: 'created' }> & { readonly spec: '2' | '3' };
export type AnswerReceived = Extract<IncomingEvent, { kind: 'fulfilled' | 'rejected' }> & {
  readonly spec: '2' | '3';
};
export type PublishedNotice = Extract<IncomingEvent, { kind: 'published' }> & { readonly spec: '2' | '3' };

/**
 * What the host does with the events a client sends. Each may throw PactRefusal to refuse the event at once
 * (PACT: a host that can immediately tell it cannot handle a request answers 4xx); returning means accepted.
 */
export interface PactEvents {
  /** A customer asks for footprints; the answer goes back later as a Fulfilled or Rejected event. */
  requestCreated(event: RequestCreated, who: ClientEntitlement): Promise<void>;
  /** A supplier answers a request this participant sent. */
  answerReceived(event: AnswerReceived, who: ClientEntitlement): Promise<void>;
  /** A supplier says footprints were published or changed. */
  published(event: PublishedNotice, who: ClientEntitlement): Promise<void>;
}
