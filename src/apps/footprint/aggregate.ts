import { type Contribution, combine, type Flag } from './combine.js';
import { type Dec, one, parseDecimal, zero } from './decimal.js';
import { BomCycle, InvalidFootprint, UnknownPart } from './errors.js';
import { exactDqi, exactDqr, exactFootprint, nonNegative } from './exact.js';
import type {
  BomLine,
  CompanyData,
  Footprint,
  OwnEmissions,
  Part,
  SupplierAnswers,
  TradeLink,
} from './model.js';

export type { Flag } from './combine.js';

import { inDeclaredUnits } from './units.js';

/** One BOM line's share of its parent: quantities in the child's declared units, and what they add. */
export interface LineResult {
  readonly childTraceId: string;
  readonly grossDeclaredUnits: Dec;
  readonly netDeclaredUnits: Dec;
}

/** A part's aggregated footprint (exact, unrounded) with its breakdown and flags. */
export interface PartResult {
  readonly traceId: string;
  /** Absent when nothing could be computed (a bought part with no answer, a part with no data). */
  readonly footprint: Footprint<Dec> | undefined;
  readonly lines: readonly LineResult[];
  readonly flags: readonly Flag[];
}

export type Results = ReadonlyMap<string, PartResult>;

interface Index {
  readonly parts: ReadonlyMap<string, Part>;
  readonly children: ReadonlyMap<string, readonly BomLine[]>;
  readonly own: ReadonlyMap<string, OwnEmissions>;
  readonly links: ReadonlyMap<string, TradeLink>;
  readonly answers: SupplierAnswers;
}

/**
 * `PCF(part) = own per unit + Σ gross quantity_i × PCF(child_i)`, per stage and per additive field, in exact
 * decimals, for `targets` (default: every part) and everything they need. `reuse` holds results known to be
 * current (see `refresh`). Throws `BomCycle`, `UnitMismatch`, `UnknownPart` or `InvalidFootprint`.
 */
export function aggregate(
  data: CompanyData,
  answers: SupplierAnswers,
  targets: readonly string[] = data.parts.map((p) => p.traceId),
  reuse: Results = new Map(),
): Map<string, PartResult> {
  const index = indexOf(data, answers);
  const done = new Map<string, PartResult>(reuse);
  const onPath: string[] = [];
  const visit = (traceId: string, referencedBy: string): PartResult => {
    const known = done.get(traceId);
    if (known) return known;
    const at = onPath.indexOf(traceId);
    if (at >= 0) throw cycleError([...onPath.slice(at), traceId], index.parts);
    const part = index.parts.get(traceId);
    if (!part) throw new UnknownPart(traceId, referencedBy);
    onPath.push(traceId);
    const result = compute(part, index, (child) => visit(child, traceId));
    onPath.pop();
    done.set(traceId, result);
    return result;
  };
  for (const t of targets) visit(t, 'the request');
  return done;
}

function indexOf(data: CompanyData, answers: SupplierAnswers): Index {
  const children = new Map<string, BomLine[]>();
  for (const line of data.bom) {
    const list = children.get(line.parentTraceId) ?? [];
    list.push(line);
    children.set(line.parentTraceId, list);
  }
  return {
    parts: new Map(data.parts.map((p) => [p.traceId, p])),
    children,
    own: new Map(data.own.map((o) => [o.traceId, o])),
    links: new Map(data.tradeLinks.map((l) => [l.downstreamTraceId, l])),
    answers,
  };
}

function cycleError(cycle: readonly string[], parts: ReadonlyMap<string, Part>): BomCycle {
  return new BomCycle(
    cycle,
    cycle.map((t) => `${parts.get(t)?.partsName ?? '?'} (${t})`),
  );
}

function compute(part: Part, index: Index, visit: (child: string) => PartResult): PartResult {
  const lines = index.children.get(part.traceId) ?? [];
  const own = index.own.get(part.traceId);
  const link = index.links.get(part.traceId);
  checkRole(part, lines.length > 0, own !== undefined, link !== undefined);
  if (lines.length === 0 && !own) return link ? bought(part, link, index.answers) : noData(part);
  const flags: Flag[] = own ? [] : [{ code: 'own-data-missing', part: part.traceId }];
  const contributions: Contribution[] = own ? [ownContribution(part, own)] : [];
  const lineResults: LineResult[] = [];
  let partial = !own;
  for (const line of lines) {
    const child = visit(line.childTraceId);
    flags.push(...child.flags);
    if (!child.footprint) {
      partial = true;
      continue;
    }
    const contribution = lineContribution(line, index.parts.get(line.childTraceId) as Part, child.footprint);
    partial ||= child.footprint.partial;
    contributions.push(contribution);
    lineResults.push({
      childTraceId: line.childTraceId,
      grossDeclaredUnits: contribution.gross,
      netDeclaredUnits: contribution.net,
    });
  }
  const combined = combine(part, contributions, own, partial);
  return {
    traceId: part.traceId,
    footprint: combined.footprint,
    lines: lineResults,
    flags: dedupe([...flags, ...combined.flags]),
  };
}

/**
 * A part is bought (a trade link: its footprint is the supplier's answer), a leaf (`terminatedFlag`: own
 * data only) or made in-house (own data and BOM lines); mixing the roles would count something twice or
 * silently ignore it.
 */
function checkRole(part: Part, hasLines: boolean, hasOwn: boolean, hasLink: boolean): void {
  const where = `part ${part.partsName} (${part.traceId})`;
  if (hasLink && (hasLines || hasOwn))
    throw new InvalidFootprint(
      where,
      `is bought (trade link) and also has ${hasLines ? 'BOM lines' : 'own emissions'}`,
    );
  if (part.terminatedFlag && (hasLines || hasLink))
    throw new InvalidFootprint(
      where,
      `is a leaf (terminatedFlag) and also has ${hasLines ? 'BOM lines' : 'a trade link'}`,
    );
}

function bought(part: Part, link: TradeLink, answers: SupplierAnswers): PartResult {
  const supplier = { operatorId: link.upstreamOperatorId, traceId: link.upstreamTraceId };
  const answer = answers.get(link.upstreamTraceId);
  if (!answer)
    return {
      traceId: part.traceId,
      footprint: undefined,
      lines: [],
      flags: [{ code: 'supplier-answer-missing', part: part.traceId, supplier }],
    };
  const footprint = exactFootprint(answer, `answer for ${part.partsName} (${part.traceId})`);
  return {
    traceId: part.traceId,
    footprint,
    lines: [],
    flags: footprint.partial ? [{ code: 'supplier-answer-partial', part: part.traceId, supplier }] : [],
  };
}

function noData(part: Part): PartResult {
  return {
    traceId: part.traceId,
    footprint: undefined,
    lines: [],
    flags: [{ code: 'own-data-missing', part: part.traceId }],
  };
}

function ownContribution(part: Part, own: OwnEmissions): Contribution {
  const where = `own emissions of ${part.partsName} (${part.traceId})`;
  const pcf: Record<string, Dec> = {};
  for (const [field, value] of Object.entries(own.pcf ?? {}))
    if (value !== undefined) pcf[field] = parseDecimal(value, `${where}: pcf.${field}`);
  const stage = (s: OwnEmissions['pre'], name: string) => ({
    own: nonNegative(s.emissions, `${where}: ${name}.emissions`),
    components: zero,
    dqr: s.dqr && exactDqr(s.dqr, `${where}: ${name}.dqr`),
  });
  const share = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const d = parseDecimal(v, `${where}: ${name}`);
    if (d.lt(0) || d.gt(100)) throw new InvalidFootprint(`${where}: ${name}`, `${v} is outside 0–100`);
    return d;
  };
  return {
    source: part.traceId,
    gross: one,
    net: one,
    stages: { pre: stage(own.pre, 'pre'), main: stage(own.main, 'main') },
    pcf,
    primaryDataShare: share(own.primaryDataShare, 'primaryDataShare'),
    exemptedEmissionsPercent: share(own.exemptedEmissionsPercent, 'exemptedEmissionsPercent'),
    dqi: own.dqi && exactDqi(own.dqi, where),
    ipccCharacterizationFactors: own.ipccCharacterizationFactors,
  };
}

function lineContribution(line: BomLine, child: Part, fp: Footprint<Dec>): Contribution {
  const where = `BOM line ${line.parentTraceId} → ${line.childTraceId}`;
  const net = parseDecimal(line.quantity, `${where}: quantity`);
  if (net.lte(0)) throw new InvalidFootprint(`${where}: quantity`, `${line.quantity} must be greater than 0`);
  const share = drawnShare(line, where);
  const gross = share === one ? net : net.div(share);
  const massPerUnit =
    child.massPerUnit === undefined
      ? undefined
      : parseDecimal(child.massPerUnit, `${child.traceId}: massPerUnit`);
  const input = {
    part: { traceId: child.traceId, name: child.partsName, unit: child.unit, massPerUnit },
    unit: line.unit,
    declaredUnit: fp.declaredUnit,
    declaredUnitAmount: fp.declaredUnitAmount,
    productMassPerDeclaredUnit: fp.productMassPerDeclaredUnit,
  };
  return {
    source: child.traceId,
    gross: inDeclaredUnits({ ...input, quantity: gross }),
    net: inDeclaredUnits({ ...input, quantity: net }),
    stages: fp.stages,
    pcf: fp.pcf,
    primaryDataShare: fp.primaryDataShare,
    exemptedEmissionsPercent: fp.exemptedEmissionsPercent,
    dqi: fp.dqi,
    ipccCharacterizationFactors: fp.ipccCharacterizationFactors,
  };
}

/** The share of the drawn (gross) quantity that ends up in the product: the yield, or 1 − scrap. */
function drawnShare(line: BomLine, where: string): Dec {
  if (line.yieldRate !== undefined && line.scrapRate !== undefined)
    throw new InvalidFootprint(where, 'give either yieldRate or scrapRate, not both');
  if (line.yieldRate !== undefined) {
    const y = parseDecimal(line.yieldRate, `${where}: yieldRate`);
    if (y.lte(0) || y.gt(1))
      throw new InvalidFootprint(`${where}: yieldRate`, `${line.yieldRate} is outside (0, 1]`);
    return y;
  }
  if (line.scrapRate !== undefined) {
    const s = parseDecimal(line.scrapRate, `${where}: scrapRate`);
    if (s.lt(0) || s.gte(1))
      throw new InvalidFootprint(`${where}: scrapRate`, `${line.scrapRate} is outside [0, 1)`);
    return one.minus(s);
  }
  return one;
}

function dedupe(flags: Flag[]): Flag[] {
  if (flags.length < 2) return flags;
  const seen = new Set<string>();
  return flags.filter((f) => {
    const key = JSON.stringify(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
