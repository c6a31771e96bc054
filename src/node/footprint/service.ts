import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { decodeProtectedHeader } from 'jose';
import {
  aggregate,
  exactFootprint,
  type Footprint,
  outdated,
  publish,
  signFootprint,
  verifyFootprint,
} from '../../apps/footprint/index.js';
import { insertOffer } from '../../dataspace/catalog/index.js';
import { findPolicy, insertPolicy } from '../../dataspace/policy/index.js';
import { NotFound } from '../../errors/index.js';
import {
  type AuditEntry,
  appendAudit,
  findPart,
  findRequest,
  footprintSettings,
  insertPublished,
  insertRequest,
  listPublished,
  listRequests,
  listTradeLinks,
  participantStore,
  type StoredPublished,
  type StoredRequest,
  updatePublished,
  updateRequest,
} from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { didResolverOf, ownDids } from '../counterparty.js';
import { privateKeyOf } from '../participants.js';
import { signerOf } from '../signing.js';
import { answerKey, boughtBelow, companyOf } from './company.js';
import { AnswerRejected, ExchangeFailed, RequestStateConflict } from './errors.js';
import {
  type ExchangeClient,
  publishedEventType,
  publishedSourceType,
  rejectedEventType,
  requestCancelledEventType,
} from './wire.js';

/**
 * The footprint exchange's steps on one node, for either side: a supplier answering its customers' requests
 * (asking its own suppliers first) and a customer taking its suppliers' signed answers in. HTTP is elsewhere
 * (exchange.ts); `client` sends what must leave the node.
 */

export const footprintDocumentType = 'musubi-footprint/1';

/** The signed document a supplier publishes for one customer: the per-unit aggregate, nothing about its BOM. */
export interface PublishedDocument {
  readonly type: typeof footprintDocumentType;
  readonly id: string;
  readonly version: number;
  readonly status: 'Active';
  readonly precedingPfIds: readonly string[];
  readonly created: string;
  readonly issuer: string;
  readonly customer: string;
  readonly requestEventId: string;
  readonly productIds: readonly string[];
  readonly footprint: Footprint;
}

const audit = (ctx: NodeContext, e: AuditEntry) => appendAudit(ctx.db, e, ctx.now());

/** One DID this participant is known by (the first of `ownDids`). */
export const didOf = (ctx: NodeContext, participantId: string) => ownDids(ctx, participantId)[0] ?? '';

export interface FootprintService {
  /** Supplier: a customer's RequestCreatedEvent came in (already authenticated to its agreement). */
  received(participantId: string, r: StoredRequest): Promise<void>;
  link(participantId: string, requestId: string, traceId: string, actor: string): Promise<StoredRequest>;
  reject(participantId: string, requestId: string, reply: string, actor: string): Promise<StoredRequest>;
  /** Computes and publishes (or holds for approval); `allowPartial` publishes even without every answer. */
  answer(
    participantId: string,
    requestId: string,
    actor: string,
    allowPartial: boolean,
  ): Promise<StoredRequest>;
  approve(participantId: string, requestId: string, actor: string): Promise<StoredRequest>;
  /** Customer: withdraws a request; the supplier is told and stops answering it. */
  cancel(participantId: string, requestId: string, actor: string): Promise<StoredRequest>;
  /** Supplier: the customer withdrew a request. */
  cancelled(participantId: string, customerDid: string, eventId: string): Promise<void>;
  /** Customer: asks the supplier linked to `traceId` for its footprint. */
  ask(
    participantId: string,
    traceId: string,
    o: { message?: string; dueDate?: string },
    actor: string,
  ): Promise<StoredRequest>;
  /** Customer: a supplier announced a published footprint: fetch, verify, file, recompute what depends on it. */
  published(
    participantId: string,
    supplierDid: string,
    eventId: string,
    pfId: string,
  ): Promise<StoredRequest>;
  /** Customer: a supplier rejected a request. */
  rejected(
    participantId: string,
    supplierDid: string,
    eventId: string,
    reply: string,
  ): Promise<StoredRequest>;
  /** Own data changed (a part's emissions, the BOM): answers built on it are recomputed and published again. */
  ownChanged(participantId: string, traceIds: readonly string[]): Promise<void>;
  /** Resolves once no background work (auto answers, upstream requests) is running. */
  settled(): Promise<void>;
  // ── hooks for apps that keep their own product data (the Ouranos API: src/node/footprint/ouranos.ts) ──
  /** Customer: sends a request for `supplierPart` without a trade link; `extensions` are CloudEvents attributes. */
  request(
    participantId: string,
    to: { supplierDid: string; supplierAddress: string; supplierPart: string; traceId?: string },
    o: { message?: string; dueDate?: string; extensions?: Record<string, unknown> },
    actor: string,
  ): Promise<StoredRequest>;
  /** Supplier: publishes `footprint` (the app's, of its part `traceId`) as the answer to an inbox request. */
  answerWith(
    participantId: string,
    requestId: string,
    answer: { traceId: string; footprint: Footprint },
    actor: string,
  ): Promise<void>;
  /** Tells `observer` of each request received (supplier) and each verified answer filed (customer). */
  observe(observer: FootprintObserver): void;
}

export interface FootprintObserver {
  received?(participantId: string, r: StoredRequest): Promise<void>;
  answered?(participantId: string, r: StoredRequest): Promise<void>;
  rejected?(participantId: string, r: StoredRequest): Promise<void>;
  cancelled?(participantId: string, r: StoredRequest): Promise<void>;
}

/** Notices that did not get through are retried with back-off (0.25 s, 1 s, 4 s, 16 s); a refusal (4xx) is not. */
const noticeAttempts = 5;

async function withRetries(work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      const refused = e instanceof ExchangeFailed && e.status !== undefined && e.status < 500;
      if (refused || attempt >= noticeAttempts) throw e;
      await new Promise((r) => setTimeout(r, 250 * 4 ** (attempt - 1)).unref());
    }
  }
}

export function footprintService(ctx: NodeContext, client: ExchangeClient): FootprintService {
  const running = new Set<Promise<unknown>>();
  const background = (what: string, work: () => Promise<unknown>) => {
    const p = work()
      .catch((err) => ctx.logger.info({ reason: (err as Error).message, what }, 'footprint work failed'))
      .finally(() => running.delete(p));
    running.add(p);
  };
  // One answer computation per participant at a time: two upstream answers arriving together must not
  // publish two versions from the same state.
  const queues = new Map<string, Promise<unknown>>();
  const serial = <T>(participantId: string, work: () => Promise<T>): Promise<T> => {
    const prev = queues.get(participantId) ?? Promise.resolve();
    const next = prev.then(work, work);
    queues.set(
      participantId,
      next.catch(() => undefined),
    );
    return next;
  };

  const observers: FootprintObserver[] = [];
  // an observer's failure is its own: the exchange's step has happened and stays done
  const tell = async (what: keyof FootprintObserver, participantId: string, r: StoredRequest) => {
    for (const o of observers)
      await o[what]?.(participantId, r).catch((err: unknown) =>
        ctx.logger.info({ reason: (err as Error).message, what }, 'footprint observer failed'),
      );
  };

  const mustFind = async (participantId: string, id: string) => {
    const r = await findRequest(ctx.db, participantId, id);
    if (!r) throw new NotFound('footprint-request', id);
    return r;
  };

  const save = async (participantId: string, r: StoredRequest) => {
    const next = { ...r, updatedAt: ctx.now().toISOString() };
    await updateRequest(ctx.db, participantId, next);
    return next;
  };

  /** Supplier: make sure every bought part below `traceId` was asked for; true when all are answered. */
  async function askUpstream(participantId: string, traceId: string): Promise<boolean> {
    const { data } = await companyOf(ctx.db, participantId);
    const links = await listTradeLinks(ctx.db, participantId);
    const outbox = await listRequests(ctx.db, participantId, { direction: 'outbox' });
    let complete = true;
    for (const bought of boughtBelow(data, traceId)) {
      const link = links.find((l) => l.traceId === bought);
      if (!link) continue;
      const asked = outbox.filter(
        (r) =>
          r.counterpartyDid === link.supplierDid &&
          r.partRef === link.supplierPart &&
          r.status !== 'cancelled' &&
          r.status !== 'rejected',
      );
      if (!asked.some((r) => r.answer !== undefined)) complete = false;
      if (asked.length === 0) await service.ask(participantId, bought, {}, 'footprint-cascade');
    }
    return complete;
  }

  /** Supplier: computes the linked part and publishes a new version for the request's customer. */
  async function publishFor(
    participantId: string,
    r: StoredRequest,
    actor: string,
    allowPartial: boolean,
    given?: Footprint,
  ) {
    if (!r.traceId) throw new RequestStateConflict(r.id, 'not linked to a part', 'answer');
    const traceId = r.traceId;
    const computed = async () => {
      const { data, answers } = await companyOf(ctx.db, participantId);
      return aggregate(data, answers, [traceId]).get(traceId);
    };
    // a given footprint is exact-checked (a malformed one throws here, before anything is stored)
    const result = given ? { footprint: exactFootprint(given) } : await computed();
    if (!result?.footprint || (result.footprint.partial && !allowPartial)) return { partial: true as const };
    const previous = (await listPublished(ctx.db, participantId, { requestId: r.id })).filter(
      (p) => p.status !== 'Deprecated',
    );
    const at = ctx.now().toISOString();
    const pfId = `urn:uuid:${randomUUID()}`;
    const issuer = didOf(ctx, participantId);
    const rounded = publish(result.footprint);
    const document: PublishedDocument = {
      type: footprintDocumentType,
      id: pfId,
      version: Math.max(0, ...previous.map((p) => p.version), ...(await versionsOf(participantId, r.id))) + 1,
      status: 'Active',
      precedingPfIds: previous.filter((p) => p.status === 'Active').map((p) => p.id),
      created: at,
      issuer,
      customer: r.counterpartyDid,
      requestEventId: r.eventId,
      productIds: [r.partRef],
      // Our own trace id stays ours: the customer knows the part by the product id it asked for.
      footprint: { ...rounded, traceId: r.partRef },
    };
    const settings = await footprintSettings(ctx.db, participantId);
    const record: StoredPublished = {
      id: pfId,
      requestId: r.id,
      customerDid: r.counterpartyDid,
      traceId: r.traceId,
      productIds: [r.partRef],
      version: document.version,
      status: 'Pending',
      precedingPfIds: document.precedingPfIds,
      document,
      createdAt: at,
      updatedAt: at,
    };
    // A held answer replaces an older held one; it is never shown before approval.
    for (const p of previous.filter((p) => p.status === 'Pending'))
      await updatePublished(ctx.db, participantId, { ...p, status: 'Deprecated', updatedAt: at });
    await insertPublished(ctx.db, participantId, record);
    await audit(ctx, {
      participantId,
      actor,
      action: 'footprint.compute',
      resourceType: 'footprint-request',
      resourceId: r.id,
      via: 'footprint',
      outcome: 'success',
      details: { pfId, version: document.version, partial: result.footprint.partial },
    });
    if (settings.approveBeforePublish) return { partial: false as const, held: record };
    return { partial: false as const, published: await activate(participantId, record, actor) };
  }

  async function versionsOf(participantId: string, requestId: string): Promise<number[]> {
    return (await listPublished(ctx.db, participantId, { requestId })).map((p) => p.version);
  }

  /** Signs, offers the footprint to its one customer, deprecates the versions it replaces, tells the customer. */
  async function activate(
    participantId: string,
    p: StoredPublished,
    actor: string,
  ): Promise<StoredPublished> {
    const signer = await signerOf(ctx, participantId);
    // The key history knows the key by its thumbprint; peers by `<did>#<thumbprint>`.
    const privateJwk = await privateKeyOf(
      ctx.participants,
      participantId,
      signer.kid.slice(signer.kid.indexOf('#') + 1),
    );
    const jws = await signFootprint(p.document, { kid: signer.kid, alg: signer.alg, privateJwk });
    const at = ctx.now().toISOString();
    const assetId = await offerToCustomer(participantId, p, at);
    const active: StoredPublished = { ...p, status: 'Active', jws, assetId, updatedAt: at };
    await ctx.db.transaction().execute(async (trx) => {
      const tx = participantStore(trx, participantId);
      for (const old of await listPublished(trx, participantId, {
        requestId: p.requestId,
        status: 'Active',
      }))
        await updatePublished(trx, participantId, { ...old, status: 'Deprecated', updatedAt: at });
      await updatePublished(trx, participantId, active);
      const r = await findRequest(trx, participantId, p.requestId);
      if (r) await updateRequest(trx, participantId, { ...r, status: 'answered', pfId: p.id, updatedAt: at });
      await tx.audit(
        {
          actor,
          action: 'footprint.publish',
          resourceType: 'footprint',
          resourceId: p.id,
          via: 'footprint',
          outcome: 'success',
          details: { requestId: p.requestId, version: p.version, customer: p.customerDid },
        },
        new Date(at),
      );
    });
    const r = await findRequest(ctx.db, participantId, p.requestId);
    if (r)
      background('notify', () =>
        withRetries(() =>
          client.notify(participantId, r.counterpartyDid, publishedEventType, {
            requestEventId: r.eventId,
            pfIds: [p.id],
          }),
        ),
      );
    return active;
  }

  /**
   * The answer as a data product of its own: an asset and an offer whose access and contract policies admit
   * only the customer's DID, so no other participant sees it in the catalog or can agree to it.
   */
  async function offerToCustomer(participantId: string, p: StoredPublished, at: string): Promise<string> {
    const store = participantStore(ctx.db, participantId);
    const assetId = `footprint-${p.id.replace(/^urn:uuid:/, '')}`;
    const policyId = `footprint-customer-${p.requestId}`;
    if (!(await findPolicy(ctx.db, participantId, policyId)))
      await insertPolicy(ctx.db, participantId, {
        id: policyId,
        title: 'footprint: this customer only',
        permission: [
          {
            action: 'use',
            constraint: [{ leftOperand: 'did', operator: 'eq', rightOperand: p.customerDid }],
          },
        ],
        createdAt: at,
        updatedAt: at,
      });
    await store.insertAsset({
      id: assetId,
      title: `product footprint ${p.productIds.join(', ')} v${p.version}`,
      description: '',
      contentType: 'application/jose',
      keywords: ['footprint'],
      properties: { pfId: p.id, version: p.version },
      dataAddress: { type: publishedSourceType, participantId, pfId: p.id },
      createdAt: at,
      updatedAt: at,
    });
    await insertOffer(ctx.db, participantId, {
      id: `offer-${assetId}`,
      accessPolicyId: policyId,
      contractPolicyId: policyId,
      selector: { assetIds: [assetId] },
      createdAt: at,
      updatedAt: at,
    });
    return assetId;
  }

  /** Supplier: after a change upstream or own, recompute every answered request that depends on it. */
  async function reanswer(participantId: string, changedTraceIds: Set<string>, actor: string) {
    const inbox = await listRequests(ctx.db, participantId, { direction: 'inbox' });
    for (const r of inbox) {
      if (!r.traceId || !changedTraceIds.has(r.traceId)) continue;
      if (r.status === 'answered' || r.status === 'outdated') {
        const stale = await save(participantId, { ...r, status: 'outdated' });
        const done = await publishFor(participantId, stale, actor, false);
        if (done.partial) continue;
      } else if (r.status === 'requested') {
        await tryAnswer(participantId, r.id);
      }
    }
  }

  /** Supplier, unattended: ask upstream first, answer once everything is in. */
  async function tryAnswer(participantId: string, requestId: string) {
    const r = await findRequest(ctx.db, participantId, requestId);
    if (!r?.traceId || r.status !== 'requested') return;
    if (!(await askUpstream(participantId, r.traceId))) return;
    await publishFor(participantId, r, 'footprint-cascade', false);
  }

  const service: FootprintService = {
    async received(participantId, r) {
      await tell('received', participantId, r);
      const settings = await footprintSettings(ctx.db, participantId);
      if (!settings.autoLink) return;
      const parts = await companyOf(ctx.db, participantId);
      const matches = parts.data.parts.filter(
        (p) => p.productIds?.includes(r.partRef) || p.traceId === r.partRef,
      );
      if (matches.length !== 1) return;
      const [part] = matches;
      if (!part) return;
      await save(participantId, { ...r, traceId: part.traceId });
      background('auto-answer', () => serial(participantId, () => tryAnswer(participantId, r.id)));
    },

    async link(participantId, requestId, traceId, actor) {
      const r = await mustFind(participantId, requestId);
      if (r.direction !== 'inbox') throw new NotFound('footprint-request', requestId);
      if (r.status !== 'requested' && r.status !== 'outdated')
        throw new RequestStateConflict(r.id, r.status, 'link');
      if (!(await findPart(ctx.db, participantId, traceId))) throw new NotFound('part', traceId);
      const next = await save(participantId, { ...r, traceId });
      await audit(ctx, {
        participantId,
        actor,
        action: 'footprint.link',
        resourceType: 'footprint-request',
        resourceId: r.id,
        via: 'management-api',
        outcome: 'success',
        details: { traceId },
      });
      // Ask upstream at once, so the answer can follow without anyone waiting.
      background('ask-upstream', () => askUpstream(participantId, traceId));
      return next;
    },

    async reject(participantId, requestId, reply, actor) {
      const r = await mustFind(participantId, requestId);
      if (r.direction !== 'inbox') throw new NotFound('footprint-request', requestId);
      if (r.status !== 'requested' && r.status !== 'outdated')
        throw new RequestStateConflict(r.id, r.status, 'reject');
      const next = await save(participantId, { ...r, status: 'rejected', reply });
      await audit(ctx, {
        participantId,
        actor,
        action: 'footprint.reject',
        resourceType: 'footprint-request',
        resourceId: r.id,
        via: 'management-api',
        outcome: 'success',
      });
      background('notify', () =>
        withRetries(() =>
          client.notify(participantId, r.counterpartyDid, rejectedEventType, {
            requestEventId: r.eventId,
            reply,
          }),
        ),
      );
      return next;
    },

    answer: (participantId, requestId, actor, allowPartial) =>
      serial(participantId, async () => {
        const r = await mustFind(participantId, requestId);
        if (r.direction !== 'inbox') throw new NotFound('footprint-request', requestId);
        if (r.status === 'rejected' || r.status === 'cancelled')
          throw new RequestStateConflict(r.id, r.status, 'answer');
        const done = await publishFor(participantId, r, actor, allowPartial);
        if (done.partial)
          throw new RequestStateConflict(r.id, 'waiting for supplier answers', 'answer completely');
        return mustFind(participantId, requestId);
      }),

    async approve(participantId, requestId, actor) {
      const r = await mustFind(participantId, requestId);
      if (r.direction !== 'inbox') throw new NotFound('footprint-request', requestId);
      const held = (await listPublished(ctx.db, participantId, { requestId, status: 'Pending' })).at(-1);
      if (!held) throw new RequestStateConflict(r.id, r.status, 'approve: no answer awaits approval');
      await activate(participantId, held, actor);
      return mustFind(participantId, requestId);
    },

    async ask(participantId, traceId, o, actor) {
      const link = (await listTradeLinks(ctx.db, participantId)).find((l) => l.traceId === traceId);
      if (!link) throw new NotFound('trade-link', traceId);
      return service.request(participantId, { ...link, traceId }, o, actor);
    },

    async request(participantId, link, o, actor) {
      const at = ctx.now().toISOString();
      const eventId = randomUUID();
      // PACT v3 RequestCreatedEvent: the product asked about and a comment; never our own quantities or BOM.
      const event = {
        type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
        specversion: '1.0',
        ...o.extensions,
        id: eventId,
        source: didOf(ctx, participantId),
        time: at,
        data: {
          productId: [link.supplierPart],
          ...(o.message ? { comment: o.message } : {}),
          ...(o.dueDate ? { dueDate: o.dueDate } : {}),
        },
      };
      const r: StoredRequest = {
        id: `urn:uuid:${randomUUID()}`,
        direction: 'outbox',
        eventId,
        counterpartyDid: link.supplierDid,
        counterpartyAddress: link.supplierAddress,
        partRef: link.supplierPart,
        ...(link.traceId !== undefined ? { traceId: link.traceId } : {}),
        ...(o.message ? { message: o.message } : {}),
        ...(o.dueDate ? { dueDate: o.dueDate } : {}),
        status: 'requested',
        event,
        createdAt: at,
        updatedAt: at,
      };
      // Filed before sending: an unattended supplier may answer before our send returns.
      await insertRequest(ctx.db, participantId, r);
      try {
        await client.send(participantId, link.supplierDid, link.supplierAddress, event);
      } catch (e) {
        await save(participantId, {
          ...r,
          status: 'cancelled',
          reply: `not delivered: ${(e as Error).message}`,
        });
        throw e;
      }
      await audit(ctx, {
        participantId,
        actor,
        action: 'footprint.request',
        resourceType: 'footprint-request',
        resourceId: r.id,
        via: 'footprint',
        outcome: 'success',
        details: { supplier: link.supplierDid, part: link.supplierPart },
      });
      return r;
    },

    async cancel(participantId, requestId, actor) {
      const r = await mustFind(participantId, requestId);
      if (r.direction !== 'outbox') throw new NotFound('footprint-request', requestId);
      if (r.status === 'cancelled' || r.status === 'rejected')
        throw new RequestStateConflict(r.id, r.status, 'cancel');
      const at = ctx.now().toISOString();
      await client.send(
        participantId,
        r.counterpartyDid,
        r.counterpartyAddress ?? '',
        {
          type: requestCancelledEventType,
          specversion: '1.0',
          id: randomUUID(),
          source: didOf(ctx, participantId),
          time: at,
          data: { requestEventId: r.eventId },
        },
        'cancellations',
      );
      const next = await save(participantId, { ...r, status: 'cancelled' });
      await audit(ctx, {
        participantId,
        actor,
        action: 'footprint.cancel',
        resourceType: 'footprint-request',
        resourceId: r.id,
        via: 'management-api',
        outcome: 'success',
      });
      return next;
    },

    async cancelled(participantId, customerDid, eventId) {
      const r = (
        await listRequests(ctx.db, participantId, {
          direction: 'inbox',
          counterpartyDid: customerDid,
          eventId,
        })
      )[0];
      if (!r) throw new NotFound('footprint-request', eventId);
      if (r.status !== 'rejected')
        await tell('cancelled', participantId, await save(participantId, { ...r, status: 'cancelled' }));
    },

    async published(participantId, supplierDid, eventId, pfId) {
      const r = (
        await listRequests(ctx.db, participantId, {
          direction: 'outbox',
          counterpartyDid: supplierDid,
          eventId,
        })
      )[0];
      if (!r) throw new NotFound('footprint-request', eventId);
      const deny = async (reason: string) => {
        await audit(ctx, {
          participantId,
          actor: supplierDid,
          action: 'footprint.receive',
          resourceType: 'footprint-request',
          resourceId: r.id,
          via: 'footprint',
          outcome: 'denied',
          reason,
          details: { pfId },
        });
        return new AnswerRejected(reason);
      };
      const jws = await client.fetch(participantId, supplierDid, r.counterpartyAddress ?? '', pfId);
      let document: PublishedDocument;
      let footprint: Footprint;
      try {
        document = await verifiedDocument(jws, supplierDid);
        checkDocument(document, { supplierDid, customerDids: ownDids(ctx, participantId), r, pfId });
        exactFootprint(document.footprint, `footprint ${pfId}`);
        footprint = document.footprint;
      } catch (e) {
        throw await deny((e as Error).message.replace(/^(signed|received) footprint rejected: /, ''));
      }
      const next = await save(participantId, {
        ...r,
        status: 'answered',
        pfId,
        answerJws: jws,
        answer: { ...footprint, traceId: answerKey(supplierDid, r.partRef) },
      });
      await audit(ctx, {
        participantId,
        actor: supplierDid,
        action: 'footprint.receive',
        resourceType: 'footprint-request',
        resourceId: r.id,
        via: 'footprint',
        outcome: 'success',
        details: { pfId, version: document.version },
      });
      await tell('answered', participantId, next);
      // Everything above the linked part is outdated now: answer again what was answered from it.
      const { data } = await companyOf(ctx.db, participantId);
      const stale = outdated(data, { upstreamTraceIds: [answerKey(supplierDid, r.partRef)] });
      background('reanswer', () =>
        serial(participantId, () => reanswer(participantId, stale, 'footprint-cascade')),
      );
      return next;
    },

    async rejected(participantId, supplierDid, eventId, reply) {
      const r = (
        await listRequests(ctx.db, participantId, {
          direction: 'outbox',
          counterpartyDid: supplierDid,
          eventId,
        })
      )[0];
      if (!r) throw new NotFound('footprint-request', eventId);
      const next = await save(participantId, { ...r, status: 'rejected', reply });
      await tell('rejected', participantId, next);
      return next;
    },

    async ownChanged(participantId, traceIds) {
      const { data } = await companyOf(ctx.db, participantId);
      const stale = outdated(data, { ownTraceIds: traceIds });
      background('reanswer', () =>
        serial(participantId, () => reanswer(participantId, stale, 'footprint-cascade')),
      );
    },

    async settled() {
      while (running.size > 0) await Promise.all([...running]);
    },

    answerWith: (participantId, requestId, { traceId, footprint }, actor) =>
      serial(participantId, async () => {
        const r = await mustFind(participantId, requestId);
        if (r.direction !== 'inbox') throw new NotFound('footprint-request', requestId);
        if (r.status === 'rejected' || r.status === 'cancelled')
          throw new RequestStateConflict(r.id, r.status, 'answer');
        const linked = r.traceId === traceId ? r : await save(participantId, { ...r, traceId });
        await publishFor(participantId, linked, actor, false, footprint);
      }),

    observe(observer) {
      observers.push(observer);
    },
  };

  /** The supplier's signature over the document, with the key its DID document names. */
  async function verifiedDocument(jws: string, supplierDid: string): Promise<PublishedDocument> {
    let kid: string;
    try {
      kid = String(decodeProtectedHeader(jws).kid ?? '');
    } catch {
      throw new AnswerRejected('not a compact JWS');
    }
    if (!kid.startsWith(`${supplierDid}#`))
      throw new AnswerRejected(`signed with ${kid}, not a key of ${supplierDid}`);
    const resolve = didResolverOf(ctx);
    let jwk: JWK | undefined;
    for (const fresh of [false, true]) {
      const doc = await resolve(supplierDid, fresh);
      jwk = doc.verificationMethod.find((m) => m.id === kid)?.publicKeyJwk;
      if (jwk) break;
    }
    if (!jwk) throw new AnswerRejected(`${supplierDid} publishes no key ${kid}`);
    const alg = jwk.alg ?? (jwk.crv === 'Ed25519' ? 'EdDSA' : 'ES256');
    return (await verifyFootprint(jws, { ...jwk, alg, kid })) as PublishedDocument;
  }

  return service;
}

/** What a verified document must say to be the answer to this request. */
function checkDocument(
  d: PublishedDocument,
  w: { supplierDid: string; customerDids: readonly string[]; r: StoredRequest; pfId: string },
): void {
  if (d.type !== footprintDocumentType)
    throw new AnswerRejected(`document type ${String(d.type)} is unknown`);
  if (d.id !== w.pfId) throw new AnswerRejected(`the document is ${d.id}, not the announced ${w.pfId}`);
  if (d.issuer !== w.supplierDid) throw new AnswerRejected(`issued by ${d.issuer}, not ${w.supplierDid}`);
  if (!w.customerDids.includes(d.customer)) throw new AnswerRejected(`addressed to ${d.customer}, not to us`);
  if (d.requestEventId !== w.r.eventId)
    throw new AnswerRejected(`answers request ${d.requestEventId}, not ${w.r.eventId}`);
  if (!Array.isArray(d.productIds) || !d.productIds.includes(w.r.partRef))
    throw new AnswerRejected(
      `it is for ${JSON.stringify(d.productIds)}, not the part asked about (${w.r.partRef})`,
    );
}
