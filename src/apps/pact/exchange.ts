import type { Kysely } from 'kysely';
import {
  findParticipant,
  footprintsVisibleTo,
  listParts,
  listPublished,
  type Tables,
} from '../../store/index.js';
import {
  exactFootprint,
  type Footprint,
  MappingRefused,
  pactEnvelope,
  toPactV3,
  type Unit,
} from '../footprint/index.js';
import { customerDidOf, customerOfDid } from './clients.js';
import { PactRefusal } from './errors.js';
import { eventTypes } from './events.js';
import { matches } from './filters.js';
import { answerRequest, keepRequest, noticePublished, type PactDeps } from './host.js';
import type { ProductFootprint } from './model.js';
import type { PactEvents, PactFootprints } from './ports.js';
import { pactDb, requestsOfEvent } from './store.js';

/**
 * PACT as an interface onto the footprint exchange (docs/pact.md, "The footprint exchange"). A customer bound to
 * its participant DID sees, besides what was published into the PACT store for it, every footprint the exchange
 * published for that DID (as PACT v3 through the footprint app's mapping); its RequestCreatedEvents for one product
 * become requests in the exchange's inbox, and the exchange's answers go back as Fulfilled/Rejected events.
 */

/** What the PACT host needs of the node's footprint exchange. */
export interface ExchangeInbox {
  /** Files a request from `customerDid` in the exchange's inbox, as one that came over the data space would be. */
  request(
    participantId: string,
    customerDid: string,
    event: {
      readonly id: string;
      readonly productId: string;
      readonly comment?: string;
      readonly raw: unknown;
    },
    actor: string,
  ): Promise<void>;
}

/** PACT ids are bare UUIDs; the exchange's are `urn:uuid:` URNs. */
const bare = (id: string) => id.replace(/^urn:uuid:/i, '');

interface PublishedDocument {
  readonly created: string;
  readonly footprint: Footprint;
}

/** The footprints the exchange published for `did`, as PACT v3 (those PACT v3 cannot express are left out). */
export async function exchangeFootprintsOf(
  db: Kysely<Tables>,
  participantId: string,
  did: string,
): Promise<ProductFootprint[]> {
  const visible = await footprintsVisibleTo(db, participantId, did);
  if (visible.length === 0) return [];
  const [participant, parts, published] = await Promise.all([
    findParticipant(db, participantId),
    listParts(db, participantId),
    listPublished(db, participantId, { customerDid: did }),
  ]);
  const traceOf = new Map(published.map((p) => [p.id, p.traceId]));
  const operator = {
    operatorId: participantId,
    operatorName: participant?.name ?? participantId,
    ...(participant?.corporate_number ? { openOperatorId: participant.corporate_number } : {}),
  };
  return visible.flatMap((v) => {
    const doc = v.document as PublishedDocument;
    const part = parts.find((p) => p.traceId === traceOf.get(v.id));
    // The customer knows the part by the product id it asked for: our trace id never leaves
    const envelope = pactEnvelope(
      operator,
      {
        traceId: v.productIds[0] ?? v.id,
        operatorId: participantId,
        partsName: part?.name ?? v.productIds[0] ?? v.id,
        unit: (part?.unit ?? doc.footprint.declaredUnit) as Unit,
        terminatedFlag: false,
        productIds: v.productIds,
      },
      { id: bare(v.id), created: doc.created, precedingPfIds: v.precedingPfIds.map(bare) },
    );
    try {
      const mapped = toPactV3(exactFootprint(doc.footprint, `footprint ${v.id}`), {
        ...envelope,
        status: v.status,
      });
      return [mapped.value as ProductFootprint];
    } catch (e) {
      if (e instanceof MappingRefused) return []; // PACT v3 cannot say it honestly (e.g. partial)
      throw e;
    }
  });
}

const byId = (a: ProductFootprint, b: ProductFootprint) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The footprint port over both: the PACT store's (as `stored` serves them) and the exchange's for the bound DID. */
export function exchangeFootprints(deps: Pick<PactDeps, 'db'>, stored: PactFootprints): PactFootprints {
  const db = pactDb(deps.db);
  return {
    list: async (who, filters, page) => {
      const [own, did] = await Promise.all([
        stored.list(who, filters, page),
        customerDidOf(db, who.participantId, who.customer),
      ]);
      if (!did) return own;
      const theirs = (await exchangeFootprintsOf(deps.db, who.participantId, did)).filter(
        (pf) => (page.after === undefined || pf.id > page.after) && matches(pf, filters),
      );
      if (theirs.length === 0) return own;
      const merged = [...own.items, ...theirs].sort(byId);
      const items = merged.slice(0, page.limit);
      // Both sources are in id order after the same cursor, so the last id shown is the next page's cursor
      const more = merged.length > page.limit || own.next !== undefined;
      const last = items[items.length - 1];
      return more && last ? { items, next: last.id } : { items };
    },
    get: async (id, who) => {
      const own = await stored.get(id, who);
      if (own) return own;
      const did = await customerDidOf(db, who.participantId, who.customer);
      if (!did) return undefined;
      return (await exchangeFootprintsOf(deps.db, who.participantId, did)).find((pf) => pf.id === id);
    },
  };
}

/**
 * The event port for bound customers: a RequestCreatedEvent naming exactly one product becomes an exchange
 * request from the customer's DID (kept as a PACT request too, so its answer finds the way back). Anything else,
 * and every event of an unbound customer, goes to `stored`.
 */
export function exchangeRequests(deps: PactDeps, stored: PactEvents, inbox: ExchangeInbox): PactEvents {
  const db = pactDb(deps.db);
  return {
    ...stored,
    requestCreated: async (event, who) => {
      const did = await customerDidOf(db, who.participantId, who.customer);
      const productIds = event.filters.productId ?? [];
      const [productId] = productIds;
      if (!did || productIds.length !== 1 || !productId) return stored.requestCreated(event, who);
      const kept = await keepRequest(deps, event, who);
      if (!kept.fresh) return;
      await inbox.request(
        who.participantId,
        did,
        {
          id: event.id,
          productId,
          ...(event.comment ? { comment: event.comment } : {}),
          raw: {
            type: eventTypes['3'].created,
            specversion: '1.0',
            id: event.id,
            source: event.source,
            time: kept.request.createdAt,
            data: { productId: [productId], ...(event.comment ? { comment: event.comment } : {}) },
          },
        },
        `pact-client:${who.clientId}`,
      );
    },
  };
}

/**
 * The exchange's notices for a DID bound to a PACT customer. A pending PACT request gets its answer
 * (RequestFulfilledEvent with the footprint, or RequestRejectedEvent with the reply); any other new version is
 * a PublishedEvent notice. Returns true when the request came over PACT, so no data-space notice is sent.
 */
export function exchangeNotices(deps: PactDeps, footprints: PactFootprints) {
  const db = pactDb(deps.db);
  return async (
    participantId: string,
    customerDid: string,
    kind: 'published' | 'rejected',
    data: { readonly requestEventId?: string; readonly pfIds?: readonly string[]; readonly reply?: string },
  ): Promise<boolean> => {
    const customer = await customerOfDid(db, participantId, customerDid);
    if (!customer) return false;
    const asked = data.requestEventId
      ? await requestsOfEvent(db, participantId, customer, data.requestEventId)
      : [];
    const pending = asked.filter((r) => r.state === 'pending');
    const answer = (requestId: string, a: Parameters<typeof answerRequest>[4]) =>
      answerRequest(deps, footprints, participantId, requestId, a, 'footprint-exchange');
    if (kind === 'rejected') {
      for (const r of pending)
        await answer(r.id, {
          reject: { code: 'NotFound', message: data.reply || 'The data owner declined the request.' },
        });
      return asked.length > 0;
    }
    const pfId = bare(data.pfIds?.[0] ?? '');
    if (!pfId) return asked.length > 0;
    for (const r of pending) {
      try {
        await answer(r.id, { fulfil: [pfId] });
      } catch (e) {
        // The exchange's answer cannot be put into PACT (e.g. a partial footprint): the customer hears why
        if (!(e instanceof PactRefusal) || e.pactCode !== 'BadRequest') throw e;
        await answer(r.id, {
          reject: { code: 'NotFound', message: `The footprint cannot be expressed in PACT v${r.spec}.` },
        });
      }
    }
    if (pending.length === 0) {
      const at = deps.now();
      const sent = await deps.db
        .transaction()
        .execute((trx) => noticePublished(deps, trx, participantId, pfId, [customer], at));
      if (sent > 0) deps.wake();
    }
    return asked.length > 0;
  };
}
