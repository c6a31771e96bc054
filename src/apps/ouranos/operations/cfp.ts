// `cfp` and `cfpCertification`: an operator's CFP records, with totals and its suppliers' answers.
import { randomUUID } from 'node:crypto';
import { badParameter, invalid, notFound } from '../errors.js';
import { exchange, responseRecords, totalRecords } from '../exchange.js';
import type { CfpCertificationModel, CfpModel } from '../model.js';
import { cfpsOf, cfpView, childrenOf, decimalText, partsOf } from '../store.js';
import { isUuid, uuidList, validCfpRecords } from '../validate.js';
import type { Answer, Caller, Query } from './caller.js';
import { created, ok, only, ownPart } from './caller.js';

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
