import { randomUUID } from 'node:crypto';
import type { Footprint } from '../../apps/footprint/index.js';
import { exactFootprint, publish } from '../../apps/footprint/index.js';
import {
  answerForTrade,
  type OuranosTradeBridge,
  type PartsModel,
  receiveTradeRequest,
  setOuranosBridge,
} from '../../apps/ouranos/index.js';
import { partsUnits } from '../../apps/ouranos/model.js';
import { findPartner } from '../../apps/ouranos/partners.js';
import { ouranosDb } from '../../apps/ouranos/store.js';
import { listPublished, listRequests, type StoredRequest } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import type { FootprintService } from './service.js';

/**
 * The Ouranos API's trades with operators hosted by another participant (on this node or another), carried by
 * the footprint exchange. The customer's participant registers the supplier's operator as a partner (its
 * operatorId and 法人番号 with the hosting participant's DID and address: `PUT /management/v1/ouranos/partners/…`).
 * A tradeRequest to it becomes a RequestCreatedEvent whose `ouranostrade` extension attribute names the trade
 * and shows the customer's part without `amountRequired`; the product id asked for is a fresh `urn:uuid:` of the
 * customer's, so the supplier's own part ids never leave its node. The supplier's participant files the request
 * as a trade of the named operator; once that operator links a part with CFP, the exchange publishes the part's
 * footprint (signed, to that customer alone), and the customer files it as the trade's answer.
 */

/** The CloudEvents extension attribute (lower-case letters only, as CloudEvents requires). */
export const tradeAttribute = 'ouranostrade';

interface TradeAttribute {
  readonly tradeId: string;
  readonly statusId: string;
  readonly downstreamOperatorId: string;
  readonly upstreamOperatorId: string;
  readonly downstreamTraceId: string;
  readonly part: PartsModel;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const text = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;

/** The attribute of a request as sent or received, or undefined when absent or malformed (a peer wrote it). */
function tradeOf(r: StoredRequest): TradeAttribute | undefined {
  const a = (r.event as Record<string, unknown> | null)?.[tradeAttribute] as
    | Record<string, unknown>
    | undefined;
  if (!a || typeof a !== 'object') return undefined;
  const ids = [
    'tradeId',
    'statusId',
    'downstreamOperatorId',
    'upstreamOperatorId',
    'downstreamTraceId',
  ] as const;
  if (!ids.every((k) => typeof a[k] === 'string' && uuid.test(a[k] as string))) return undefined;
  const part = a.part as Record<string, unknown> | undefined;
  if (!part || typeof part !== 'object' || !text(part.partsName, 50) || !text(part.plantId, 36))
    return undefined;
  const str = (k: string, max: number) => (text(part[k], max) ? (part[k] as string) : null);
  return {
    tradeId: a.tradeId as string,
    statusId: a.statusId as string,
    downstreamOperatorId: a.downstreamOperatorId as string,
    upstreamOperatorId: a.upstreamOperatorId as string,
    downstreamTraceId: a.downstreamTraceId as string,
    // only the fields of the model, the customer's quantity never (even when a peer sends one)
    part: {
      operatorId: a.downstreamOperatorId as string,
      traceId: a.downstreamTraceId as string,
      plantId: part.plantId as string,
      partsName: part.partsName as string,
      supportPartsName: str('supportPartsName', 50),
      terminatedFlag: part.terminatedFlag === true,
      amountRequired: null,
      amountRequiredUnit: (partsUnits as readonly string[]).includes(part.amountRequiredUnit as string)
        ? (part.amountRequiredUnit as PartsModel['amountRequiredUnit'])
        : null,
      ...(part.partsLabelName !== undefined ? { partsLabelName: str('partsLabelName', 50) } : {}),
      ...(part.partsAddInfo1 !== undefined ? { partsAddInfo1: str('partsAddInfo1', 50) } : {}),
      ...(part.partsAddInfo2 !== undefined ? { partsAddInfo2: str('partsAddInfo2', 50) } : {}),
      ...(part.partsAddInfo3 !== undefined ? { partsAddInfo3: str('partsAddInfo3', 50) } : {}),
    } as PartsModel,
  };
}

const actorOf = (operatorId: string) => `ouranos-operator:${operatorId}`;

/** Wires the Ouranos bridge of every participant of the node to its footprint service. */
export function wireOuranos(ctx: NodeContext, service: FootprintService): void {
  const db = ouranosDb(ctx.db);

  const setTrade = (participantId: string, tradeId: string, set: Record<string, string | null>) =>
    db
      .updateTable('ouranos_trades')
      .set({ ...set, updated_at: ctx.now().toISOString() })
      .where('participant_id', '=', participantId)
      .where('trade_id', '=', tradeId)
      .execute();

  async function tradeIdTaken(participantId: string, r: StoredRequest, t: TradeAttribute): Promise<boolean> {
    const existing = await db
      .selectFrom('ouranos_trades')
      .select(['trade_id', 'status_id'])
      .where('participant_id', '=', participantId)
      .where((eb) => eb.or([eb('trade_id', '=', t.tradeId), eb('status_id', '=', t.statusId)]))
      .execute();
    if (existing.length === 0) return false;
    if (existing.some((e) => e.trade_id !== t.tradeId || e.status_id !== t.statusId)) return true;
    const tradeId = t.tradeId;
    const same = await listRequests(ctx.db, participantId, {
      direction: 'inbox',
      counterpartyDid: r.counterpartyDid,
    });
    return !same.some((x) => x.id !== r.id && x.status !== 'rejected' && tradeOf(x)?.tradeId === tradeId);
  }

  service.observe({
    // supplier: a request for one of our operators is filed as its trade; one for nobody here is refused
    async received(participantId, r) {
      const t = tradeOf(r);
      if (!t) return;
      // both sides know the trade by the customer's id; one already taken (by a local trade or another
      // customer's) is refused, so no customer can reach a trade that is not its own
      if (await tradeIdTaken(participantId, r, t)) {
        await service.reject(participantId, r.id, 'the tradeId or statusId is in use', 'ouranos');
        return;
      }
      const filed = await receiveTradeRequest(
        ctx.db,
        participantId,
        {
          trade: { ...t, upstreamTraceId: null },
          statusId: t.statusId,
          part: t.part,
          message: r.message ?? null,
          responseDueDate: r.dueDate ?? null,
        },
        ctx.now(),
      );
      if (!filed) await service.reject(participantId, r.id, 'no such operator', 'ouranos');
    },
    // customer: the verified answer completes the trade; its upstream part is known by the product id we asked
    async answered(participantId, r) {
      const t = tradeOf(r);
      if (!t) return;
      await setTrade(participantId, t.tradeId, { upstream_trace_id: r.partRef.replace(/^urn:uuid:/, '') });
      // a supplier in the middle of a chain answers its own customers once its supplier's answer is in
      await answerRequests(participantId);
    },
    // supplier: the customer withdrew the request
    async cancelled(participantId, r) {
      const t = tradeOf(r);
      // a request refused for its ids is never cancelled (the exchange keeps it rejected): this one filed the trade
      if (!t) return;
      await setTrade(participantId, t.tradeId, { cfp_response_status: 'CANCEL' });
    },
    // customer: the supplier sent the request back
    async rejected(participantId, r) {
      const t = tradeOf(r);
      if (!t) return;
      await setTrade(participantId, t.tradeId, {
        cfp_response_status: 'REJECT',
        reply_message: r.reply ?? null,
      });
    },
  });

  /** Supplier: publish where the linked part's footprint is new or changed; pass rejections on. */
  async function answerRequests(participantId: string) {
    const inbox = await listRequests(ctx.db, participantId, { direction: 'inbox' });
    for (const r of inbox) {
      const t = tradeOf(r);
      if (!t || r.status === 'rejected' || r.status === 'cancelled') continue;
      const tradeId = t.tradeId;
      const trade = await db
        .selectFrom('ouranos_trades')
        .selectAll()
        .where('participant_id', '=', participantId)
        .where('trade_id', '=', tradeId)
        .executeTakeFirst();
      if (!trade) continue;
      const actor = actorOf(trade.upstream_operator_id);
      if (trade.cfp_response_status === 'REJECT') {
        await service.reject(participantId, r.id, trade.reply_message ?? '', actor);
        continue;
      }
      const fp = await answerForTrade(ctx.db, participantId, tradeId);
      if (!fp) continue;
      const last = (await listPublished(ctx.db, participantId, { requestId: r.id, status: 'Active' })).at(-1);
      if (last && sameFootprint((last.document as { footprint?: unknown }).footprint, fp, r.partRef))
        continue;
      await service.answerWith(
        participantId,
        r.id,
        { traceId: trade.upstream_trace_id ?? '', footprint: fp },
        actor,
      );
    }
  }

  /** Customer: a trade its operator cancelled is withdrawn from the supplier. */
  async function cancelRequests(participantId: string) {
    const outbox = await listRequests(ctx.db, participantId, { direction: 'outbox' });
    for (const r of outbox) {
      const t = tradeOf(r);
      if (!t || r.status === 'cancelled' || r.status === 'rejected') continue;
      const trade = await db
        .selectFrom('ouranos_trades')
        .select('cfp_response_status')
        .where('participant_id', '=', participantId)
        .where('trade_id', '=', t.tradeId)
        .executeTakeFirst();
      if (trade?.cfp_response_status === 'CANCEL')
        await service.cancel(participantId, r.id, actorOf(t.downstreamOperatorId));
    }
  }

  const bridgeOf = (participantId: string): OuranosTradeBridge => ({
    findOperator: async (openOperatorId) =>
      (await findPartner(db, participantId, { openOperatorId }))?.operator,
    knowsOperator: async (operatorId) => (await findPartner(db, participantId, { operatorId })) !== undefined,
    async sendRequest({ trade, statusId, part, message, responseDueDate }) {
      const partner = await findPartner(db, participantId, { operatorId: trade.upstreamOperatorId });
      try {
        if (!partner) throw new Error('the operator is no longer registered');
        const attribute: TradeAttribute = {
          tradeId: trade.tradeId as string,
          statusId,
          downstreamOperatorId: trade.downstreamOperatorId,
          upstreamOperatorId: trade.upstreamOperatorId,
          downstreamTraceId: trade.downstreamTraceId,
          part: { ...part, amountRequired: null },
        };
        await service.request(
          participantId,
          {
            supplierDid: partner.did,
            supplierAddress: partner.address,
            supplierPart: `urn:uuid:${randomUUID()}`,
          },
          {
            ...(message !== null ? { message } : {}),
            ...(responseDueDate !== null ? { dueDate: responseDueDate } : {}),
            extensions: { [tradeAttribute]: attribute },
          },
          actorOf(trade.downstreamOperatorId),
        );
      } catch (e) {
        // the customer reads it on the request: sent back, with the reason
        await setTrade(participantId, trade.tradeId as string, {
          cfp_response_status: 'REJECT',
          reply_message: `not delivered: ${(e as Error).message}`.slice(0, 1000),
        });
      }
    },
    async answer(trade) {
      const outbox = await listRequests(ctx.db, participantId, { direction: 'outbox' });
      const r = outbox.find(
        (x) => x.status === 'answered' && x.answer !== undefined && tradeOf(x)?.tradeId === trade.tradeId,
      );
      return r?.answer as Footprint | undefined;
    },
    async changed() {
      await answerRequests(participantId);
      await cancelRequests(participantId);
    },
  });

  setOuranosBridge(ctx.db, bridgeOf);
}

/** Whether a published document's footprint is what `fp` publishes as (the document names the product asked). */
function sameFootprint(published: unknown, fp: Footprint, partRef: string): boolean {
  return JSON.stringify(published) === JSON.stringify({ ...publish(exactFootprint(fp)), traceId: partRef });
}
