import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { enqueue } from '../../dataspace/outbox/index.js';
import { type AuditEntry, appendAudit, type Tables } from '../../store/index.js';
import { MappingRefused } from '../footprint/index.js';
import { findOutboundCredentials, sourceAllowed } from './clients.js';
import { PactRefusal } from './errors.js';
import { type CloudEvent, fulfilledEvent, publishedEvent, rejectedEvent, type Spec } from './events.js';
import type { ClientEntitlement, FootprintRequest, PactError, ProductFootprint } from './model.js';
import { publicAudience } from './model.js';
import type { PactEvents, PactFootprints, RequestCreated } from './ports.js';
import {
  findFootprint,
  findRequest,
  insertRequest,
  listFootprints,
  pactDb,
  setRequestState,
} from './store.js';
import { toV2 } from './v2.js';

/** The outbox's process type of PACT events this host sends. */
export const pactProcessType = 'pact';

export interface PactDeps {
  readonly db: Kysely<Tables>;
  readonly nodeSecret: string;
  readonly now: () => Date;
  /** A participant's PACT base URL as its customers reach it (absolute, no trailing slash). */
  readonly baseUrl: (participantId: string) => string;
  /** Something was written to the outbox: send it. */
  readonly wake: () => void;
}

/** Where events for a customer go: an events endpoint as given, or a PACT base URL's `/<spec>/events`. */
export function eventsEndpoint(urlOrBase: string, spec: Spec): string {
  const url = new URL(urlOrBase);
  if (/\/events\/?$/.test(url.pathname)) return url.toString();
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${spec}/events`;
  return url.toString();
}

async function audit(db: Kysely<Tables>, entry: AuditEntry, at: Date): Promise<void> {
  await appendAudit(db, entry, at);
}

/** The default footprint port: the ProductFootprints kept in this node's store. */
export function storedFootprints(deps: Pick<PactDeps, 'db'>): PactFootprints {
  const db = pactDb(deps.db);
  return {
    list: async (who, filters, page) => {
      const found = await listFootprints(db, who.participantId, who.customer, filters, page);
      return { items: found.items.map((f) => f.footprint), ...(found.next ? { next: found.next } : {}) };
    },
    get: async (id, who) => (await findFootprint(db, who.participantId, id, who.customer))?.footprint,
  };
}

/**
 * Keeps a customer's RequestCreatedEvent as a pending request, once per event: refused at once when the answer
 * could not be sent (no event endpoint registered for the customer, or a `source` that is not one of them).
 */
export async function keepRequest(
  deps: PactDeps,
  event: RequestCreated,
  who: ClientEntitlement,
): Promise<{ request: FootprintRequest; fresh: boolean; autoAnswer: boolean }> {
  const db = pactDb(deps.db);
  const creds = await findOutboundCredentials(db, deps.nodeSecret, who.participantId, who.customer);
  if (!creds)
    throw new PactRefusal(
      'BadRequest',
      'no event endpoint is registered for this client: the answer could not be sent',
    );
  if (!sourceAllowed(event.source, creds.eventUrls))
    throw new PactRefusal(
      'BadRequest',
      `source ${event.source} is not an event endpoint registered for this client`,
    );
  const at = deps.now();
  const request: FootprintRequest = {
    id: randomUUID(),
    customer: who.customer,
    eventId: event.id,
    source: event.source,
    spec: event.spec,
    criteria: event.filters,
    ...(event.comment ? { comment: event.comment } : {}),
    state: 'pending',
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  };
  const fresh = await deps.db.transaction().execute(async (trx) => {
    const isNew = await insertRequest(pactDb(trx), who.participantId, request);
    if (isNew)
      await audit(
        trx,
        {
          participantId: who.participantId,
          actor: `pact-client:${who.clientId}`,
          action: 'pact.request.create',
          resourceType: 'pact-request',
          resourceId: request.id,
          via: 'pact',
          outcome: 'success',
          details: { customer: who.customer, eventId: event.id },
        },
        at,
      );
    return isNew;
  });
  return { request, fresh, autoAnswer: creds.autoAnswer };
}

/**
 * The default event port: a request is kept for the operator (or answered at once when the customer is set to
 * auto-answer); answers and notices from suppliers are recorded in the audit log.
 */
export function storedRequests(deps: PactDeps, footprints: PactFootprints): PactEvents {
  return {
    requestCreated: async (event, who) => {
      const kept = await keepRequest(deps, event, who);
      if (kept.fresh && kept.autoAnswer)
        await answerRequest(deps, footprints, who.participantId, kept.request.id, { auto: true }, 'system');
    },
    answerReceived: async (event, who) => {
      await audit(
        deps.db,
        {
          participantId: who.participantId,
          actor: `pact-client:${who.clientId}`,
          action: `pact.answer.${event.kind}`,
          resourceType: 'pact-request',
          resourceId: event.requestEventId,
          via: 'pact',
          outcome: 'success',
          details: {
            customer: who.customer,
            eventId: event.id,
            count: event.kind === 'fulfilled' ? event.pfs.length : 0,
          },
        },
        deps.now(),
      );
    },
    published: async (event, who) => {
      await audit(
        deps.db,
        {
          participantId: who.participantId,
          actor: `pact-client:${who.clientId}`,
          action: 'pact.published.received',
          resourceType: 'pact-footprint',
          resourceId: event.pfIds.slice(0, 20).join(','),
          via: 'pact',
          outcome: 'success',
          details: { customer: who.customer, eventId: event.id, pfIds: event.pfIds.length },
        },
        deps.now(),
      );
    },
  };
}

/** How the operator answers: named footprints, a refusal, or `auto` (every published match, else NotFound). */
export type Answer =
  | { readonly fulfil: readonly string[] }
  | { readonly reject: PactError }
  | { readonly auto: true };

/** The footprints as the request's PACT version shows them; v2.3 leaves out what it cannot express. */
function inSpec(spec: Spec, pfs: readonly ProductFootprint[]): unknown[] {
  if (spec === '3') return [...pfs];
  return pfs.flatMap((pf) => {
    try {
      return [toV2(pf).value];
    } catch (e) {
      if (e instanceof MappingRefused) return [];
      throw e;
    }
  });
}

/**
 * Answers a pending request: the Fulfilled or Rejected event goes to the outbox in the same transaction as the
 * state change (so it is sent exactly once, retried with back-off until the customer takes it).
 */
export async function answerRequest(
  deps: PactDeps,
  footprints: PactFootprints,
  participantId: string,
  requestId: string,
  answer: Answer,
  actor: string,
): Promise<FootprintRequest> {
  const db = pactDb(deps.db);
  const request = await findRequest(db, participantId, requestId);
  if (!request) throw new PactRefusal('NotFound', `request ${requestId} not found`);
  if (request.state !== 'pending')
    throw new PactRefusal('BadRequest', `request ${requestId} was already answered (${request.state})`);
  const who: ClientEntitlement = { participantId, customer: request.customer, clientId: '' };
  let pfs: unknown[] = [];
  let error: PactError | undefined;
  if ('reject' in answer) error = answer.reject;
  else {
    const chosen =
      'auto' in answer
        ? (await footprints.list(who, request.criteria, { limit: 100 })).items
        : await Promise.all(answer.fulfil.map((id) => footprints.get(id, who)));
    if ('fulfil' in answer && chosen.some((pf) => pf === undefined))
      throw new PactRefusal('BadRequest', 'every footprint named must be one published for this customer');
    pfs = inSpec(request.spec, chosen as ProductFootprint[]);
    if (pfs.length === 0) {
      if ('fulfil' in answer)
        throw new PactRefusal('BadRequest', `none of these footprints can be sent as PACT v${request.spec}`);
      error = { code: 'NotFound', message: 'The requested footprint could not be found.' };
    }
  }
  const at = deps.now();
  const common = {
    id: randomUUID(),
    source: `${deps.baseUrl(participantId)}/${request.spec}/events`,
    time: at,
    requestEventId: request.eventId,
  };
  const event: CloudEvent = error
    ? rejectedEvent(request.spec, { ...common, error })
    : fulfilledEvent(request.spec, { ...common, pfs });
  const to = error ? 'rejected' : 'fulfilled';
  await deps.db.transaction().execute(async (trx) => {
    if (!(await setRequestState(pactDb(trx), participantId, requestId, 'pending', to, error?.message, at)))
      throw new PactRefusal('BadRequest', `request ${requestId} was already answered`);
    await enqueue(
      trx,
      {
        participantId,
        processType: pactProcessType,
        processId: requestId,
        url: eventsEndpoint(request.source, request.spec),
        audience: request.customer,
        message: event,
      },
      at,
    );
    await audit(
      trx,
      {
        participantId,
        actor,
        action: `pact.request.${to === 'fulfilled' ? 'fulfil' : 'reject'}`,
        resourceType: 'pact-request',
        resourceId: requestId,
        via: actor === 'system' ? 'pact' : 'management-api',
        outcome: 'success',
        details: { customer: request.customer, footprints: pfs.length },
      },
      at,
    );
  });
  deps.wake();
  return { ...request, state: to, ...(error ? { reason: error.message } : {}), updatedAt: at.toISOString() };
}

/**
 * PublishedEvent notices for a footprint that was published or changed: one to each customer that may read it
 * and has an event endpoint registered (all such customers for a public footprint). Call inside the transaction
 * that stored the footprint.
 */
export async function noticePublished(
  deps: PactDeps,
  trx: Kysely<Tables>,
  participantId: string,
  pfId: string,
  audiences: readonly string[],
  at: Date,
): Promise<number> {
  let q = pactDb(trx)
    .selectFrom('pact_outbound_credentials')
    .select(['customer', 'event_urls'])
    .where('participant_id', '=', participantId);
  if (!audiences.includes(publicAudience)) {
    if (audiences.length === 0) return 0;
    q = q.where('customer', 'in', [...audiences]);
  }
  const customers = await q.execute();
  for (const c of customers) {
    const first = (JSON.parse(c.event_urls) as string[])[0];
    if (!first) continue;
    const event = publishedEvent('3', {
      id: randomUUID(),
      source: `${deps.baseUrl(participantId)}/3/events`,
      time: at,
      pfIds: [pfId],
    });
    await enqueue(
      trx,
      {
        participantId,
        processType: pactProcessType,
        processId: `published:${pfId}:${c.customer}`,
        url: eventsEndpoint(first, '3'),
        audience: c.customer,
        message: event,
      },
      at,
    );
  }
  return customers.length;
}

/** The outbox gave up on a request's answer: the request says so (notices have nothing to update). */
export async function answerUndeliverable(
  deps: PactDeps,
  participantId: string,
  processId: string,
  reason: string,
): Promise<void> {
  const db = pactDb(deps.db);
  const at = deps.now();
  for (const from of ['fulfilled', 'rejected'] as const)
    await setRequestState(db, participantId, processId, from, 'undeliverable', reason.slice(0, 500), at);
}
