import {
  aggregate,
  type BomLine,
  type CompanyData,
  type Footprint,
  type OwnEmissions,
  type Part,
  stageTotal,
  type TradeLink,
} from '../apps/footprint/index.js';
import type { Figure } from './measure.js';

/**
 * Footprint aggregation on one core: a generated 10,000-part, 6-level BOM (1 → 9 → 90 → 900 → 3,000 →
 * 6,000 parts; every part used by one parent plus one extra shared use per assembly, so diamonds abound;
 * half the leaves bought from suppliers, half own leaf data; every PACT field present, kg and pieces mixed
 * so unit conversion runs). The floor is 1 s for the whole aggregation, exact decimals, flags included.
 * The same-run baseline walks the same graph summing JS numbers, to show what the exactness costs.
 */
const levels = [1, 9, 90, 900, 3000, 6000];

const pcf = (scale: number) => ({
  pcfExcludingBiogenicUptake: String(1.2 * scale),
  pcfIncludingBiogenicUptake: String(1.1 * scale),
  fossilGhgEmissions: String(1.15 * scale),
  fossilCarbonContent: String(0.05 * scale),
  biogenicCarbonContent: String(0.01 * scale),
  landUseChangeGhgEmissions: String(0.02 * scale),
  biogenicCO2Uptake: String(-0.1 * scale),
  aircraftGhgEmissions: '0',
});
// ratings vary part to part, so no weighted mean is a mean of equal values (which would cost nothing)
const ratings = ['1', '1.5', '2', '2.5', '3'];
const dqr = (i: number) => ({
  TeR: ratings[i % 5] as string,
  GeR: ratings[(i + 1) % 5] as string,
  TiR: ratings[(i + 2) % 5] as string,
});
const dqi = (i: number) => ({
  technologicalDQR: ratings[(i + 3) % 5] as string,
  geographicalDQR: ratings[i % 5] as string,
  temporalDQR: ratings[(i + 1) % 5] as string,
});
const scope = {
  referencePeriodStart: '2025-04-01T00:00:00+09:00',
  referencePeriodEnd: '2026-04-01T00:00:00+09:00',
  ipccCharacterizationFactors: ['AR6'],
  crossSectoralStandards: ['ISO14067'],
  exemptedEmissionsPercent: '0.5', // the same everywhere: a realistic case the model gets for free
};

export interface GeneratedBom {
  readonly data: CompanyData;
  readonly answers: Map<string, Footprint>;
  readonly root: string;
}

/** A deterministic BOM of the shape above (a linear congruential generator picks the shared uses). */
export function generatedBom(): GeneratedBom {
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const ids = levels.map((n, level) => Array.from({ length: n }, (_, i) => `L${level}-${i}`));
  const parts: Part[] = [];
  const bom: BomLine[] = [];
  const own: OwnEmissions[] = [];
  const tradeLinks: TradeLink[] = [];
  const answers = new Map<string, Footprint>();
  ids.forEach((row, level) => {
    row.forEach((traceId, i) => {
      const leaf = level === levels.length - 1;
      const inKg = leaf && i % 3 === 0;
      parts.push({
        traceId,
        operatorId: 'op',
        partsName: `部品${traceId}`,
        unit: inKg ? 'kg' : 'piece',
        terminatedFlag: leaf && i % 2 === 1,
        massPerUnit: inKg ? undefined : '0.8',
      });
      if (level > 0) {
        const parents = ids[level - 1] as string[];
        bom.push({
          parentTraceId: parents[i % parents.length] as string,
          childTraceId: traceId,
          quantity: inKg ? '0.25' : '2',
          unit: inKg ? 'kg' : 'piece',
          scrapRate: '0.02',
        });
      }
      if (leaf && i % 2 === 0) {
        tradeLinks.push({
          downstreamTraceId: traceId,
          upstreamOperatorId: 'supplier',
          upstreamTraceId: `S-${traceId}`,
        });
        answers.set(`S-${traceId}`, {
          traceId: `S-${traceId}`,
          declaredUnit: 'kg',
          declaredUnitAmount: '1',
          productMassPerDeclaredUnit: '1',
          stages: {
            pre: { own: '0.4', components: '0.3', dqr: dqr(i) },
            main: { own: '0.5', components: '0', dqr: dqr(i + 1) },
          },
          dqi: dqi(i),
          pcf: pcf(1),
          primaryDataShare: '35',
          ...scope,
          partial: false,
          missing: [],
        });
      } else {
        own.push({
          traceId,
          pre: { emissions: '0.125', dqr: dqr(i + 2) },
          main: { emissions: '0.375', dqr: dqr(i + 3) },
          dqi: dqi(i + 1),
          pcf: pcf(0.5),
          primaryDataShare: '90',
          ...scope,
        });
      }
    });
  });
  // one extra, shared use per assembly above the leaves: the same part in two parents (diamonds)
  for (let level = 0; level < levels.length - 1; level++)
    for (const parent of ids[level] as string[]) {
      const below = ids[level + 1] as string[];
      bom.push({
        parentTraceId: parent,
        childTraceId: below[random(below.length)] as string,
        quantity: '1',
        unit: 'piece',
      });
    }
  // every generated kg leaf is used in kg, every piece in pieces: fix the extra uses of kg parts
  const units = new Map(parts.map((p) => [p.traceId, p.unit]));
  const lines = bom.map((l) => (units.get(l.childTraceId) === 'kg' ? { ...l, unit: 'kg' as const } : l));
  return {
    data: {
      operator: { operatorId: 'op', operatorName: 'ベンチ株式会社' },
      parts,
      bom: lines,
      own,
      tradeLinks,
    },
    answers,
    root: 'L0-0',
  };
}

/** The same walk in JS numbers, stage totals only: the baseline for the cost of exact decimals. */
function floatWalk({ data, answers, root }: GeneratedBom): number {
  const children = new Map<string, BomLine[]>();
  for (const l of data.bom) {
    const list = children.get(l.parentTraceId) ?? [];
    list.push(l);
    children.set(l.parentTraceId, list);
  }
  const own = new Map(data.own.map((o) => [o.traceId, Number(o.pre.emissions) + Number(o.main.emissions)]));
  const links = new Map(data.tradeLinks.map((t) => [t.downstreamTraceId, t.upstreamTraceId]));
  const memo = new Map<string, number>();
  const visit = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const link = links.get(id);
    const s = answers.get(link ?? '')?.stages;
    let total = s
      ? Number(s.pre.own) + Number(s.pre.components) + Number(s.main.own) + Number(s.main.components)
      : (own.get(id) ?? 0);
    for (const l of children.get(id) ?? []) total += (Number(l.quantity) / 0.98) * visit(l.childTraceId);
    memo.set(id, total);
    return total;
  };
  return visit(root);
}

/** Median wall and CPU milliseconds of `times` runs (CPU time is what a loaded machine distorts least). */
function median(run: () => unknown, times: number): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    run();
    const u = process.cpuUsage(c);
    walls.push(Number(process.hrtime.bigint() - t) / 1e6);
    cpus.push((u.user + u.system) / 1e3);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(times / 2)] ?? 0;
  return { wall: mid(walls), cpu: mid(cpus) };
}

export async function footprintFigures(): Promise<Figure[]> {
  const bom = generatedBom();
  const check = aggregate(bom.data, bom.answers, [bom.root]);
  const root = check.get(bom.root)?.footprint;
  if (check.size !== 10_000 || !root || root.partial || !stageTotal(root))
    throw new Error(`bench footprint: expected 10,000 complete results, got ${check.size}`);
  const float = median(() => floatWalk(bom), 7);
  const exact = median(() => aggregate(bom.data, bom.answers, [bom.root]), 7);
  return [
    {
      name: 'footprint: 10,000-part BOM walk in JS numbers (CPU)',
      value: float.cpu,
      unit: 'ms',
      note: `stage totals only; wall ${Math.round(float.wall)} ms`,
    },
    {
      name: 'footprint: aggregate a 10,000-part, 6-level BOM (CPU)',
      value: exact.cpu,
      unit: 'ms',
      baseline: { name: 'footprint: 10,000-part BOM walk in JS numbers (CPU)', value: float.cpu },
      note: `floor ≤ 1,000 ms; wall ${Math.round(exact.wall)} ms; ${bom.data.bom.length} BOM lines, exact decimals, every result with all PACT fields and flags; median of 7`,
    },
  ];
}
