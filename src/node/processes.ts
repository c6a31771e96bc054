import { EventEmitter } from 'node:events';
import type { ReceiptEvent } from '../dataspace/audit/index.js';
import { findOffer, offerVisibleTo, type ResolvedOffer } from '../dataspace/catalog/index.js';
import { type Decide, type NegotiationService, negotiationService } from '../dataspace/negotiation/index.js';
import { DeliveryRefused, type OutboxItem } from '../dataspace/outbox/index.js';
import { ProcessRuntime } from '../dataspace/process/index.js';
import { EgressDenied, InvalidUrl } from '../outbound/index.js';
import type { NodeContext } from './context.js';
import { dspAuthHeaders, ownDids } from './counterparty.js';
import { usageControl } from './policy/usage-control.js';
import { exchangeReceipts, sha256Hex } from './receipts.js';

/**
 * The protocol processes of one running node: one runtime (outbox, deadlines, scheduler) shared by every
 * process kind, and the negotiation service. Built on first use per NodeContext; the DSP route plugins start
 * the runtime when the server is ready and stop it when it closes.
 */
interface NodeProcesses {
  readonly runtime: ProcessRuntime;
  readonly negotiations: NegotiationService;
  /**
   * Emits `negotiation` with each state a negotiation reached, once committed, and `delivered` with each
   * negotiation message the peer acknowledged (its outbox item is gone by then).
   */
  readonly events: EventEmitter;
}

const byContext = new WeakMap<NodeContext, NodeProcesses>();
const decisions = new WeakMap<NodeContext, Decide>();

/** Scripted or rule-based reactions (the conformance profile's); set before the server is built. */
export function setNegotiationDecisions(ctx: NodeContext, decide: Decide): void {
  if (byContext.has(ctx)) throw new Error('negotiation decisions must be set before the server is built');
  decisions.set(ctx, decide);
}

/** This participant's DSP base URL as peers reach it (the callbackAddress of its messages). */
export function dspBaseOf(ctx: NodeContext, participantId: string): string {
  const root = participantId === ctx.config.defaultParticipantId ? '' : `/p/${participantId}`;
  return `${ctx.publicUrl().replace(/\/+$/, '')}${root}/dsp/2025-1`;
}

/** Sends one outbox message as its participant; a 4xx or a forbidden address will not get better by retrying. */
async function sendMessage(ctx: NodeContext, item: OutboxItem): Promise<unknown> {
  let status: number;
  let answer: unknown;
  try {
    // Webhooks go to the operator's own application: no DSP token.
    const headers =
      item.processType === 'webhook' ? {} : await dspAuthHeaders(ctx, item.participantId, item.audience);
    const res = await ctx.outbound.request(item.url, { method: 'POST', json: item.message, headers });
    status = res.status;
    answer = status >= 200 && status < 300 && res.bytes.length > 0 ? res.json() : undefined;
  } catch (e) {
    if (e instanceof EgressDenied || e instanceof InvalidUrl) throw new DeliveryRefused(e.message);
    throw e;
  }
  if (status >= 200 && status < 300) {
    if (item.processType !== 'webhook')
      void exchangeReceipts(ctx, item.participantId, item.audience, sentEvent(item));
    return answer;
  }
  const refused = status >= 400 && status < 500 && status !== 408 && status !== 429;
  const message = `${new URL(item.url).host} answered ${status}`;
  throw refused ? new DeliveryRefused(message) : new Error(message);
}

/** What a delivered message's receipt names: its process, its type and a digest of the body sent. */
function sentEvent(item: OutboxItem): ReceiptEvent {
  const type = (item.message as { '@type'?: unknown } | null)?.['@type'];
  return {
    kind: 'dsp-message',
    process: item.processId,
    ...(typeof type === 'string' ? { type } : {}),
    digest: sha256Hex(JSON.stringify(item.message)),
  };
}

/**
 * The provider's `requested` / `accepted` points run the contract policy for the consumer's claims and declared
 * purpose first: a denial terminates with its reason code, a permission leaves the step to `then`.
 */
function withUsageControl(ctx: NodeContext, then: Decide | undefined): Decide {
  return async (n, point) => {
    if (n.role === 'provider' && (point === 'requested' || point === 'accepted')) {
      const refused = await usageControl(ctx).negotiation(n);
      if (refused) return refused;
    }
    return then?.(n, point);
  };
}

export function nodeProcesses(ctx: NodeContext): NodeProcesses {
  const existing = byContext.get(ctx);
  if (existing) return existing;
  const log = ctx.logger.child({ component: 'processes' });
  const runtime = new ProcessRuntime({
    db: ctx.db,
    now: ctx.now,
    send: (item) => sendMessage(ctx, item),
    onError: (work, error) => log.error({ err: error, work }, 'background work failed'),
    log: (fields, msg) => log.info(fields, msg),
    retention: {
      keepMs: ctx.config.receivedRetentionMs,
      processes: [
        { table: 'negotiations', finished: ['FINALIZED', 'TERMINATED'] },
        { table: 'transfers', finished: ['COMPLETED', 'TERMINATED'] },
      ],
    },
  });
  // Without auto-agree a person approves each request (management POST …/negotiations/<id>/agree).
  const waitForPerson: Decide = async (_n, point) =>
    point === 'requested' || point === 'accepted' ? { kind: 'wait' } : undefined;
  const approval = ctx.config.negotiationAutoAgree ? undefined : waitForPerson;
  // Scripted peers (the conformance profile) decide alone; otherwise the contract policy decides first.
  const decide = decisions.get(ctx) ?? withUsageControl(ctx, approval);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const negotiations = negotiationService<ResolvedOffer>({
    db: ctx.db,
    now: ctx.now,
    // the service names a time only for a deadline it set
    wake: (at) => runtime.wake(at),
    selfId: (participantId) => ownDids(ctx, participantId)[0] ?? participantId,
    callbackAddress: (participantId) => dspBaseOf(ctx, participantId),
    offers: {
      find: findOffer,
      // with the requester's verified claims, as its catalog request saw it: an access policy on membership or
      // role lets the same members negotiate that it lets see the offer
      visibleTo: async (db, participantId, offer, sender) =>
        offerVisibleTo(db, participantId, offer, {
          id: sender,
          claims: await usageControl(ctx).claimsOf(sender),
        }),
    },
    deadlineMs: ctx.config.processDeadlineMs,
    decide,
    notify: (n) => events.emit('negotiation', n),
    ...(ctx.config.eventWebhookUrl ? { webhookUrl: ctx.config.eventWebhookUrl } : {}),
  });
  runtime.register({
    type: 'negotiation',
    gaveUp: (item, reason) => negotiations.gaveUp(item, reason),
    delivered: (item, answer) => {
      events.emit('delivered', item);
      return negotiations.delivered(item, answer);
    },
    deadlines: {
      name: 'negotiation-deadlines',
      nextDue: () => negotiations.nextDeadline(),
      runDue: (now) => negotiations.expireDue(now),
    },
  });
  const processes = { runtime, negotiations, events };
  byContext.set(ctx, processes);
  return processes;
}
