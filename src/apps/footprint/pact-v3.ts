import { type Dec, parseDecimal } from './decimal.js';
import { MappingRefused } from './errors.js';
import {
  type AdditiveField,
  additiveFields,
  type Dqi,
  type Footprint,
  type Mapped,
  type Operator,
  type Part,
} from './model.js';
import { dropUndefined, roundEmission, roundExempted, roundRating, roundShare } from './publish.js';
import { convert, type Unit } from './units.js';
import { weightedMean } from './weighted.js';

/** PACT v3 `declaredUnitOfMeasurement` values; `hour` and `megabit second` have no unit in our model. */
export type PactV3Unit =
  | 'liter'
  | 'kilogram'
  | 'cubic meter'
  | 'kilowatt hour'
  | 'megajoule'
  | 'ton kilometer'
  | 'square meter'
  | 'piece'
  | 'hour'
  | 'megabit second';

/** PACT v3 `CarbonFootprint` (decimals as strings, as the spec has them). */
export interface PactV3CarbonFootprint extends Partial<Record<AdditiveField, string>> {
  readonly declaredUnitOfMeasurement: PactV3Unit;
  readonly declaredUnitAmount: string;
  readonly productMassPerDeclaredUnit: string;
  readonly referencePeriodStart: string;
  readonly referencePeriodEnd: string;
  readonly geographyCountry?: string;
  readonly geographyRegionOrSubregion?: string;
  readonly geographyCountrySubdivision?: string;
  readonly boundaryProcessesDescription?: string;
  readonly packagingEmissionsIncluded?: boolean;
  readonly ipccCharacterizationFactors: readonly string[];
  readonly crossSectoralStandards: readonly string[];
  readonly exemptedEmissionsPercent: string;
  readonly exemptedEmissionsDescription?: string;
  readonly primaryDataShare?: string;
  readonly dqi?: Dqi;
}

export interface PactV3ProductFootprint {
  readonly id: string;
  readonly specVersion: string;
  readonly precedingPfIds?: readonly string[];
  readonly created: string;
  readonly status: 'Active' | 'Deprecated';
  readonly validityPeriodStart?: string;
  readonly validityPeriodEnd?: string;
  readonly companyName: string;
  readonly companyIds: readonly string[];
  readonly productDescription: string;
  readonly productIds: readonly string[];
  readonly productClassifications?: readonly string[];
  readonly productNameCompany: string;
  readonly comment?: string;
  readonly pcf: PactV3CarbonFootprint;
}

/** What a ProductFootprint says beyond the footprint values: identity, versioning, the company, the product. */
export interface PactEnvelope {
  readonly id: string;
  readonly created: string;
  readonly status?: 'Active' | 'Deprecated';
  readonly precedingPfIds?: readonly string[];
  readonly companyName: string;
  readonly companyIds: readonly string[];
  readonly productIds: readonly string[];
  readonly productNameCompany: string;
  readonly productDescription: string;
  readonly productClassifications?: readonly string[];
  readonly comment?: string;
}

/** The envelope from the model: company URNs from 法人番号 / global id, product URNs from the trace id. */
export function pactEnvelope(
  operator: Operator,
  part: Part,
  meta: { id: string; created: string; precedingPfIds?: readonly string[]; productDescription?: string },
): PactEnvelope {
  const companyIds = [
    ...(operator.openOperatorId ? [`urn:pact:company:jp:houjin-bangou:${operator.openOperatorId}`] : []),
    ...(operator.globalOperatorId?.toLowerCase().startsWith('urn:') ? [operator.globalOperatorId] : []),
  ];
  return {
    id: meta.id,
    created: meta.created,
    precedingPfIds: meta.precedingPfIds?.length ? meta.precedingPfIds : undefined,
    companyName: operator.operatorName,
    companyIds: companyIds.length > 0 ? companyIds : [`urn:uuid:${operator.operatorId}`],
    productIds: part.productIds?.length ? part.productIds : [`urn:uuid:${part.traceId}`],
    productNameCompany: part.partsName,
    productDescription: meta.productDescription ?? part.supportPartsName ?? part.partsName,
  };
}

export const pactV3Units: Record<Exclude<Unit, 't'>, PactV3Unit> = {
  kg: 'kilogram',
  l: 'liter',
  m3: 'cubic meter',
  kWh: 'kilowatt hour',
  MJ: 'megajoule',
  tkm: 'ton kilometer',
  m2: 'square meter',
  piece: 'piece',
};

/** Signs PACT v3 states for the additive fields (`x-comment`); everything else listed there is ≥ 0. */
const notPositive: ReadonlySet<AdditiveField> = new Set([
  'landManagementBiogenicCO2Removals',
  'biogenicCO2Uptake',
  'ccsTechnologicalCO2Capture',
  'technologicalCO2Removals',
]);
const anySign: ReadonlySet<AdditiveField> = new Set([
  'pcfExcludingBiogenicUptake',
  'pcfIncludingBiogenicUptake',
]);

/**
 * Footprint → PACT v3 `ProductFootprint`. Loses the Ouranos stage split (and the per-stage DQR, combined
 * into one `dqi` weighted by stage emissions where every rating is on PACT's 1–5 scale). Refused when the
 * footprint is partial, a field PACT v3 requires is missing, or a value has the wrong sign.
 */
export function toPactV3(fp: Footprint<Dec>, envelope: PactEnvelope): Mapped<PactV3ProductFootprint> {
  const reasons = refusalsV3(fp);
  if (reasons.length > 0) throw new MappingRefused('PACT v3', reasons);
  const losses: string[] = [];
  if (fp.stages)
    losses.push('the Ouranos stage split (原材料取得・前処理 / 製造, own vs components) is not in PACT');
  const dqi = fp.dqi ?? dqiFromStages(fp, losses);
  const tonnes = fp.declaredUnit === 't';
  const pcf: Record<string, unknown> = {
    declaredUnitOfMeasurement: pactV3Units[tonnes ? 'kg' : (fp.declaredUnit as Exclude<Unit, 't'>)],
    declaredUnitAmount: (tonnes
      ? (convert(fp.declaredUnitAmount, 't', 'kg') as Dec)
      : fp.declaredUnitAmount
    ).toFixed(),
    productMassPerDeclaredUnit: fp.productMassPerDeclaredUnit?.toFixed(),
    referencePeriodStart: fp.referencePeriodStart,
    referencePeriodEnd: fp.referencePeriodEnd,
    geographyCountry: fp.geographyCountry,
    geographyRegionOrSubregion: fp.geographyRegionOrSubregion,
    geographyCountrySubdivision: fp.geographyCountrySubdivision,
    boundaryProcessesDescription: fp.boundaryProcessesDescription,
    packagingEmissionsIncluded: fp.packagingEmissionsIncluded,
    ipccCharacterizationFactors: fp.ipccCharacterizationFactors,
    crossSectoralStandards: fp.crossSectoralStandards,
    exemptedEmissionsPercent: fp.exemptedEmissionsPercent && roundExempted(fp.exemptedEmissionsPercent),
    exemptedEmissionsDescription: fp.exemptedEmissionsDescription,
    primaryDataShare: fp.primaryDataShare && roundShare(fp.primaryDataShare),
    dqi: dqi && {
      technologicalDQR: roundRating(dqi.technologicalDQR),
      geographicalDQR: roundRating(dqi.geographicalDQR),
      temporalDQR: roundRating(dqi.temporalDQR),
    },
  };
  for (const f of additiveFields) if (fp.pcf[f] !== undefined) pcf[f] = roundEmission(fp.pcf[f] as Dec);
  return {
    value: dropUndefined({
      id: envelope.id,
      specVersion: '3.0.0',
      precedingPfIds: envelope.precedingPfIds,
      created: envelope.created,
      status: envelope.status ?? 'Active',
      companyName: envelope.companyName,
      companyIds: envelope.companyIds,
      productDescription: envelope.productDescription,
      productIds: envelope.productIds,
      productClassifications: envelope.productClassifications,
      productNameCompany: envelope.productNameCompany,
      comment: envelope.comment,
      pcf: dropUndefined(pcf) as unknown as PactV3CarbonFootprint,
    }),
    losses,
  };
}

function refusalsV3(fp: Footprint<Dec>): string[] {
  const reasons: string[] = [];
  if (fp.partial)
    reasons.push('the footprint is partial (a supplier answer is missing) and PACT cannot say so');
  const required: [string, unknown][] = [
    ['productMassPerDeclaredUnit', fp.productMassPerDeclaredUnit],
    ['referencePeriodStart', fp.referencePeriodStart],
    ['referencePeriodEnd', fp.referencePeriodEnd],
    [
      'ipccCharacterizationFactors',
      fp.ipccCharacterizationFactors?.length ? fp.ipccCharacterizationFactors : undefined,
    ],
    ['crossSectoralStandards', fp.crossSectoralStandards?.length ? fp.crossSectoralStandards : undefined],
    ['exemptedEmissionsPercent', fp.exemptedEmissionsPercent],
    ['pcfExcludingBiogenicUptake', fp.pcf.pcfExcludingBiogenicUptake],
    ['pcfIncludingBiogenicUptake', fp.pcf.pcfIncludingBiogenicUptake],
    ['fossilGhgEmissions', fp.pcf.fossilGhgEmissions],
    ['fossilCarbonContent', fp.pcf.fossilCarbonContent],
  ];
  const absent = required.filter(([, v]) => v === undefined).map(([k]) => k);
  if (absent.length > 0) reasons.push(`required by PACT v3 but unknown: ${absent.join(', ')}`);
  for (const f of additiveFields) {
    const v = fp.pcf[f];
    if (!v || anySign.has(f)) continue;
    if (notPositive.has(f) ? v.gt(0) : v.lt(0))
      reasons.push(`${f} must be ${notPositive.has(f) ? '≤ 0' : '≥ 0'}, is ${v.toFixed()}`);
  }
  if (fp.packagingEmissionsIncluded === false && fp.pcf.packagingGhgEmissions !== undefined)
    reasons.push('packagingGhgEmissions is given while packagingEmissionsIncluded is false');
  return reasons;
}

/** One PACT dqi from the two stages' DQR, weighted by stage emissions; only if every rating is 1–5. */
function dqiFromStages(fp: Footprint<Dec>, losses: string[]): Dqi<Dec> | undefined {
  const stages = fp.stages;
  if (!stages?.pre.dqr || !stages.main.dqr) return undefined;
  const ratings = [stages.pre.dqr, stages.main.dqr].flatMap((d) => [d.TeR, d.GeR, d.TiR]);
  if (ratings.some((r) => r.lt(1))) {
    losses.push('dqi left out: an Ouranos DQR below 1 has no place on the PACT v3 scale (1–5)');
    return undefined;
  }
  const mean = (k: 'TeR' | 'GeR' | 'TiR') =>
    weightedMean(
      (['pre', 'main'] as const).map((s) => ({
        source: s,
        weight: stages[s].own.plus(stages[s].components),
        value: stages[s].dqr?.[k],
      })),
    ).value as Dec;
  losses.push('dqi: the two stages’ DQR combined, weighted by stage emissions');
  return { technologicalDQR: mean('TeR'), geographicalDQR: mean('GeR'), temporalDQR: mean('TiR') };
}

/**
 * PACT v3 → footprint. The stage split is unknown (so the Ouranos view is refused later, not guessed);
 * `hour` and `megabit second` declared units, and Deprecated footprints, are refused.
 */
export function fromPactV3(pf: PactV3ProductFootprint, traceId: string): Mapped<Footprint> {
  if (pf.status === 'Deprecated') throw new MappingRefused('the footprint model', [`${pf.id} is Deprecated`]);
  const unit = Object.entries(pactV3Units).find(([, u]) => u === pf.pcf.declaredUnitOfMeasurement)?.[0] as
    | Unit
    | undefined;
  if (!unit)
    throw new MappingRefused('the footprint model', [
      `declared unit ${pf.pcf.declaredUnitOfMeasurement} has no unit in the model`,
    ]);
  const pcf: Partial<Record<AdditiveField, string>> = {};
  for (const f of additiveFields) {
    const v = pf.pcf[f];
    if (v !== undefined) pcf[f] = parseDecimal(v, `${pf.id}: pcf.${f}`).toFixed();
  }
  const p = pf.pcf;
  return {
    value: dropUndefined({
      traceId,
      declaredUnit: unit,
      declaredUnitAmount: p.declaredUnitAmount,
      productMassPerDeclaredUnit: p.productMassPerDeclaredUnit,
      referencePeriodStart: p.referencePeriodStart,
      referencePeriodEnd: p.referencePeriodEnd,
      geographyCountry: p.geographyCountry,
      geographyRegionOrSubregion: p.geographyRegionOrSubregion,
      geographyCountrySubdivision: p.geographyCountrySubdivision,
      boundaryProcessesDescription: p.boundaryProcessesDescription,
      packagingEmissionsIncluded: p.packagingEmissionsIncluded,
      ipccCharacterizationFactors: p.ipccCharacterizationFactors,
      crossSectoralStandards: p.crossSectoralStandards,
      exemptedEmissionsPercent: p.exemptedEmissionsPercent,
      exemptedEmissionsDescription: p.exemptedEmissionsDescription,
      primaryDataShare: p.primaryDataShare,
      dqi: p.dqi,
      pcf,
      partial: false,
      missing: [],
    }),
    losses: ['PACT has no stage split: this footprint has no Ouranos view'],
  };
}
