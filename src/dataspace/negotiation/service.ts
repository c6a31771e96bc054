import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { InvalidInput } from '../../errors/index.js';
import { appendAudit, type Tables } from '../../store/index.js';
import { enqueue, type OutboxItem } from '../outbox/index.js';
import { declarePurpose, withoutDeclaredPurpose } from '../policy/index.js';
import { type Answer, messageKey, receiveOnce } from '../process/index.js';
import { type Agreement, negotiationInput, negotiationMessages, type Offer } from '../protocol/index.js';
import { AgreementMismatch, NegotiationNotFound, OfferNotAgreeable, PidMismatch } from './errors.js';
import {
  isTerminalNegotiation,
  type NegotiationMessage,
  type NegotiationState,
  nextNegotiationState,
  type Role,
} from './negotiation.js';
import {
  agreementMismatch,
  type CounterProposal,
  counterOffer,
  deadlineFor,
  endpointAccepts,
  joinUrl,
  messagePath,
  offerMismatch,
  peerOf,
} from './steps.js';
import {
  finalizeAgreement,
  findByConsumerPid,
  findNegotiation,
  insertAgreement,
  insertNegotiation,
  type Negotiation,
  negotiationFromRow,
  nextDeadline,
  overdueNegotiations,
  saveNegotiation,
} from './store.js';

/** The catalog's side of a negotiation (D2's findOffer / offerVisibleTo). */
export interface OfferLookup<O extends PublishedOffer = PublishedOffer> {
  find(db: Kysely<Tables>, participantId: string, offerId: string): Promise<O | undefined>;
  /** Whether the counterparty may see the offer `find` returned (it is not looked up again). */
  visibleTo(db: Kysely<Tables>, participantId: string, offer: O, counterpartyId: string): Promise<boolean>;
}

/** An offer as published: the asset it targets and the policy a consumer may agree to. */
export interface PublishedOffer {
  readonly id: string;
  readonly assetId: string;
  readonly policy: Offer;
}

/** What we do at a point where the protocol lets us choose. */
export type Reaction =
  | { readonly kind: 'agree' }
  | { readonly kind: 'accept' }
  | { readonly kind: 'counter'; readonly offer: CounterProposal }
  | { readonly kind: 'offer'; readonly offer: Offer }
  | { readonly kind: 'finalize' }
  | { readonly kind: 'verify' }
  | { readonly kind: 'terminate'; readonly code: string; readonly reason: string }
  | { readonly kind: 'wait' };
/**
 * requested/accepted: the provider may agree (requested also reaches a consumer once its request was answered,
 * where only a termination is acted on); offered: the consumer may accept or counter (a provider reaches it once
 * its offer was delivered, and may only terminate); verified: the provider
 * finalizes by default; agreed: the consumer verifies by default (either may terminate or wait instead).
 */
export type DecisionPoint = 'requested' | 'accepted' | 'offered' | 'verified' | 'agreed';
/** Overrides the default reactions (scripted peers, approval rules); undefined keeps the default. */
export type Decide = (n: Negotiation, point: DecisionPoint) => Promise<Reaction | undefined>;

export interface NegotiationDeps<O extends PublishedOffer = PublishedOffer> {
  readonly db: Kysely<Tables>;
  readonly now: () => Date;
  /** Something became due at `at` (default now): the process runtime's wake. */
  readonly wake: (at?: Date) => void;
  /** This participant's protocol identity (assigner / assignee of agreements). */
  readonly selfId: (participantId: string) => string;
  /** This participant's DSP base, where a provider sends its messages. */
  readonly callbackAddress: (participantId: string) => string;
  readonly offers: OfferLookup<O>;
  /** How long a state waiting on the counterparty lasts before it is terminated; 0 = for ever. */
  readonly deadlineMs: number;
  readonly decide?: Decide;
  /** Where applications hear of negotiations that ended (FINALIZED, TERMINATED); sent through the outbox. */
  readonly webhookUrl?: string;
  /** Told, after commit, of every state a negotiation reached (waiting callers, metrics). */
  readonly notify?: (n: Negotiation) => void;
}

/** A received DSP message, already authenticated and schema-checked. */
export interface Incoming {
  readonly participantId: string;
  readonly sender: string;
  /** Our pid from the path; undefined for the messages that open a negotiation. */
  readonly pid?: string;
  /** The path after the pid (`events`, `agreement/verification` …), or `request` / `offers` for new ones. */
  readonly endpoint: string;
  readonly body: Record<string, unknown>;
}

/** Collected while a transaction runs; acted on once it committed. */
interface Effects {
  sent: boolean;
  deadlines: string[];
  changed: Negotiation[];
}

const noEffects = (): Effects => ({ sent: false, deadlines: [], changed: [] });

const processType = 'negotiation';

export const negotiationAnswer = (n: Negotiation) =>
  negotiationMessages.negotiation({
    providerPid: n.providerPid ?? '',
    consumerPid: n.consumerPid ?? '',
    state: n.state,
  });

const stripType = ({ '@type': _t, ...rest }: Offer & { '@type'?: unknown }): Offer => rest as Offer;

export function negotiationService<O extends PublishedOffer>(deps: NegotiationDeps<O>) {
  const audit = (
    trx: Kysely<Tables>,
    n: Negotiation,
    actor: string,
    via: string,
    from: NegotiationState | 'NEW',
    message: string,
    at: Date,
  ) =>
    appendAudit(
      trx,
      {
        participantId: n.participantId,
        actor,
        action: `negotiation.${n.state.toLowerCase()}`,
        resourceType: 'negotiation',
        resourceId: n.id,
        via,
        outcome: 'success',
        ...(n.reasonCode ? { reason: n.reasonCode } : {}),
        details: { from, to: n.state, message, role: n.role, counterparty: n.counterpartyId },
        // why: the offer negotiated (an ODRL offer is a policy), and the agreement once there is one
        context: { policyId: n.offerId, ...(n.agreementId ? { agreementId: n.agreementId } : {}) },
      },
      at,
    );

  const changed = (n: Negotiation, to: NegotiationState, at: Date, extra: Partial<Negotiation> = {}) => ({
    ...n,
    ...extra,
    state: to,
    deadlineAt: deadlineFor(to, n.role, at, deps.deadlineMs),
    version: n.version + 1,
    updatedAt: at.toISOString(),
  });

  function settle(e: Effects): void {
    if (e.sent) deps.wake();
    for (const d of e.deadlines) deps.wake(new Date(d));
    if (deps.notify) for (const n of e.changed) deps.notify(n);
  }

  /** An ended negotiation is announced to the application's webhook, in the transaction that ended it. */
  async function announce(trx: Kysely<Tables>, n: Negotiation, at: Date, effects: Effects): Promise<void> {
    if (!deps.webhookUrl || !isTerminalNegotiation(n.state)) return;
    const { offer: _o, version: _v, idempotencyKey: _k, ...negotiation } = n;
    await enqueue(
      trx,
      {
        participantId: n.participantId,
        processType: 'webhook',
        processId: n.id,
        url: deps.webhookUrl,
        audience: '',
        message: { type: `negotiation.${n.state.toLowerCase()}`, at: at.toISOString(), negotiation },
      },
      at,
    );
    effects.sent = true;
  }

  /** We send `message`: our own transition, persisted with the outbox item in the caller's transaction. */
  async function send(
    trx: Kysely<Tables>,
    n: Negotiation,
    message: NegotiationMessage,
    body: unknown,
    at: Date,
    effects: Effects,
    extra: Partial<Negotiation> = {},
    actor = 'system',
    fresh = false,
  ): Promise<Negotiation> {
    const to = nextNegotiationState(n.state, message, n.role);
    const next = changed(n, to, at, extra);
    const peerPid = n.role === 'provider' ? n.consumerPid : n.providerPid;
    const opening = message === 'ContractRequestMessage' && n.providerPid === null;
    // A consumer that never heard the provider's pid cannot address it: the termination stays local.
    if (peerPid !== null || opening) {
      const path = opening ? '/negotiations/request' : messagePath(message, peerPid ?? '');
      await enqueue(
        trx,
        {
          participantId: n.participantId,
          processType,
          processId: n.id,
          url: joinUrl(n.counterpartyAddress, path),
          audience: n.counterpartyId,
          message: body,
        },
        at,
        { supersede: message === 'ContractNegotiationTerminationMessage' },
      );
      effects.sent = true;
    }
    // A negotiation we open is written once, in the state our first message puts it in.
    await (fresh ? insertNegotiation(trx, next) : saveNegotiation(trx, next));
    await audit(trx, next, actor, actor === 'system' ? 'system' : 'management-api', n.state, message, at);
    await announce(trx, next, at, effects);
    if (next.deadlineAt) effects.deadlines.push(next.deadlineAt);
    effects.changed.push(next);
    return next;
  }

  const pids = (n: Negotiation) => ({ providerPid: n.providerPid ?? '', consumerPid: n.consumerPid ?? '' });

  function terminate(
    trx: Kysely<Tables>,
    n: Negotiation,
    code: string,
    reason: string,
    at: Date,
    e: Effects,
    actor?: string,
  ) {
    const body = negotiationMessages.termination({ ...pids(n), code, reason: [reason] });
    return send(
      trx,
      n,
      'ContractNegotiationTerminationMessage',
      body,
      at,
      e,
      { reasonCode: code, reason },
      actor,
    );
  }

  async function agree(
    trx: Kysely<Tables>,
    n: Negotiation,
    at: Date,
    e: Effects,
    actor = 'system',
  ): Promise<Negotiation> {
    // Refuse before writing the agreement row: the transition must be valid for us.
    nextNegotiationState(n.state, 'ContractAgreementMessage', n.role);
    const agreement: Agreement = {
      ...stripType(n.offer),
      '@id': `urn:uuid:${randomUUID()}`,
      target: n.offer.target,
      assigner: deps.selfId(n.participantId),
      assignee: n.counterpartyId,
      timestamp: at.toISOString(),
    };
    await insertAgreement(trx, {
      participantId: n.participantId,
      id: agreement['@id'],
      negotiationId: n.id,
      role: n.role,
      counterpartyId: n.counterpartyId,
      offerId: n.offerId,
      assetId: n.offer.target,
      policy: agreement,
      finalizedAt: null,
      createdAt: at.toISOString(),
    });
    const body = negotiationMessages.agreement({ ...pids(n), agreement });
    return send(trx, n, 'ContractAgreementMessage', body, at, e, { agreementId: agreement['@id'] }, actor);
  }

  /** Consumer: accepts the provider's offer as it stands. */
  function accept(trx: Kysely<Tables>, n: Negotiation, at: Date, e: Effects, actor = 'system') {
    const body = negotiationMessages.event({ ...pids(n), eventType: 'ACCEPTED' });
    return send(trx, n, 'ContractNegotiationEventMessage:ACCEPTED', body, at, e, {}, actor);
  }

  /**
   * Consumer: answers the provider's offer with a request of its own (OFFERED → REQUESTED), sent to the
   * provider's process: a ContractRequestMessage with the providerPid and no callbackAddress.
   */
  function counter(
    trx: Kysely<Tables>,
    n: Negotiation,
    proposed: CounterProposal,
    at: Date,
    e: Effects,
    actor = 'system',
  ) {
    nextNegotiationState(n.state, 'ContractRequestMessage', n.role); // a wrong state says so before the offer
    const offer = counterOffer(n.id, n.offer, proposed);
    const body = negotiationMessages.request({ ...pids(n), offer });
    return send(trx, n, 'ContractRequestMessage', body, at, e, { offer, offerId: offer['@id'] }, actor);
  }

  const defaultReaction = (n: Negotiation, point: DecisionPoint): Reaction => {
    if (point === 'verified') return { kind: 'finalize' };
    if (point === 'agreed') return { kind: 'verify' };
    return point === 'offered' || n.role !== 'provider' ? { kind: 'wait' } : { kind: 'agree' };
  };

  const decisionPoint = (n: Negotiation): DecisionPoint | undefined => {
    if (n.role === 'provider') {
      if (n.state === 'REQUESTED') return 'requested';
      if (n.state === 'ACCEPTED') return 'accepted';
      return n.state === 'VERIFIED' ? 'verified' : undefined;
    }
    if (n.state === 'OFFERED') return 'offered';
    return n.state === 'AGREED' ? 'agreed' : undefined;
  };

  /** Our automatic next step after a state change, if the protocol gives us one. */
  async function react(trx: Kysely<Tables>, n: Negotiation, at: Date, e: Effects): Promise<Negotiation> {
    const point = decisionPoint(n);
    if (!point) return n;
    const r = (await deps.decide?.(n, point)) ?? defaultReaction(n, point);
    switch (r.kind) {
      case 'agree':
        return agree(trx, n, at, e);
      case 'accept':
        return accept(trx, n, at, e);
      case 'counter':
        return counter(trx, n, r.offer, at, e);
      case 'finalize': {
        if (n.agreementId) await finalizeAgreement(trx, n.participantId, n.agreementId, at);
        const body = negotiationMessages.event({ ...pids(n), eventType: 'FINALIZED' });
        return send(trx, n, 'ContractNegotiationEventMessage:FINALIZED', body, at, e);
      }
      case 'verify':
        return send(
          trx,
          n,
          'ContractAgreementVerificationMessage',
          negotiationMessages.verification(pids(n)),
          at,
          e,
        );
      case 'offer': {
        const body = negotiationMessages.offer({ ...pids(n), providerPid: n.id, offer: r.offer });
        return send(trx, n, 'ContractOfferMessage', body, at, e, { offer: r.offer });
      }
      case 'terminate':
        return terminate(trx, n, r.code, r.reason, at, e);
      case 'wait':
        return n;
    }
  }

  /** The published offer a consumer may request, or why not; the published copy is what gets agreed. */
  async function agreeableOffer(
    trx: Kysely<Tables>,
    participantId: string,
    sender: string,
    requested: Offer,
  ) {
    const id = requested['@id'];
    const published = await deps.offers.find(trx, participantId, id);
    if (!published || !(await deps.offers.visibleTo(trx, participantId, published, sender))) {
      throw new OfferNotAgreeable(id, 'no such offer is available to you');
    }
    const why = offerMismatch(requested, published.policy);
    // A consumer declares its purpose as one `purpose eq` constraint appended to each permission (the agreement records it).
    const declared = why ? withoutDeclaredPurpose(requested) : undefined;
    if (why && (!declared || offerMismatch(declared.rules, published.policy)))
      throw new OfferNotAgreeable(id, why);
    const agreed = declared ? declarePurpose(published.policy, declared.purpose) : published.policy;
    return { ...stripType(agreed), '@id': id, target: published.assetId };
  }

  /** A ContractRequestMessage (provider) or ContractOfferMessage (consumer) that opens a negotiation. */
  async function opened(
    trx: Kysely<Tables>,
    m: Incoming,
    input: NegotiationMessage,
    at: Date,
    e: Effects,
  ): Promise<Answer> {
    const b = m.body as {
      consumerPid?: string;
      providerPid?: string;
      offer: Offer;
      callbackAddress?: string;
    };
    const role: Role = input === 'ContractRequestMessage' ? 'provider' : 'consumer';
    if (role === 'provider') {
      // A repeated consumerPid, even in a different message, is the negotiation it already opened.
      const existing = await findByConsumerPid(trx, m.participantId, m.sender, b.consumerPid ?? '');
      if (existing) return { status: 201, body: negotiationAnswer(existing) };
    }
    const offer =
      role === 'provider'
        ? await agreeableOffer(trx, m.participantId, m.sender, b.offer)
        : stripType(b.offer);
    const id = `urn:uuid:${randomUUID()}`;
    const state = nextNegotiationState('NEW', input, peerOf(role));
    const n: Negotiation = {
      participantId: m.participantId,
      id,
      role,
      providerPid: role === 'provider' ? id : (b.providerPid ?? null),
      consumerPid: role === 'consumer' ? id : (b.consumerPid ?? null),
      state,
      counterpartyId: m.sender,
      counterpartyAddress: b.callbackAddress ?? '',
      offerId: offer['@id'],
      offer,
      agreementId: null,
      deadlineAt: deadlineFor(state, role, at, deps.deadlineMs),
      reasonCode: null,
      reason: null,
      idempotencyKey: null,
      version: 1,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    };
    await insertNegotiation(trx, n);
    await audit(trx, n, m.sender, 'dsp', 'NEW', input, at);
    if (n.deadlineAt) e.deadlines.push(n.deadlineAt);
    e.changed.push(n);
    await react(trx, n, at, e);
    return { status: 201, body: negotiationAnswer(n) };
  }

  /** Effects of a received message on our record, beyond the state. */
  async function absorb(
    trx: Kysely<Tables>,
    n: Negotiation,
    m: Incoming,
    input: NegotiationMessage,
    at: Date,
  ) {
    const b = m.body as { offer?: Offer; agreement?: Agreement; code?: string; reason?: unknown[] };
    switch (input) {
      case 'ContractRequestMessage':
        return { offer: await agreeableOffer(trx, n.participantId, m.sender, b.offer as Offer) };
      case 'ContractOfferMessage':
        return { offer: stripType(b.offer as Offer) };
      case 'ContractAgreementMessage': {
        const a = stripType(b.agreement as Agreement) as Agreement;
        const why = agreementMismatch(a, n.offer);
        if (why) throw new AgreementMismatch(n.id, why);
        await insertAgreement(trx, {
          participantId: n.participantId,
          id: a['@id'],
          negotiationId: n.id,
          role: n.role,
          counterpartyId: n.counterpartyId,
          offerId: n.offerId,
          assetId: a.target,
          policy: a,
          finalizedAt: null,
          createdAt: at.toISOString(),
        });
        return { agreementId: a['@id'] };
      }
      case 'ContractNegotiationEventMessage:FINALIZED':
        if (n.agreementId) await finalizeAgreement(trx, n.participantId, n.agreementId, at);
        return {};
      case 'ContractNegotiationTerminationMessage':
        return {
          reasonCode: typeof b.code === 'string' ? b.code : 'terminated-by-counterparty',
          reason: Array.isArray(b.reason)
            ? b.reason.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('; ')
            : null,
        };
      default:
        return {};
    }
  }

  /** Finds our negotiation for a message from `sender`; another counterparty's is as unknown as a missing one. */
  async function ours(
    db: Kysely<Tables>,
    participantId: string,
    sender: string,
    pid: string,
  ): Promise<Negotiation> {
    const n = await findNegotiation(db, participantId, pid);
    if (!n || n.counterpartyId !== sender) throw new NegotiationNotFound(pid);
    return n;
  }

  async function continued(
    trx: Kysely<Tables>,
    m: Incoming,
    input: NegotiationMessage,
    at: Date,
    e: Effects,
  ): Promise<Answer> {
    const n = await ours(trx, m.participantId, m.sender, m.pid ?? '');
    const b = m.body as { providerPid?: unknown; consumerPid?: unknown };
    const [own, theirs, theirsField] =
      n.role === 'provider'
        ? [b.providerPid, b.consumerPid, 'consumerPid']
        : [b.consumerPid, b.providerPid, 'providerPid'];
    if (own !== n.id) throw new PidMismatch(n.role === 'provider' ? 'providerPid' : 'consumerPid', n.id, own);
    const known = n.role === 'provider' ? n.consumerPid : n.providerPid;
    if (known !== null && theirs !== known) throw new PidMismatch(theirsField, known, theirs);
    const to = nextNegotiationState(n.state, input, peerOf(n.role));
    const learned = known === null && typeof theirs === 'string' ? { providerPid: theirs } : {};
    const next = changed(n, to, at, { ...learned, ...(await absorb(trx, n, m, input, at)) });
    await saveNegotiation(trx, next);
    await audit(trx, next, m.sender, 'dsp', n.state, input, at);
    await announce(trx, next, at, e);
    if (next.deadlineAt) e.deadlines.push(next.deadlineAt);
    e.changed.push(next);
    await react(trx, next, at, e);
    return { status: 200, body: negotiationAnswer(next) };
  }

  /**
   * Provider: our offer reached the consumer; the `offered` decision point may now terminate (queued any
   * earlier, the termination would supersede the offer before it was sent).
   */
  async function offerDelivered(item: OutboxItem): Promise<void> {
    if (!deps.decide) return;
    const at = deps.now();
    const e = noEffects();
    await deps.db.transaction().execute(async (trx) => {
      const n = await findNegotiation(trx, item.participantId, item.processId);
      if (n?.role !== 'provider' || n.state !== 'OFFERED') return;
      const r = await deps.decide?.(n, 'offered');
      if (r?.kind === 'terminate') await terminate(trx, n, r.code, r.reason, at, e);
    });
    settle(e);
  }

  /** A step a person takes on a negotiation of ours (management API), in one transaction. */
  async function byPerson(
    participantId: string,
    id: string,
    step: (trx: Kysely<Tables>, n: Negotiation, at: Date, e: Effects) => Promise<Negotiation>,
  ): Promise<Negotiation> {
    const at = deps.now();
    const e = noEffects();
    const done = await deps.db.transaction().execute(async (trx) => {
      const n = await findNegotiation(trx, participantId, id);
      if (!n) throw new NegotiationNotFound(id);
      return step(trx, n, at, e);
    });
    settle(e);
    return done;
  }

  return {
    /** Applies a received message: persisted, with our reaction queued, before the answer is returned. */
    async receive(m: Incoming): Promise<Answer> {
      const input = negotiationInput(m.body);
      if (!input || !endpointAccepts(m.endpoint, input)) {
        throw new InvalidInput(
          'negotiation.wrong-endpoint',
          `${String(m.body['@type'])} does not belong at .../${m.endpoint}`,
        );
      }
      const at = deps.now();
      let e = noEffects();
      const key = messageKey(m.sender, `${m.pid ?? ''}/${m.endpoint}`, m.body);
      const { answer, repeated } = await receiveOnce(deps.db, m.participantId, key, at, (trx) => {
        e = noEffects(); // an attempt that rolled back leaves nothing to act on
        return m.pid === undefined ? opened(trx, m, input, at, e) : continued(trx, m, input, at, e);
      });
      if (!repeated) settle(e); // a repeat changed nothing (its own attempt, if any, rolled back)
      return answer;
    },

    /** The negotiation as the counterparty may see it (DSP GET). */
    async forCounterparty(participantId: string, sender: string, pid: string): Promise<Negotiation> {
      return ours(deps.db, participantId, sender, pid);
    },

    /** Consumer: opens a negotiation by sending a ContractRequestMessage to the provider's DSP base. */
    async request(input: {
      participantId: string;
      actor: string;
      counterpartyId: string;
      providerBase: string;
      offer: Offer;
      idempotencyKey?: string;
    }): Promise<Negotiation> {
      const at = deps.now();
      const e = noEffects();
      const id = `urn:uuid:${randomUUID()}`;
      const offer = stripType(input.offer);
      const n: Negotiation = {
        participantId: input.participantId,
        id,
        role: 'consumer',
        providerPid: null,
        consumerPid: id,
        state: 'REQUESTED',
        counterpartyId: input.counterpartyId,
        counterpartyAddress: input.providerBase,
        offerId: offer['@id'],
        offer,
        agreementId: null,
        deadlineAt: null,
        reasonCode: null,
        reason: null,
        idempotencyKey: input.idempotencyKey ?? null,
        version: 0,
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
      };
      const body = negotiationMessages.request({
        consumerPid: id,
        offer,
        callbackAddress: deps.callbackAddress(input.participantId),
      });
      // Moved from NEW to REQUESTED by our own send, like every other step, and written then.
      const sent = await deps.db
        .transaction()
        .execute((trx) =>
          send(
            trx,
            { ...n, state: 'NEW' as NegotiationState },
            'ContractRequestMessage',
            body,
            at,
            e,
            {},
            input.actor,
            true,
          ),
        );
      settle(e);
      return sent;
    },

    /** Provider: a person approves a request waiting in REQUESTED or ACCEPTED; the agreement is sent. */
    agree: (participantId: string, id: string, actor: string) =>
      byPerson(participantId, id, (trx, n, at, e) => agree(trx, n, at, e, actor)),

    /** Consumer: a person accepts the provider's offer (OFFERED → ACCEPTED); the provider then agrees. */
    accept: (participantId: string, id: string, actor: string) =>
      byPerson(participantId, id, (trx, n, at, e) => accept(trx, n, at, e, actor)),

    /** Consumer: a person answers the provider's offer with another (OFFERED → REQUESTED). */
    counter: (participantId: string, id: string, actor: string, proposed: CounterProposal) =>
      byPerson(participantId, id, (trx, n, at, e) => counter(trx, n, proposed, at, e, actor)),

    /** Terminates a negotiation of ours (management API), telling the peer. */
    terminate: (participantId: string, id: string, actor: string, reason: string) =>
      byPerson(participantId, id, (trx, n, at, e) =>
        terminate(trx, n, 'terminated-by-user', reason, at, e, actor),
      ),

    /** Terminates, and tells the peer about, every negotiation whose counterparty let its deadline pass. */
    async expireDue(now: Date, batch = 100): Promise<boolean> {
      const overdue = await overdueNegotiations(deps.db, now, batch);
      const e = noEffects();
      for (const stale of overdue) {
        await deps.db.transaction().execute(async (trx) => {
          const n = await findNegotiation(trx, stale.participantId, stale.id);
          if (!n || isTerminalNegotiation(n.state) || !n.deadlineAt || n.deadlineAt > now.toISOString())
            return;
          const reason = `no message from the counterparty within ${deps.deadlineMs} ms in state ${n.state}`;
          await terminate(trx, n, 'deadline-passed', reason, now, e);
        });
      }
      settle(e);
      return overdue.length >= batch;
    },

    nextDeadline: () => nextDeadline(deps.db),

    /** The peer refused our message or never answered: the negotiation ends, and the peer is told. */
    async gaveUp(item: OutboxItem, reason: string): Promise<void> {
      const type = (item.message as { '@type'?: string })['@type'];
      if (type === 'ContractNegotiationTerminationMessage') return; // nothing further to tell
      const at = deps.now();
      const e = noEffects();
      await deps.db.transaction().execute(async (trx) => {
        const n = await findNegotiation(trx, item.participantId, item.processId);
        if (!n || isTerminalNegotiation(n.state)) return;
        await terminate(trx, n, 'delivery-failed', `${type ?? 'message'} not delivered: ${reason}`, at, e);
      });
      settle(e);
    },

    /**
     * The provider's answer to our request names its pid: remember it. Only now can the consumer address the
     * provider, so its `requested` decision point comes here (default: wait for the provider).
     */
    async delivered(item: OutboxItem, answer: unknown): Promise<void> {
      const providerPid = (answer as { providerPid?: unknown } | undefined)?.providerPid;
      const type = (item.message as { '@type'?: string })['@type'];
      if (type === 'ContractOfferMessage') return offerDelivered(item);
      if (type !== 'ContractRequestMessage') return;
      if (typeof providerPid !== 'string' || providerPid === '') return;
      // One statement, no transaction: the row comes back with the pid learned (and nothing, if known before).
      const row = await deps.db
        .updateTable('negotiations')
        .set({ provider_pid: providerPid })
        .where('participant_id', '=', item.participantId)
        .where('id', '=', item.processId)
        .where('provider_pid', 'is', null)
        .returningAll()
        .executeTakeFirst();
      const n = row ? negotiationFromRow(row) : undefined;
      if (!deps.decide || n?.role !== 'consumer' || n.state !== 'REQUESTED') return;
      const r = await deps.decide(n, 'requested');
      if (r?.kind !== 'terminate') return;
      await byPerson(item.participantId, item.processId, async (trx, now, at, e) =>
        now.state === 'REQUESTED' ? terminate(trx, now, r.code, r.reason, at, e) : now,
      );
    },
  };
}

export type NegotiationService = ReturnType<typeof negotiationService<PublishedOffer>>;
