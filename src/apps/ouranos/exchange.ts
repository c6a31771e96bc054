import { isMusubiError } from '../../errors/index.js';
import {
  aggregate,
  type BomLine,
  type CompanyData,
  convert,
  exactFootprint,
  type Footprint,
  fromOuranos,
  type Part,
  publish,
  roundEmission,
  type TradeLink,
  toOuranos,
  type Unit,
} from '../footprint/index.js';
import type { OuranosTradeBridge } from './bridge.js';
import type { CfpModel, CfpType, DqrType, GhgUnit, PartsModel, RequestStatus, TradeModel } from './model.js';
import {
  type CfpRow,
  cfpsOf,
  cfpView,
  childrenOf,
  findOperator,
  findPart,
  type OuranosDb,
  type PartRow,
  partsOf,
  type TradeRow,
  tradesFrom,
} from './store.js';

/**
 * What one operator may read of the others: a supplier's answer (its aggregate per unit, never its suppliers),
 * the totals of a part computed by the footprint app, and a request's progress counts. Reads go through a
 * per-request memo so a deep tree is walked once.
 */
export interface Exchange {
  /** Published footprint of a local part as its operator would answer for it, or undefined. */
  footprintOf(traceId: string): Promise<Footprint | undefined>;
  /** The supplier's answer to a trade, once linked and registered. */
  answerOf(trade: TradeRow): Promise<Footprint | undefined>;
  tree(trade: TradeRow): Promise<Tree>;
  /** Loads the parts reachable from `traceIds` (structures and answered trades) level by level, a few queries each. */
  prefetch(traceIds: readonly string[]): Promise<void>;
}

export interface Tree {
  readonly trades: number;
  readonly completed: number;
  readonly terminated: boolean;
  readonly tradesAt: string;
  readonly completedAt: string | undefined;
}

const ouranosUnits: Record<string, Unit> = {
  liter: 'l',
  kilogram: 'kg',
  'cubic-meter': 'm3',
  'kilowatt-hour': 'kWh',
  megajoule: 'MJ',
  'ton-kilometer': 'tkm',
  'square-meter': 'm2',
  unit: 'piece',
};
const unitOfGhg = (u: string): Unit | undefined => ouranosUnits[u.replace(/^kgCO2e\//, '')];

/** The four own records of a part, complete, in the footprint model (undefined when any is missing or unrated). */
export function ownFootprint(records: readonly CfpRow[]): Footprint | undefined {
  const own = records.filter((r) => !r.cfp_type.endsWith('Total') && !r.cfp_type.endsWith('Response'));
  if (own.length !== 4 || own.some((r) => r.te_r === null || r.ge_r === null || r.ti_r === null))
    return undefined;
  try {
    return fromOuranos(
      own.map((r) => ({
        ...cfpView(r),
        ghgEmission: r.ghg_emission,
        dqrValue: { TeR: r.te_r as string, GeR: r.ge_r as string, TiR: r.ti_r as string },
      })) as Parameters<typeof fromOuranos>[0],
    ).value;
  } catch (e) {
    if (isMusubiError(e)) return undefined;
    throw e;
  }
}

const maxDepth = 32;

export function exchange(
  db: OuranosDb,
  participantId: string,
  bridge: OuranosTradeBridge | undefined,
): Exchange {
  const p = participantId;
  const footprints = new Map<string, Promise<Footprint | undefined>>();
  const trees = new Map<string, Promise<Tree>>();
  const onPath = new Set<string>();
  // per-request memo of the rows read: each part's row, trades from it, structure lines and CFP records
  const partRows = new Map<string, PartRow | undefined>();
  const tradeRows = new Map<string, TradeRow[]>();
  const lineRows = new Map<string, { child_trace_id: string }[]>();
  const cfpRows = new Map<string, CfpRow[]>();
  const operatorKnown = new Map<string, boolean>();

  async function prefetch(traceIds: readonly string[]): Promise<void> {
    let frontier = [...new Set(traceIds)].filter((t) => !partRows.has(t));
    for (let depth = 0; frontier.length > 0 && depth < maxDepth; depth++) {
      const [parts, trades, lines, cfps] = await Promise.all([
        partsOf(db, p, frontier),
        tradesFrom(db, p, frontier),
        childrenOf(db, p, frontier),
        cfpsOf(db, p, frontier),
      ]);
      for (const t of frontier) {
        partRows.set(t, undefined);
        tradeRows.set(t, []);
        lineRows.set(t, []);
        cfpRows.set(t, []);
      }
      for (const r of parts) partRows.set(r.trace_id, r);
      for (const r of trades) tradeRows.get(r.downstream_trace_id)?.push(r);
      for (const r of lines) lineRows.get(r.parent_trace_id)?.push(r);
      for (const r of cfps) cfpRows.get(r.trace_id)?.push(r);
      const next = [
        ...lines.map((l) => l.child_trace_id),
        ...trades.flatMap((t) => (t.upstream_trace_id ? [t.upstream_trace_id] : [])),
      ];
      frontier = [...new Set(next)].filter((t) => !partRows.has(t));
    }
  }
  const partOf = async (t: string) => {
    if (!partRows.has(t)) partRows.set(t, await findPart(db, p, t));
    return partRows.get(t);
  };
  const tradesOf = async (t: string) => {
    if (!tradeRows.has(t)) tradeRows.set(t, await tradesFrom(db, p, [t]));
    return tradeRows.get(t) as TradeRow[];
  };
  const linesOf = async (t: string) => {
    if (!lineRows.has(t)) lineRows.set(t, await childrenOf(db, p, [t]));
    return lineRows.get(t) as { child_trace_id: string }[];
  };
  const recordsOfPart = async (t: string) => {
    if (!cfpRows.has(t)) cfpRows.set(t, await cfpsOf(db, p, [t]));
    return cfpRows.get(t) as CfpRow[];
  };
  const hosted = async (operatorId: string) => {
    if (!operatorKnown.has(operatorId))
      operatorKnown.set(operatorId, (await findOperator(db, p, operatorId)) !== undefined);
    return operatorKnown.get(operatorId) as boolean;
  };

  const tradeOf = async (traceId: string) =>
    (await tradesOf(traceId)).find((t) => t.cfp_response_status !== 'REJECT');

  async function answerOf(trade: TradeRow): Promise<Footprint | undefined> {
    if (
      !trade.upstream_trace_id ||
      trade.cfp_response_status === 'REJECT' ||
      trade.cfp_response_status === 'CANCEL'
    )
      return undefined;
    if (await hosted(trade.upstream_operator_id)) {
      const part = await partOf(trade.upstream_trace_id);
      return part && part.operator_id === trade.upstream_operator_id ? footprintOf(part.trace_id) : undefined;
    }
    return bridge?.answer({ ...tradeModel(trade), upstreamTraceId: trade.upstream_trace_id });
  }

  function footprintOf(traceId: string): Promise<Footprint | undefined> {
    // a trade loop (my part answered by a part that is answered by mine) has no answer; checked before the memo,
    // whose entry for a part on the path is the very promise being computed
    if (onPath.has(traceId) || onPath.size > maxDepth) return Promise.resolve(undefined);
    const known = footprints.get(traceId);
    if (known) return known;
    onPath.add(traceId);
    const computed = computeFootprint(traceId).finally(() => onPath.delete(traceId));
    footprints.set(traceId, computed);
    return computed;
  }

  /**
   * A part's footprint: bought (the supplier's answer), made (the footprint app's aggregate over its structure,
   * own `…Production` plus each child × `amountRequired`) or a leaf (its four registered records).
   */
  async function computeFootprint(traceId: string): Promise<Footprint | undefined> {
    const part = await partOf(traceId);
    if (!part) return undefined;
    const trade = await tradeOf(traceId);
    if (trade?.upstream_trace_id) return answerOf(trade);
    const lines = await linesOf(traceId);
    const records = await recordsOfPart(traceId);
    if (lines.length === 0) return ownFootprint(records);
    const children = await Promise.all(lines.map((l) => partOf(l.child_trace_id)));
    const answers = new Map<string, Footprint>();
    const links: TradeLink[] = [];
    const bom: BomLine[] = [];
    const parts: Part[] = [asPart(part, records)];
    for (const child of children) {
      if (!child || child.amount_required === null) return undefined;
      const unit = ouranosUnits[child.amount_required_unit ?? ''];
      if (!unit) return undefined;
      parts.push(asPart(child, []));
      bom.push({
        parentTraceId: traceId,
        childTraceId: child.trace_id,
        quantity: child.amount_required,
        unit,
      });
      const fp = await footprintOf(child.trace_id);
      if (fp) {
        answers.set(`answer:${child.trace_id}`, fp);
        links.push({
          downstreamTraceId: child.trace_id,
          upstreamOperatorId: child.operator_id,
          upstreamTraceId: `answer:${child.trace_id}`,
        });
      }
    }
    const own = ownProduction(records);
    const data: CompanyData = {
      operator: { operatorId: part.operator_id, operatorName: part.operator_id },
      parts,
      bom,
      own: own ? [{ traceId, ...own }] : [],
      tradeLinks: links,
    };
    try {
      const result = aggregate(data, answers, [traceId]).get(traceId);
      if (!result?.footprint || result.footprint.partial) return undefined;
      return publish(result.footprint);
    } catch (e) {
      if (isMusubiError(e)) return undefined;
      throw e;
    }
  }

  async function tree(trade: TradeRow): Promise<Tree> {
    const known = trees.get(trade.trade_id);
    if (known) return known;
    const computed = computeTree(trade, new Set());
    trees.set(trade.trade_id, computed);
    return computed;
  }

  async function computeTree(trade: TradeRow, path: ReadonlySet<string>): Promise<Tree> {
    const answer = await answerOf(trade);
    const done = answer !== undefined;
    const own: Tree = {
      trades: 1,
      completed: done ? 1 : 0,
      terminated: false,
      tradesAt: trade.created_at,
      completedAt: done ? trade.updated_at : undefined,
    };
    if (!trade.upstream_trace_id || path.size > maxDepth) return own;
    const upstream = await partOf(trade.upstream_trace_id);
    if (!upstream) return { ...own, terminated: done };
    const below = await partTree(upstream, new Set([...path, trade.trade_id]));
    const answeredAt = done ? await latestCfp(upstream.trace_id) : undefined;
    return {
      trades: 1 + below.trades,
      completed: own.completed + below.completed,
      terminated: below.terminated,
      tradesAt: latest(own.tradesAt, below.tradesAt) as string,
      completedAt: latest(latest(own.completedAt, answeredAt), below.completedAt),
    };
  }

  async function latestCfp(traceId: string): Promise<string | undefined> {
    const rows = await recordsOfPart(traceId);
    return rows.reduce<string | undefined>((a, r) => latest(a, r.updated_at), undefined);
  }

  /** The requests below a supplier's part: its own trades and those of its structure's children. */
  async function partTree(part: PartRow, above: ReadonlySet<string>): Promise<Tree> {
    // `path`: the trades and parts above, so a loop of trades or structures is walked once
    if (above.has(part.trace_id) || above.size > maxDepth)
      return { trades: 0, completed: 0, terminated: false, tradesAt: '', completedAt: undefined };
    const path = new Set([...above, part.trace_id]);
    const trades = await tradesOf(part.trace_id);
    const lines = await linesOf(part.trace_id);
    const subs: Tree[] = [];
    for (const t of trades)
      if (t.cfp_response_status !== 'REJECT' && !path.has(t.trade_id)) subs.push(await computeTree(t, path));
    for (const l of lines) {
      const child = await partOf(l.child_trace_id);
      if (child) subs.push(await partTree(child, path));
    }
    const terminated = part.terminated_flag === 1 || (subs.length > 0 && subs.every((s) => s.terminated));
    return {
      trades: subs.reduce((n, s) => n + s.trades, 0),
      completed: subs.reduce((n, s) => n + s.completed, 0),
      terminated,
      tradesAt: subs.reduce((a, s) => latest(a, s.tradesAt) as string, ''),
      completedAt: subs.reduce<string | undefined>((a, s) => latest(a, s.completedAt), undefined),
    };
  }

  return { footprintOf, answerOf, tree, prefetch };
}

const latest = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : a > b ? a : b);

function asPart(r: PartRow, records: readonly CfpRow[]): Part {
  const unit =
    unitOfGhg(records[0]?.ghg_declared_unit ?? '') ?? ouranosUnits[r.amount_required_unit ?? ''] ?? 'piece';
  // the role checks of `aggregate` know leaves by terminatedFlag; here a part's role is its data's shape
  return {
    traceId: r.trace_id,
    operatorId: r.operator_id,
    partsName: r.parts_name,
    unit,
    terminatedFlag: false,
  };
}

function ownProduction(records: readonly CfpRow[]) {
  const get = (t: string) => records.find((r) => r.cfp_type === t);
  const pre = get('preProduction');
  const main = get('mainProduction');
  if (!pre || !main) return undefined;
  const dqr = (r: CfpRow) =>
    r.te_r !== null && r.ge_r !== null && r.ti_r !== null
      ? { TeR: r.te_r, GeR: r.ge_r, TiR: r.ti_r }
      : undefined;
  const stage = (r: CfpRow) => {
    const d = dqr(r);
    return d ? { emissions: r.ghg_emission, dqr: d } : { emissions: r.ghg_emission };
  };
  return { pre: stage(pre), main: stage(main) };
}

export const tradeModel = (t: TradeRow): TradeModel => ({
  tradeId: t.trade_id,
  downstreamOperatorId: t.downstream_operator_id,
  upstreamOperatorId: t.upstream_operator_id,
  downstreamTraceId: t.downstream_trace_id,
  upstreamTraceId: t.upstream_trace_id,
});

/** The downstream part as its supplier sees it: the customer's activity amount is not the supplier's business. */
export const supplierView = (part: PartsModel): PartsModel => ({ ...part, amountRequired: null });

/** The request's status as both sides read it. */
export function requestStatus(t: TradeRow, tree: Tree): RequestStatus {
  const status =
    t.cfp_response_status === 'REJECT' || t.cfp_response_status === 'CANCEL'
      ? t.cfp_response_status
      : tree.completed > 0 && t.upstream_trace_id
        ? 'COMPLETED'
        : 'NOT_COMPLETED';
  return {
    cfpResponseStatus: status,
    tradeTreeStatus: tree.terminated ? 'TERMINATED' : 'UNTERMINATED',
    completedCount: tree.completed,
    completedCountModifiedAt: seconds(tree.completedAt ?? t.created_at),
    tradesCount: tree.trades,
    tradesCountModifiedAt: seconds(tree.tradesAt),
  };
}

/** `2024-11-15T04:49:44Z`: the platform's timestamps carry whole seconds. */
export const seconds = (iso: string): string => `${iso.slice(0, 19)}Z`;

const withKind = (records: readonly CfpModel[], suffix: 'Total', cfpId: string | null): CfpModel[] =>
  records.map((r) => ({
    ...r,
    cfpId,
    cfpType: `${r.cfpType}${suffix}` as CfpType,
    dqrType: `${r.dqrType}${suffix}` as DqrType,
  }));

/** The footprint (published decimals) as Ouranos records for `traceId`, numbers as the API writes them. */
function recordsOf(fp: Footprint, traceId: string): CfpModel[] | undefined {
  try {
    const mapped = toOuranos(exactFootprint({ ...fp, traceId }), null).value;
    return mapped.map((r) => ({
      ...r,
      ghgEmission: Number(r.ghgEmission),
      dqrValue: { TeR: Number(r.dqrValue.TeR), GeR: Number(r.dqrValue.GeR), TiR: Number(r.dqrValue.TiR) },
    }));
  } catch (e) {
    if (isMusubiError(e)) return undefined;
    throw e;
  }
}

/** `…Total`: the part's totals as the footprint app aggregates them over its structure. */
export function totalRecords(fp: Footprint, traceId: string, cfpId: string | null): CfpModel[] {
  return withKind(recordsOf(fp, traceId) ?? [], 'Total', cfpId);
}

/**
 * `…ProductionResponse`: the supplier's answer on the customer's own part, one record per stage — the
 * supplier's whole per-unit emission of that stage (own and from its components) with the stage's DQR.
 */
export function responseRecords(answer: Footprint, traceId: string): CfpModel[] {
  const records = recordsOf(answer, traceId);
  if (!records) return [];
  const exact = exactFootprint(answer);
  const stages = exact.stages;
  if (!stages) return [];
  const unit = unitOfGhg(records[0]?.ghgDeclaredUnit ?? '');
  const perUnit = unit && convert(exact.declaredUnitAmount, exact.declaredUnit, unit);
  if (!perUnit) return [];
  return (['pre', 'main'] as const).map((stage) => {
    const r = records.find((x) => x.cfpType === `${stage}Production`) as CfpModel;
    const s = stages[stage];
    return {
      cfpId: null,
      traceId,
      ghgEmission: Number(roundEmission(s.own.plus(s.components).div(perUnit))),
      ghgDeclaredUnit: r.ghgDeclaredUnit as GhgUnit,
      cfpType: `${stage}ProductionResponse` as CfpType,
      dqrType: `${stage}ProcessingResponse` as DqrType,
      dqrValue: r.dqrValue,
    };
  });
}
