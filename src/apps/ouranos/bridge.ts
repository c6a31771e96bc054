import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';
import type { Footprint } from '../footprint/index.js';
import { exchange } from './exchange.js';
import type { OperatorModel, PartsModel, TradeModel } from './model.js';
import { findOperator, findTrade, ouranosDb } from './store.js';

/**
 * The port to operators hosted elsewhere. Trades between operators of one Ouranos base (one participant, which may
 * host many companies) are served here directly; a trade whose upstream operator is not hosted here goes through
 * this bridge, which the node wires to the footprint exchange over DSP agreements. Without a bridge such operators
 * are simply unknown (404).
 */
export interface OuranosTradeBridge {
  /** An operator hosted elsewhere, by its public id (法人番号), or undefined. */
  findOperator(openOperatorId: string): Promise<OperatorModel | undefined>;
  /** Whether an operator id belongs to an operator hosted elsewhere that this bridge can reach. */
  knowsOperator(operatorId: string): Promise<boolean>;
  /**
   * Sends a new request to the upstream operator. `part` is the downstream part as the supplier may see it
   * (`amountRequired` already withheld).
   */
  sendRequest(request: {
    trade: TradeModel;
    /** The request's status id, which both sides show. */
    statusId: string;
    part: PartsModel;
    message: string | null;
    responseDueDate: string | null;
  }): Promise<void>;
  /** The supplier's answer (its published footprint of `upstreamTraceId`), once it has one. */
  answer(trade: TradeModel & { upstreamTraceId: string }): Promise<Footprint | undefined>;
  /**
   * Called after each committed change through the API (a link, CFP records, a structure, a status): the bridge
   * answers requests from elsewhere whose answer changed, and passes on rejections and cancellations.
   */
  changed?(): Promise<void>;
}

const bridges = new WeakMap<object, (participantId: string) => OuranosTradeBridge | undefined>();

/** Wires the bridge of each participant of a node (keyed by the node's database handle). */
export function setOuranosBridge(
  db: Kysely<Tables>,
  bridgeOf: (participantId: string) => OuranosTradeBridge | undefined,
): void {
  bridges.set(db, bridgeOf);
}

export const ouranosBridgeOf = (db: Kysely<Tables>, participantId: string): OuranosTradeBridge | undefined =>
  bridges.get(db)?.(participantId);

/**
 * The supplier's side of a request from another node: stored as a trade of the local upstream operator, the
 * requester's part kept as shown (without `amountRequired`), so `tradeResponse` lists it like a local one.
 * Returns the local trade id; unknown upstream operators are refused (undefined).
 */
export async function receiveTradeRequest(
  raw: Kysely<Tables>,
  participantId: string,
  request: {
    trade: TradeModel & { tradeId: string };
    /** The customer's status id (both sides show the same); a new one when absent. */
    statusId?: string;
    part: PartsModel;
    message: string | null;
    responseDueDate: string | null;
  },
  now: Date,
): Promise<string | undefined> {
  const db = ouranosDb(raw);
  if (!(await findOperator(db, participantId, request.trade.upstreamOperatorId))) return undefined;
  const known = await findTrade(db, participantId, { tradeId: request.trade.tradeId });
  if (known) return known.trade_id;
  const at = now.toISOString();
  await db
    .insertInto('ouranos_trades')
    .values({
      participant_id: participantId,
      trade_id: request.trade.tradeId,
      status_id: request.statusId ?? randomUUID(),
      downstream_operator_id: request.trade.downstreamOperatorId,
      upstream_operator_id: request.trade.upstreamOperatorId,
      downstream_trace_id: request.trade.downstreamTraceId,
      upstream_trace_id: null,
      message: request.message,
      reply_message: null,
      request_type: 'CFP',
      response_due_date: request.responseDueDate,
      cfp_response_status: 'NOT_COMPLETED',
      downstream_part: JSON.stringify({ ...request.part, amountRequired: null }),
      created_at: at,
      updated_at: at,
    })
    .execute();
  return request.trade.tradeId;
}

/** The supplier's answer to a request received from another node, once its operator linked a part with CFP. */
export async function answerForTrade(
  raw: Kysely<Tables>,
  participantId: string,
  tradeId: string,
): Promise<Footprint | undefined> {
  const db = ouranosDb(raw);
  const trade = await findTrade(db, participantId, { tradeId });
  return trade ? exchange(db, participantId, undefined).answerOf(trade) : undefined;
}
