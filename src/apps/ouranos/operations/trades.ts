// `tradeRequest`, `tradeResponse`, `status`: CFP requests between operators and their progress.
import { randomUUID } from 'node:crypto';
import { badParameter, forbidden, invalid, notFound } from '../errors.js';
import { exchange, requestStatus, supplierView, tradeModel } from '../exchange.js';
import type { PartsModel, StatusModel, TradeRequestModel, TradeResponseModel } from '../model.js';
import { findOperator, findPart, findTrade, partView, type TradeRow } from '../store.js';
import { isUuid, uuidList, validStatus, validTradeRequest } from '../validate.js';
import type { Answer, Caller, Query } from './caller.js';
import { afterOf, created, limitOf, ok, only, ownPart, page } from './caller.js';

async function statusModel(c: Caller, t: TradeRow): Promise<StatusModel> {
  const tree = await exchange(c.db, c.participantId, c.bridge).tree(t);
  return {
    statusId: t.status_id,
    tradeId: t.trade_id,
    requestStatus: requestStatus(t, tree),
    message: t.message,
    replyMessage: t.reply_message,
    requestType: 'CFP',
    responseDueDate: t.response_due_date,
  };
}

export async function putTradeRequest(c: Caller, q: Query, body: unknown): Promise<Answer> {
  only(q, ['dataTarget']);
  const r: TradeRequestModel = validTradeRequest(body);
  const { tradeModel: tm, statusModel: sm } = r;
  if (tm.downstreamOperatorId !== c.operator.operator_id) throw forbidden();
  if (tm.upstreamTraceId !== null)
    throw invalid('tradeModel.upstreamTraceId: only the supplier can set it (tradeResponse); give null.');
  const p = c.participantId;
  const at = c.now.toISOString();
  // a request to an operator elsewhere leaves the node once the trade is committed, never from inside the
  // transaction (the exchange writes to the same store)
  let send: (() => Promise<void>) | undefined;
  // asked before the transaction: the bridge reads the store itself (one SQLite connection would wait on ours)
  const knownElsewhere =
    tm.tradeId === null && (await c.bridge?.knowsOperator(tm.upstreamOperatorId)) === true;
  const answer = await c.db.transaction().execute(async (db) => {
    const tx = { ...c, db };
    const part = await ownPart(tx, tm.downstreamTraceId);
    if (!part) throw notFound('part');
    if (tm.tradeId !== null) {
      const t = await findTrade(db, p, { tradeId: tm.tradeId });
      if (!t || t.downstream_operator_id !== c.operator.operator_id) throw notFound('trade');
      if (t.downstream_trace_id !== tm.downstreamTraceId || t.upstream_operator_id !== tm.upstreamOperatorId)
        throw invalid('tradeModel: downstreamTraceId and upstreamOperatorId of a trade cannot be changed.');
      await db
        .updateTable('ouranos_trades')
        .set({
          message: sm.message,
          response_due_date: sm.responseDueDate ?? t.response_due_date,
          updated_at: at,
        })
        .where('participant_id', '=', p)
        .where('trade_id', '=', t.trade_id)
        .execute();
      const saved = (await findTrade(db, p, { tradeId: t.trade_id })) as TradeRow;
      return created({ tradeModel: tradeModel(saved), statusModel: await statusModel(tx, saved) });
    }
    if (sm.statusId !== null || sm.tradeId !== null)
      throw invalid('statusModel: statusId and tradeId must be null for a new request.');
    if (sm.responseDueDate === null) throw invalid('statusModel.responseDueDate: cannot be blank.');
    const local = await findOperator(db, p, tm.upstreamOperatorId);
    const remote = !local && knownElsewhere;
    if (!local && !remote) throw notFound('upstream operator');
    if (tm.upstreamOperatorId === c.operator.operator_id)
      throw invalid('tradeModel.upstreamOperatorId: cannot be yourself.');
    const open = await db
      .selectFrom('ouranos_trades')
      .select('trade_id')
      .where('participant_id', '=', p)
      .where('downstream_trace_id', '=', tm.downstreamTraceId)
      .where('cfp_response_status', 'not in', ['CANCEL', 'REJECT'])
      .executeTakeFirst();
    if (open)
      throw invalid(
        `tradeModel.downstreamTraceId: the part already has a request (tradeId ${open.trade_id}).`,
      );
    const row: TradeRow = {
      participant_id: p,
      trade_id: randomUUID(),
      status_id: randomUUID(),
      downstream_operator_id: tm.downstreamOperatorId,
      upstream_operator_id: tm.upstreamOperatorId,
      downstream_trace_id: tm.downstreamTraceId,
      upstream_trace_id: null,
      message: sm.message,
      reply_message: null,
      request_type: 'CFP',
      response_due_date: sm.responseDueDate,
      cfp_response_status: 'NOT_COMPLETED',
      downstream_part: null,
      created_at: at,
      updated_at: at,
    };
    await db.insertInto('ouranos_trades').values(row).execute();
    const bridge = c.bridge;
    if (remote && bridge)
      send = () =>
        bridge.sendRequest({
          trade: tradeModel(row),
          statusId: row.status_id,
          part: supplierView(partView(part)),
          message: row.message,
          responseDueDate: row.response_due_date,
        });
    // As the platform answers a new request: the counts are not known yet.
    return created({
      tradeModel: tradeModel(row),
      statusModel: {
        statusId: row.status_id,
        tradeId: row.trade_id,
        requestStatus: {
          completedCount: null,
          completedCountModifiedAt: null,
          tradesCount: null,
          tradesCountModifiedAt: null,
        },
        message: row.message,
        replyMessage: null,
        requestType: 'CFP',
        responseDueDate: row.response_due_date,
      },
    });
  });
  await send?.();
  return answer;
}

async function tradesPage(
  c: Caller,
  q: Query,
  side: 'downstream_operator_id' | 'upstream_operator_id' | 'either',
  filter?: { traceIds?: string[]; statusId?: string; downstreamTraceId?: string },
  limit = 100,
) {
  const p = c.participantId;
  let query = c.db
    .selectFrom('ouranos_trades')
    .selectAll()
    .where('participant_id', '=', p)
    .where((eb) =>
      side === 'either'
        ? eb.or([
            eb('downstream_operator_id', '=', c.operator.operator_id),
            eb('upstream_operator_id', '=', c.operator.operator_id),
          ])
        : eb(side, '=', c.operator.operator_id),
    )
    .where('cfp_response_status', '!=', 'CANCEL');
  if (filter?.traceIds) query = query.where('downstream_trace_id', 'in', filter.traceIds);
  if (filter?.statusId) query = query.where('status_id', '=', filter.statusId);
  if (filter?.downstreamTraceId) query = query.where('downstream_trace_id', '=', filter.downstreamTraceId);
  const after = afterOf(q);
  if (after) {
    const from = await findTrade(c.db, p, { tradeId: after });
    if (!from) throw badParameter('after', 'unknown position');
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', from.created_at),
        eb.and([eb('created_at', '=', from.created_at), eb('trade_id', '<', from.trade_id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('trade_id', 'desc')
    .limit(limit + 1)
    .execute();
  return page(rows, limit, (r) => r.trade_id, q);
}

export async function getTradeRequests(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'limit', 'after', 'traceIds']);
  const traceIds = q.traceIds !== undefined ? uuidList(q.traceIds, 'traceIds', 50) : undefined;
  // with traceIds the platform ignores limit
  const { items, next } = await tradesPage(
    c,
    q,
    'downstream_operator_id',
    traceIds ? { traceIds } : {},
    traceIds ? 1000 : limitOf(q),
  );
  return ok(items.map(tradeModel), next);
}

export async function getTradeResponses(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'limit', 'after']);
  const { items, next } = await tradesPage(c, q, 'upstream_operator_id', {}, limitOf(q));
  const out: TradeResponseModel[] = [];
  for (const t of items) {
    const part = t.downstream_part
      ? (JSON.parse(t.downstream_part) as PartsModel)
      : await findPart(c.db, c.participantId, t.downstream_trace_id).then((r) => r && partView(r));
    if (!part) continue;
    out.push({
      statusModel: await statusModel(c, t),
      tradeModel: tradeModel(t),
      partsModel: supplierView(part),
    });
  }
  return ok(out, next);
}

export async function putTradeResponse(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'tradeId', 'traceId']);
  if (!isUuid(q.tradeId)) throw badParameter('tradeId', 'invalid UUID');
  if (!isUuid(q.traceId)) throw badParameter('traceId', 'invalid UUID');
  const { tradeId, traceId } = q;
  return c.db.transaction().execute(async (db) => {
    const p = c.participantId;
    const t = await findTrade(db, p, { tradeId });
    if (!t || t.upstream_operator_id !== c.operator.operator_id || t.cfp_response_status === 'CANCEL')
      throw notFound('trade');
    if (!(await ownPart({ ...c, db }, traceId))) throw notFound('part');
    if (t.downstream_trace_id === traceId) throw invalid('traceId: cannot be the requesting part.');
    await db
      .updateTable('ouranos_trades')
      .set({ upstream_trace_id: traceId, updated_at: c.now.toISOString() })
      .where('participant_id', '=', p)
      .where('trade_id', '=', tradeId)
      .execute();
    return created(tradeModel({ ...t, upstream_trace_id: traceId }));
  });
}

export async function getStatus(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'limit', 'after', 'statusTarget', 'statusId', 'traceId']);
  const limit = limitOf(q);
  if (q.statusTarget !== undefined && q.statusTarget !== 'REQUEST' && q.statusTarget !== 'RESPONSE')
    throw badParameter('statusTarget', `cannot be allowed '${q.statusTarget}'`);
  if (q.statusId !== undefined && !isUuid(q.statusId)) throw badParameter('statusId', 'invalid UUID');
  if (q.traceId !== undefined && !isUuid(q.traceId)) throw badParameter('traceId', 'invalid UUID');
  const filter = {
    ...(q.statusId ? { statusId: q.statusId } : {}),
    ...(q.traceId && q.statusTarget === 'REQUEST' ? { downstreamTraceId: q.traceId } : {}),
  };
  const side =
    q.statusTarget === 'REQUEST'
      ? 'downstream_operator_id'
      : q.statusTarget === 'RESPONSE'
        ? 'upstream_operator_id'
        : 'either';
  const { items, next } = await tradesPage(c, q, side, filter, limit);
  const out: StatusModel[] = [];
  for (const t of items) out.push(await statusModel(c, t));
  return ok(out, next);
}

export async function putStatus(c: Caller, q: Query, body: unknown): Promise<Answer> {
  only(q, ['dataTarget']);
  const s = validStatus(body);
  const p = c.participantId;
  return c.db.transaction().execute(async (db) => {
    const t = await findTrade(db, p, { statusId: s.statusId as string });
    const me = c.operator.operator_id;
    if (!t || (t.downstream_operator_id !== me && t.upstream_operator_id !== me)) throw notFound('status');
    const target = s.requestStatus.cfpResponseStatus;
    // the customer withdraws its request; the supplier sends one back
    if (target === 'CANCEL' && t.downstream_operator_id !== me) throw forbidden();
    if (target === 'REJECT' && t.upstream_operator_id !== me) throw forbidden();
    if (t.cfp_response_status === 'CANCEL') throw invalid('the request is already cancelled.');
    await db
      .updateTable('ouranos_trades')
      .set({
        cfp_response_status: target,
        reply_message: target === 'REJECT' ? s.replyMessage : t.reply_message,
        updated_at: c.now.toISOString(),
      })
      .where('participant_id', '=', p)
      .where('trade_id', '=', t.trade_id)
      .execute();
    return { status: 201 } as Answer;
  });
}

// ── CFP ─────────────────────────────────────────────────────────────────────────────────────────────────────
