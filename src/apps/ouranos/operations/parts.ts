// `parts` and `partsStructure`: an operator's parts and their two-level structures.
import { randomUUID } from 'node:crypto';
import { badParameter, forbidden, invalid, notFound } from '../errors.js';
import type { PartsModel, PartsStructureModel } from '../model.js';
import { childrenOf, partRow, partsOf, partView } from '../store.js';
import { isUuid, validPart, validPartsStructure } from '../validate.js';
import type { Answer, Caller, Query } from './caller.js';
import { afterOf, assertOwnPlant, created, limitOf, ok, only, ownPart, page } from './caller.js';

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
