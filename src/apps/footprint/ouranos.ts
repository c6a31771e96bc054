import { type Dec, Dec as Decimal, parseDecimal } from './decimal.js';
import { MappingRefused } from './errors.js';
import { exactDqr, nonNegative } from './exact.js';
import type { Dqr, Footprint, Mapped, Stage, StageFootprint } from './model.js';
import { publishDqr, roundEmission } from './publish.js';
import { convert, type Unit } from './units.js';

/**
 * The Ouranos view (traceability `CfpModel`): four records per part — own (`…Production`) and from
 * components (`…Component`) for 原材料取得・前処理 (`pre…`) and 製造 (`main…`) — each with the stage's DQR.
 * Emission values are decimal strings here; `ouranosCfpJson` writes them as the JSON numbers the Ouranos
 * API expects without passing through a binary float.
 */
export type OuranosGhgUnit =
  | 'kgCO2e/liter'
  | 'kgCO2e/kilogram'
  | 'kgCO2e/cubic-meter'
  | 'kgCO2e/kilowatt-hour'
  | 'kgCO2e/megajoule'
  | 'kgCO2e/ton-kilometer'
  | 'kgCO2e/square-meter'
  | 'kgCO2e/unit';

export type OuranosCfpType = 'preProduction' | 'mainProduction' | 'preComponent' | 'mainComponent';

export interface OuranosCfp {
  readonly cfpId: string | null;
  readonly traceId: string;
  readonly ghgEmission: string;
  readonly ghgDeclaredUnit: OuranosGhgUnit;
  readonly cfpType: OuranosCfpType;
  readonly dqrType: 'preProcessing' | 'mainProcessing';
  readonly dqrValue: Dqr;
}

/** A record as received: the Ouranos API sends numbers where we keep strings. */
export type OuranosCfpReceived = Omit<OuranosCfp, 'ghgEmission' | 'dqrValue'> & {
  readonly ghgEmission: string | number;
  readonly dqrValue: Dqr<string | number>;
};

/** Our units in Ouranos; tonnes are published per kilogram (Ouranos has no tonne). */
const ghgUnits: Record<Exclude<Unit, 't'>, OuranosGhgUnit> = {
  kg: 'kgCO2e/kilogram',
  l: 'kgCO2e/liter',
  m3: 'kgCO2e/cubic-meter',
  kWh: 'kgCO2e/kilowatt-hour',
  MJ: 'kgCO2e/megajoule',
  tkm: 'kgCO2e/ton-kilometer',
  m2: 'kgCO2e/square-meter',
  piece: 'kgCO2e/unit',
};

const ouranosMax = new Decimal('99999.99999');

const record = (type: OuranosCfpType): { stage: Stage; side: keyof StageFootprint } => ({
  stage: type.startsWith('pre') ? 'pre' : 'main',
  side: type.endsWith('Production') ? 'own' : 'components',
});
const cfpTypes: readonly OuranosCfpType[] = [
  'preProduction',
  'mainProduction',
  'preComponent',
  'mainComponent',
];

/**
 * Footprint → Ouranos, per one unit of the declared unit (Ouranos has no declared amount). Refused when the
 * stage split or a stage's DQR is unknown, when the footprint is partial (Ouranos cannot say so), or when a
 * value exceeds what Ouranos accepts (99999.99999).
 */
export function toOuranos(fp: Footprint<Dec>, cfpId: string | null = null): Mapped<OuranosCfp[]> {
  const reasons: string[] = [];
  if (!fp.stages) reasons.push('the footprint has no stage split (原材料取得・前処理 / 製造)');
  if (fp.partial) reasons.push('the footprint is partial and Ouranos has no way to say so');
  for (const s of ['pre', 'main'] as const)
    if (fp.stages && !fp.stages[s].dqr) reasons.push(`stage ${s} has no DQR`);
  if (reasons.length > 0 || !fp.stages) throw new MappingRefused('Ouranos', reasons);
  const unit = fp.declaredUnit === 't' ? 'kg' : fp.declaredUnit;
  // per one `unit`: divide by the declared amount, and by 1000 when tonnes became kilograms
  const perUnit = convert(fp.declaredUnitAmount, fp.declaredUnit, unit) as Dec;
  const values = cfpTypes.map((type) => {
    const { stage, side } = record(type);
    const s = (fp.stages as NonNullable<Footprint<Dec>['stages']>)[stage];
    return { type, stage, value: (s[side] as Dec).div(perUnit), dqr: s.dqr as Dqr<Dec> };
  });
  const tooLarge = values.filter((v) => v.value.gt(ouranosMax)).map((v) => v.type);
  if (tooLarge.length > 0)
    throw new MappingRefused('Ouranos', [`${tooLarge.join(', ')} exceed 99999.99999 per ${ghgUnits[unit]}`]);
  return {
    value: values.map(({ type, stage, value, dqr }) => ({
      cfpId,
      traceId: fp.traceId,
      ghgEmission: roundEmission(value),
      ghgDeclaredUnit: ghgUnits[unit],
      cfpType: type,
      dqrType: stage === 'pre' ? 'preProcessing' : 'mainProcessing',
      dqrValue: publishDqr(dqr),
    })),
    losses: droppedByOuranos(fp),
  };
}

function droppedByOuranos(fp: Footprint<Dec>): string[] {
  const losses: string[] = [];
  const pcfFields = Object.keys(fp.pcf);
  if (pcfFields.length > 0) losses.push(`PACT fields not in Ouranos: ${pcfFields.join(', ')}`);
  for (const f of [
    'primaryDataShare',
    'dqi',
    'exemptedEmissionsPercent',
    'productMassPerDeclaredUnit',
    'referencePeriodStart',
    'ipccCharacterizationFactors',
    'crossSectoralStandards',
  ] as const)
    if (fp[f] !== undefined) losses.push(`${f} is not in Ouranos`);
  if (fp.declaredUnit === 't') losses.push('declared per tonne, published per kilogram');
  else if (!fp.declaredUnitAmount.eq(1))
    losses.push(`declared per ${fp.declaredUnitAmount.toFixed()} ${fp.declaredUnit}, published per 1`);
  return losses;
}

/**
 * Ouranos → footprint: the four records of one trace id become the stage split. Nothing PACT-only is
 * invented: the PACT fields stay absent (and `missing` lists the ones PACT v3 requires).
 */
export function fromOuranos(records: readonly OuranosCfpReceived[]): Mapped<Footprint> {
  const traceIds = new Set(records.map((r) => r.traceId));
  const units = new Set(records.map((r) => r.ghgDeclaredUnit));
  const reasons: string[] = [];
  if (traceIds.size !== 1) reasons.push(`expected the records of one traceId, got ${traceIds.size}`);
  if (units.size !== 1) reasons.push(`expected one ghgDeclaredUnit, got ${[...units].join(', ') || 'none'}`);
  const byType = new Map(records.map((r) => [r.cfpType, r]));
  const lacking = cfpTypes.filter((t) => !byType.has(t));
  if (lacking.length > 0) reasons.push(`missing cfpType ${lacking.join(', ')}`);
  if (records.length !== cfpTypes.length)
    reasons.push(`expected ${cfpTypes.length} records, got ${records.length}`);
  if (reasons.length > 0) throw new MappingRefused('the footprint model', reasons);
  const first = records[0] as OuranosCfpReceived;
  const unit = (Object.entries(ghgUnits).find(([, u]) => u === first.ghgDeclaredUnit)?.[0] ?? undefined) as
    | Unit
    | undefined;
  if (!unit)
    throw new MappingRefused('the footprint model', [`unknown ghgDeclaredUnit ${first.ghgDeclaredUnit}`]);
  const get = (t: OuranosCfpType) => byType.get(t) as OuranosCfpReceived;
  const stage = (own: OuranosCfpType, components: OuranosCfpType): StageFootprint => {
    const where = `Ouranos ${first.traceId}`;
    const dqr = stringDqr(get(own).dqrValue);
    exactDqr(dqr, `${where} ${own}: dqrValue`);
    return {
      own: nonNegative(String(get(own).ghgEmission), `${where} ${own}: ghgEmission`).toFixed(),
      components: nonNegative(
        String(get(components).ghgEmission),
        `${where} ${components}: ghgEmission`,
      ).toFixed(),
      dqr,
    };
  };
  return {
    value: {
      traceId: first.traceId,
      declaredUnit: unit,
      declaredUnitAmount: '1',
      stages: { pre: stage('preProduction', 'preComponent'), main: stage('mainProduction', 'mainComponent') },
      pcf: {},
      partial: false,
      missing: [
        'productMassPerDeclaredUnit',
        'referencePeriodStart',
        'referencePeriodEnd',
        'ipccCharacterizationFactors',
        'crossSectoralStandards',
        'exemptedEmissionsPercent',
        'pcf.pcfExcludingBiogenicUptake',
        'pcf.pcfIncludingBiogenicUptake',
        'pcf.fossilGhgEmissions',
        'pcf.fossilCarbonContent',
      ],
    },
    losses: ['Ouranos carries no PACT fields: they stay missing, never zero'],
  };
}

/** Ouranos sends DQR as JSON numbers; they become decimal strings here. */
function stringDqr(d: Dqr<string | number>): Dqr {
  return { TeR: String(d.TeR), GeR: String(d.GeR), TiR: String(d.TiR) };
}

/**
 * The records as JSON text with `ghgEmission` and the DQR values written as JSON numbers copied digit for
 * digit from the decimal strings — what the Ouranos API expects, with no float in between.
 */
export function ouranosCfpJson(records: readonly OuranosCfp[]): string {
  const number = (s: string) => parseDecimal(s, 'ouranosCfpJson').toFixed();
  const items = records.map(
    (r) =>
      `{"cfpId":${JSON.stringify(r.cfpId)},"traceId":${JSON.stringify(r.traceId)},"ghgEmission":${number(r.ghgEmission)},` +
      `"ghgDeclaredUnit":${JSON.stringify(r.ghgDeclaredUnit)},"cfpType":${JSON.stringify(r.cfpType)},` +
      `"dqrType":${JSON.stringify(r.dqrType)},"dqrValue":{"TeR":${number(r.dqrValue.TeR)},"GeR":${number(r.dqrValue.GeR)},"TiR":${number(r.dqrValue.TiR)}}}`,
  );
  return `[${items.join(',')}]`;
}
