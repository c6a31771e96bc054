import { randomUUID } from 'node:crypto';
import type { OuranosTradeBridge } from './bridge.js';
import { badParameter, forbidden, invalid, notFound, OuranosError } from './errors.js';
import {
  exchange,
  requestStatus,
  responseRecords,
  supplierView,
  totalRecords,
  tradeModel,
} from './exchange.js';
import type {
  CfpCertificationModel,
  CfpModel,
  OperatorModel,
  PartsModel,
  PartsStructureModel,
  PlantModel,
  StatusModel,
  TradeRequestModel,
  TradeResponseModel,
} from './model.js';
import {
  cfpsOf,
  cfpView,
  childrenOf,
  decimalText,
  findOperator,
  findPart,
  findTrade,
  type OperatorRow,
  type OuranosDb,
  operatorView,
  type PartRow,
  partRow,
  partsOf,
  partView,
  plantView,
  type TradeRow,
} from './store.js';
import {
  isUuid,
  uuidList,
  validCfpRecords,
  validOperator,
  validPart,
  validPartsStructure,
  validPlant,
  validStatus,
  validTradeRequest,
} from './validate.js';

/**
 * The operations of the Ouranos API for one authenticated operator, over the participant's Ouranos tables.
 * Each takes the query and body as received and returns the status, body and (for lists) the next page's query.
 */
export interface Caller {
  readonly db: OuranosDb;
  readonly participantId: string;
  readonly operator: OperatorRow;
  readonly now: Date;
  readonly bridge?: OuranosTradeBridge;
}

export interface Answer {
  readonly status: 200 | 201 | 204;
  readonly body?: unknown;
  /** Query of the next page (`limit`, `after` and the filters), when there is one. */
  readonly next?: Record<string, string>;
}

type Query = Record<string, string | undefined>;

const ok = (body: unknown, next?: Record<string, string>): Answer => ({
  status: 200,
  body,
  ...(next ? { next } : {}),
});
const created = (body?: unknown): Answer => ({ status: 201, body });

function only(q: Query, allowed: readonly string[], subsystem: 'auth' | 'dataspace' = 'dataspace') {
  for (const k of Object.keys(q))
    if (!allowed.includes(k)) throw badParameter(k, 'Unexpected query parameter', subsystem);
}

function limitOf(q: Query): number {
  if (q.limit === undefined) return 100;
  const n = Number(q.limit);
  if (!/^\d+$/.test(q.limit) || n < 1 || n > 100) throw badParameter('limit', 'must be between 1 and 100');
  return n;
}

function afterOf(q: Query): string | undefined {
  if (q.after === undefined) return undefined;
  if (!isUuid(q.after)) throw badParameter('after', 'invalid UUID');
  return q.after;
}

/** A page of `rows` (fetched with one extra) and the query of the next one. */
function page<T>(rows: T[], limit: number, idOf: (r: T) => string, q: Query) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  const next = more && last ? { ...definedOf(q), limit: String(limit), after: idOf(last) } : undefined;
  return { items, next };
}
const definedOf = (q: Query) =>
  Object.fromEntries(
    Object.entries(q).filter(([k, v]) => v !== undefined && k !== 'after' && k !== 'limit'),
  ) as Record<string, string>;

// ── authInfo ────────────────────────────────────────────────────────────────────────────────────────────────

export async function getOperator(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'openOperatorId', 'operatorIds'], 'auth');
  const { db, participantId: p } = c;
  if (q.operatorIds !== undefined) {
    const ids = uuidList(q.operatorIds, 'operatorIds', 100);
    const rows = await db
      .selectFrom('ouranos_operators')
      .selectAll()
      .where('participant_id', '=', p)
      .where('operator_id', 'in', ids)
      .execute();
    return ok(rows.map(operatorView));
  }
  if (q.openOperatorId !== undefined) {
    const row = await db
      .selectFrom('ouranos_operators')
      .selectAll()
      .where('participant_id', '=', p)
      .where('open_operator_id', '=', q.openOperatorId)
      .executeTakeFirst();
    if (row) return ok(operatorView(row));
    const remote = await c.bridge?.findOperator(q.openOperatorId);
    if (remote) return ok(remote);
    throw notFound('operator', 'auth');
  }
  return ok(operatorView(c.operator));
}

export async function putOperator(c: Caller, q: Query, body: unknown): Promise<Answer> {
  only(q, ['dataTarget'], 'auth');
  const o: OperatorModel = validOperator(body);
  if (o.operatorId !== c.operator.operator_id) throw forbidden('auth');
  if (o.openOperatorId !== c.operator.open_operator_id)
    throw new OuranosError(400, 'auth', 'Validation failed, openOperatorId: cannot be changed.');
  const at = c.now.toISOString();
  await c.db
    .updateTable('ouranos_operators')
    .set({
      operator_name: o.operatorName,
      operator_address: o.operatorAddress,
      global_operator_id: o.operatorAttribute.globalOperatorId ?? null,
      updated_at: at,
    })
    .where('participant_id', '=', c.participantId)
    .where('operator_id', '=', o.operatorId)
    .execute();
  const row = await findOperator(c.db, c.participantId, o.operatorId);
  return created(operatorView(row as OperatorRow));
}

export async function getPlants(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget'], 'auth');
  const rows = await c.db
    .selectFrom('ouranos_plants')
    .selectAll()
    .where('participant_id', '=', c.participantId)
    .where('operator_id', '=', c.operator.operator_id)
    .orderBy('plant_name')
    .orderBy('plant_id')
    .execute();
  return ok(rows.map(plantView));
}

export async function putPlant(c: Caller, q: Query, body: unknown): Promise<Answer> {
  only(q, ['dataTarget'], 'auth');
  const plant: PlantModel = validPlant(body);
  if (plant.operatorId !== c.operator.operator_id) throw forbidden('auth');
  const p = c.participantId;
  const at = c.now.toISOString();
  const plantId = plant.plantId ?? randomUUID();
  const globalPlantId = plant.plantAttribute.globalPlantId ?? null;
  const same = await c.db
    .selectFrom('ouranos_plants')
    .select(['plant_id', 'open_plant_id', 'global_plant_id'])
    .where('participant_id', '=', p)
    .where('operator_id', '=', plant.operatorId)
    .where('plant_id', '!=', plantId)
    .where((eb) =>
      eb.or([
        eb('open_plant_id', '=', plant.openPlantId),
        ...(globalPlantId !== null ? [eb('global_plant_id', '=', globalPlantId)] : []),
      ]),
    )
    .executeTakeFirst();
  if (same)
    throw new OuranosError(
      400,
      'auth',
      'Validation failed, openPlantId or globalPlantId is already registered.',
    );
  const values = {
    plant_name: plant.plantName,
    plant_address: plant.plantAddress,
    open_plant_id: plant.openPlantId,
    global_plant_id: globalPlantId,
    updated_at: at,
  };
  if (plant.plantId === null) {
    await c.db
      .insertInto('ouranos_plants')
      .values({
        participant_id: p,
        plant_id: plantId,
        operator_id: plant.operatorId,
        created_at: at,
        ...values,
      })
      .execute();
  } else {
    const r = await c.db
      .updateTable('ouranos_plants')
      .set(values)
      .where('participant_id', '=', p)
      .where('operator_id', '=', plant.operatorId)
      .where('plant_id', '=', plantId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('plant', 'auth');
  }
  return created({ ...plant, plantId, plantAttribute: { globalPlantId } });
}

// ── parts ───────────────────────────────────────────────────────────────────────────────────────────────────

async function ownPart(c: Caller, traceId: string): Promise<PartRow | undefined> {
  const row = await findPart(c.db, c.participantId, traceId);
  return row && row.operator_id === c.operator.operator_id ? row : undefined;
}

async function assertOwnPlant(c: Caller, plantId: string): Promise<void> {
  const plant = await c.db
    .selectFrom('ouranos_plants')
    .select('plant_id')
    .where('participant_id', '=', c.participantId)
    .where('operator_id', '=', c.operator.operator_id)
    .where('plant_id', '=', plantId)
    .executeTakeFirst();
  if (!plant) throw notFound('plant');
}

/** Creates or updates one part (PUT parts and each part of PUT partsStructure); returns it with its traceId. */
async function savePart(
  c: Caller,
  part: PartsModel,
  where: string,
): Promise<PartsModel & { traceId: string }> {
  if (part.operatorId !== c.operator.operator_id) throw forbidden();
  await assertOwnPlant(c, part.plantId);
  const at = c.now.toISOString();
  if (part.traceId === null) {
    const clash = await c.db
      .selectFrom('ouranos_parts')
      .select('trace_id')
      .where('participant_id', '=', c.participantId)
      .where('operator_id', '=', part.operatorId)
      .where('plant_id', '=', part.plantId)
      .where('parts_name', '=', part.partsName)
      .where((eb) =>
        part.supportPartsName === null
          ? eb('support_parts_name', 'is', null)
          : eb('support_parts_name', '=', part.supportPartsName),
      )
      .executeTakeFirst();
    if (clash)
      throw invalid(
        `${where}: a part with this plantId, partsName and supportPartsName exists (traceId ${clash.trace_id}).`,
      );
    const saved = { ...part, traceId: randomUUID() };
    await c.db
      .insertInto('ouranos_parts')
      .values(partRow(c.participantId, saved, at))
      .execute();
    return saved;
  }
  const existing = await ownPart(c, part.traceId);
  if (!existing) throw notFound('part');
  if (
    existing.plant_id !== part.plantId ||
    existing.parts_name !== part.partsName ||
    existing.support_parts_name !== part.supportPartsName
  )
    throw invalid(
      `${where}: plantId, partsName and supportPartsName of a registered part cannot be changed.`,
    );
  const {
    created_at: _c,
    participant_id: _p,
    trace_id: _t,
    ...values
  } = partRow(c.participantId, part as PartsModel & { traceId: string }, at);
  await c.db
    .updateTable('ouranos_parts')
    .set(values)
    .where('participant_id', '=', c.participantId)
    .where('trace_id', '=', part.traceId)
    .execute();
  return part as PartsModel & { traceId: string };
}

export async function putPart(c: Caller, q: Query, body: unknown): Promise<Answer> {
  only(q, ['dataTarget']);
  const part = validPart(body);
  return created(await c.db.transaction().execute((db) => savePart({ ...c, db }, part, 'partsModel')));
}

export async function getParts(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'limit', 'after', 'traceId', 'partsName', 'plantId', 'parentFlag']);
  const limit = limitOf(q);
  const after = afterOf(q);
  if (q.traceId !== undefined && !isUuid(q.traceId)) throw badParameter('traceId', 'invalid UUID');
  if (q.plantId !== undefined && !isUuid(q.plantId)) throw badParameter('plantId', 'invalid UUID');
  if (q.parentFlag !== undefined && q.parentFlag !== 'true' && q.parentFlag !== 'false')
    throw badParameter('parentFlag', 'must be true or false');
  const p = c.participantId;
  let query = c.db
    .selectFrom('ouranos_parts')
    .selectAll()
    .where('participant_id', '=', p)
    .where('operator_id', '=', c.operator.operator_id);
  if (q.traceId) query = query.where('trace_id', '=', q.traceId);
  if (q.partsName) query = query.where('parts_name', '=', q.partsName);
  if (q.plantId) query = query.where('plant_id', '=', q.plantId);
  if (q.parentFlag === 'true')
    // a parent part is one no structure lists as a child
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('ouranos_parts_structures as s')
            .select('s.child_trace_id')
            .where('s.participant_id', '=', p)
            .whereRef('s.child_trace_id', '=', 'ouranos_parts.trace_id'),
        ),
      ),
    );
  if (after) {
    const from = await ownPart(c, after);
    if (!from) throw badParameter('after', 'unknown position');
    query = query.where((eb) =>
      eb.or([
        eb('parts_name', '>', from.parts_name),
        eb.and([eb('parts_name', '=', from.parts_name), eb('trace_id', '>', from.trace_id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('parts_name')
    .orderBy('trace_id')
    .limit(limit + 1)
    .execute();
  const { items, next } = page(rows, limit, (r) => r.trace_id, q);
  return ok(items.map(partView), next);
}

export async function deletePart(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'traceId']);
  if (!isUuid(q.traceId)) throw badParameter('traceId', 'invalid UUID');
  const traceId = q.traceId;
  return c.db.transaction().execute(async (db) => {
    const part = await ownPart({ ...c, db }, traceId);
    if (!part) throw notFound('part');
    const p = c.participantId;
    const inStructure = await db
      .selectFrom('ouranos_parts_structures')
      .select('parent_trace_id')
      .where('participant_id', '=', p)
      .where((eb) => eb.or([eb('parent_trace_id', '=', traceId), eb('child_trace_id', '=', traceId)]))
      .executeTakeFirst();
    if (inStructure) throw invalid('the part is in a parts structure; delete the structure first.');
    const inTrade = await db
      .selectFrom('ouranos_trades')
      .select('trade_id')
      .where('participant_id', '=', p)
      .where('cfp_response_status', '!=', 'CANCEL')
      .where((eb) => eb.or([eb('downstream_trace_id', '=', traceId), eb('upstream_trace_id', '=', traceId)]))
      .executeTakeFirst();
    if (inTrade) throw invalid('the part is linked to a trade request; withdraw the request first.');
    await db
      .deleteFrom('ouranos_cfps')
      .where('participant_id', '=', p)
      .where('trace_id', '=', traceId)
      .execute();
    await db
      .deleteFrom('ouranos_parts')
      .where('participant_id', '=', p)
      .where('trace_id', '=', traceId)
      .execute();
    return { status: 204 } as Answer;
  });
}

export async function putPartsStructure(c: Caller, q: Query, body: unknown): Promise<Answer> {
  only(q, ['dataTarget']);
  const s = validPartsStructure(body);
  return created(
    await c.db.transaction().execute(async (db) => {
      const tx = { ...c, db };
      const parent = await savePart(tx, s.parentPartsModel, 'parentPartsModel');
      const children: (PartsModel & { traceId: string })[] = [];
      for (const [i, child] of s.childrenPartsModel.entries())
        children.push(await savePart(tx, child, `childrenPartsModel[${i}]`));
      if (children.some((ch) => ch.traceId === parent.traceId))
        throw invalid('childrenPartsModel: a part cannot be its own child.');
      const p = c.participantId;
      await db
        .deleteFrom('ouranos_parts_structures')
        .where('participant_id', '=', p)
        .where('parent_trace_id', '=', parent.traceId)
        .execute();
      if (children.length > 0)
        await db
          .insertInto('ouranos_parts_structures')
          .values(
            children.map((ch) => ({
              participant_id: p,
              parent_trace_id: parent.traceId,
              child_trace_id: ch.traceId,
            })),
          )
          .execute();
      return { parentPartsModel: parent, childrenPartsModel: children } satisfies PartsStructureModel;
    }),
  );
}

export async function getPartsStructure(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'traceId']);
  if (!isUuid(q.traceId)) throw badParameter('traceId', 'invalid UUID');
  const parent = await ownPart(c, q.traceId);
  if (!parent) throw notFound('part');
  const lines = await childrenOf(c.db, c.participantId, [parent.trace_id]);
  const children = await partsOf(
    c.db,
    c.participantId,
    lines.map((l) => l.child_trace_id),
  );
  children.sort((a, b) => a.parts_name.localeCompare(b.parts_name) || a.trace_id.localeCompare(b.trace_id));
  return ok({ parentPartsModel: partView(parent), childrenPartsModel: children.map(partView) });
}

// ── trades and status ───────────────────────────────────────────────────────────────────────────────────────

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
  return c.db.transaction().execute(async (db) => {
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
    const remote = !local && (await c.bridge?.knowsOperator(tm.upstreamOperatorId));
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
    if (remote)
      await c.bridge?.sendRequest({
        trade: tradeModel(row),
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

export async function putCfp(c: Caller, q: Query, body: unknown): Promise<Answer> {
  only(q, ['dataTarget']);
  const records = validCfpRecords(body);
  const first = records[0] as CfpModel;
  const p = c.participantId;
  return c.db.transaction().execute(async (db) => {
    if (!(await ownPart({ ...c, db }, first.traceId))) throw notFound('part');
    const existing = await cfpsOf(db, p, [first.traceId]);
    const cfpId = existing[0]?.cfp_id ?? randomUUID();
    if (first.cfpId === null && existing.length > 0)
      throw invalid(`cfpId: the part already has CFP records; update them with cfpId ${cfpId}.`);
    if (first.cfpId !== null && first.cfpId !== cfpId) throw notFound('cfp');
    const at = c.now.toISOString();
    const text = (n: number | null) => (n === null ? null : decimalText(n));
    await db
      .deleteFrom('ouranos_cfps')
      .where('participant_id', '=', p)
      .where('trace_id', '=', first.traceId)
      .execute();
    await db
      .insertInto('ouranos_cfps')
      .values(
        records.map((r) => ({
          participant_id: p,
          trace_id: r.traceId,
          cfp_type: r.cfpType,
          cfp_id: cfpId,
          ghg_emission: decimalText(r.ghgEmission ?? 0),
          ghg_declared_unit: r.ghgDeclaredUnit,
          dqr_type: r.dqrType,
          te_r: text(r.dqrValue.TeR),
          ge_r: text(r.dqrValue.GeR),
          ti_r: text(r.dqrValue.TiR),
          updated_at: at,
        })),
      )
      .execute();
    return created(records.map((r) => ({ ...r, cfpId, ghgEmission: r.ghgEmission ?? 0 })));
  });
}

const ownOrder = ['preProduction', 'mainProduction', 'preComponent', 'mainComponent'];

/**
 * `GET dataTarget=cfp`: per trace id of the caller's own parts, in the order asked — its registered records,
 * its totals where it has a structure (aggregated by the footprint app), and its supplier's answer as
 * `…ProductionResponse` where a request was answered. Trace ids of other operators yield nothing.
 */
export async function getCfp(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'traceIds']);
  const traceIds = [...new Set(uuidList(q.traceIds, 'traceIds', 50))];
  const p = c.participantId;
  const me = c.operator.operator_id;
  const parts = new Map(
    (await partsOf(c.db, p, traceIds)).filter((r) => r.operator_id === me).map((r) => [r.trace_id, r]),
  );
  const mine = traceIds.filter((t) => parts.has(t));
  const [records, lines, trades] = await Promise.all([
    cfpsOf(c.db, p, mine),
    childrenOf(c.db, p, mine),
    c.db
      .selectFrom('ouranos_trades')
      .selectAll()
      .where('participant_id', '=', p)
      .where('downstream_trace_id', 'in', mine.length ? mine : [''])
      .where('upstream_trace_id', 'is not', null)
      .where('cfp_response_status', 'not in', ['CANCEL', 'REJECT'])
      .execute(),
  ]);
  const ex = exchange(c.db, p, c.bridge);
  await ex.prefetch(mine);
  const out: CfpModel[] = [];
  for (const traceId of mine) {
    const own = records
      .filter((r) => r.trace_id === traceId)
      .sort((a, b) => ownOrder.indexOf(a.cfp_type) - ownOrder.indexOf(b.cfp_type));
    out.push(...own.map(cfpView));
    if (lines.some((l) => l.parent_trace_id === traceId)) {
      const fp = await ex.footprintOf(traceId);
      if (fp) out.push(...totalRecords(fp, traceId, own[0]?.cfp_id ?? null));
    }
    const trade = trades.find((t) => t.downstream_trace_id === traceId);
    if (trade) {
      const answer = await ex.answerOf(trade);
      if (answer) out.push(...responseRecords(answer, traceId));
    }
  }
  return ok(out);
}

/** `GET dataTarget=cfpCertification`: certificates are not uploaded through this API, so a part has none. */
export async function getCfpCertification(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'traceId']);
  if (!isUuid(q.traceId)) throw badParameter('traceId', 'invalid UUID');
  if (!(await ownPart(c, q.traceId))) throw notFound('part');
  return ok([] as CfpCertificationModel[]);
}
