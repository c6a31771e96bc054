import type { Dec } from './decimal.js';
import { parseDecimal } from './decimal.js';
import { MappingRefused } from './errors.js';
import type { AdditiveField, Footprint, Mapped } from './model.js';
import type { PactEnvelope } from './pact-v3.js';
import { dropUndefined, roundEmission, roundExempted, roundShare } from './publish.js';
import { convert, type Unit } from './units.js';

/** PACT v2.3 `declaredUnit`: no `piece` (nor hour, megabit second). */
export type PactV2Unit =
  | 'liter'
  | 'kilogram'
  | 'cubic meter'
  | 'kilowatt hour'
  | 'megajoule'
  | 'ton kilometer'
  | 'square meter';

export interface PactV2CarbonFootprint {
  readonly declaredUnit: PactV2Unit;
  readonly unitaryProductAmount: string;
  readonly productMassPerDeclaredUnit?: string;
  readonly pCfExcludingBiogenic: string;
  readonly pCfIncludingBiogenic?: string;
  readonly fossilGhgEmissions: string;
  readonly fossilCarbonContent: string;
  readonly biogenicCarbonContent: string;
  readonly dLucGhgEmissions?: string;
  readonly biogenicCarbonWithdrawal?: string;
  readonly aircraftGhgEmissions?: string;
  readonly packagingEmissionsIncluded: boolean;
  readonly packagingGhgEmissions?: string;
  readonly characterizationFactors: 'AR5' | 'AR6';
  readonly ipccCharacterizationFactorsSources: readonly string[];
  readonly crossSectoralStandardsUsed: readonly string[];
  readonly crossSectoralStandards?: readonly string[];
  readonly boundaryProcessesDescription: string;
  readonly referencePeriodStart: string;
  readonly referencePeriodEnd: string;
  readonly geographyCountry?: string;
  readonly geographyRegionOrSubregion?: string;
  readonly geographyCountrySubdivision?: string;
  /** v2.3 has these as JSON numbers (0–100). */
  readonly exemptedEmissionsPercent: number;
  readonly exemptedEmissionsDescription: string;
  readonly primaryDataShare?: number;
  readonly dqi?: Record<string, number>;
}

export interface PactV2ProductFootprint {
  readonly id: string;
  readonly specVersion: string;
  readonly precedingPfIds?: readonly string[];
  readonly version: number;
  readonly created: string;
  readonly status: 'Active' | 'Deprecated';
  readonly companyName: string;
  readonly companyIds: readonly string[];
  readonly productDescription: string;
  readonly productIds: readonly string[];
  readonly productCategoryCpc: string;
  readonly productNameCompany: string;
  readonly comment: string;
  readonly pcf: PactV2CarbonFootprint;
}

const v2Units: Partial<Record<Unit, PactV2Unit>> = {
  kg: 'kilogram',
  l: 'liter',
  m3: 'cubic meter',
  kWh: 'kilowatt hour',
  MJ: 'megajoule',
  tkm: 'ton kilometer',
  m2: 'square meter',
};

/** The v3 fields v2.3 has under another name (the v3 spec says which one each replaces). */
const renamed: readonly (readonly [AdditiveField, keyof PactV2CarbonFootprint])[] = [
  ['pcfExcludingBiogenicUptake', 'pCfExcludingBiogenic'],
  ['pcfIncludingBiogenicUptake', 'pCfIncludingBiogenic'],
  ['fossilGhgEmissions', 'fossilGhgEmissions'],
  ['fossilCarbonContent', 'fossilCarbonContent'],
  ['biogenicCarbonContent', 'biogenicCarbonContent'],
  ['landUseChangeGhgEmissions', 'dLucGhgEmissions'],
  ['biogenicCO2Uptake', 'biogenicCarbonWithdrawal'],
  ['aircraftGhgEmissions', 'aircraftGhgEmissions'],
  ['packagingGhgEmissions', 'packagingGhgEmissions'],
];

const v2Standards: Record<string, string> = {
  'GHGP-Product': 'GHG Protocol Product standard',
  ISO14067: 'ISO Standard 14067',
  'ISO14040-44': 'ISO Standard 14044',
};
const v2StandardCodes = new Set([
  'ISO14067',
  'ISO14083',
  'ISO14040-44',
  'GHGP-Product',
  'PEF',
  'PACT-1.0',
  'PACT-2.0',
  'PACT-3.0',
]);

/**
 * Footprint → PACT v2.3. Loses the stage split, the v3-only fields (land management, removals, CCS/CCU,
 * outbound logistics…), the DQI (v2.3 rates five indicators on 1–3, v3 three on 1–5: no honest conversion)
 * and percentages become JSON numbers (rounded first, so the number's shortest form is the published
 * decimal). Refused when partial, declared in pieces (not a v2.3 unit), or a field v2.3 requires is unknown.
 */
export function toPactV2(fp: Footprint<Dec>, envelope: PactEnvelope): Mapped<PactV2ProductFootprint> {
  const reasons: string[] = [];
  if (fp.partial)
    reasons.push('the footprint is partial (a supplier answer is missing) and PACT cannot say so');
  const unit = fp.declaredUnit === 't' ? 'kilogram' : v2Units[fp.declaredUnit];
  if (!unit) reasons.push(`declared unit ${fp.declaredUnit} does not exist in PACT v2.3`);
  const factors = fp.ipccCharacterizationFactors ?? [];
  const single =
    factors.length === 1 && (factors[0] === 'AR5' || factors[0] === 'AR6') ? factors[0] : undefined;
  if (!single)
    reasons.push(
      `characterizationFactors needs exactly one of AR5/AR6, the footprint used ${factors.join(', ') || 'none stated'}`,
    );
  const used = [...new Set((fp.crossSectoralStandards ?? []).flatMap((s) => v2Standards[s] ?? []))];
  if (used.length === 0)
    reasons.push('crossSectoralStandardsUsed needs GHGP-Product, ISO14067 or ISO14040-44');
  const cpc = envelope.productClassifications
    ?.find((c) => c.startsWith('urn:pact:productclassification:un-cpc:'))
    ?.split(':')
    .pop();
  if (!cpc) reasons.push('productCategoryCpc needs a urn:pact:productclassification:un-cpc: classification');
  const required: [string, unknown][] = [
    ['pcfExcludingBiogenicUptake', fp.pcf.pcfExcludingBiogenicUptake],
    ['fossilGhgEmissions', fp.pcf.fossilGhgEmissions],
    ['fossilCarbonContent', fp.pcf.fossilCarbonContent],
    ['biogenicCarbonContent', fp.pcf.biogenicCarbonContent],
    ['referencePeriodStart', fp.referencePeriodStart],
    ['referencePeriodEnd', fp.referencePeriodEnd],
    ['boundaryProcessesDescription', fp.boundaryProcessesDescription],
    ['exemptedEmissionsPercent', fp.exemptedEmissionsPercent],
    ['packagingEmissionsIncluded', fp.packagingEmissionsIncluded],
  ];
  if (fp.exemptedEmissionsPercent?.gt(0) && !fp.exemptedEmissionsDescription)
    reasons.push('exemptedEmissionsDescription is required when emissions were exempted');
  const absent = required.filter(([, v]) => v === undefined).map(([k]) => k);
  if (absent.length > 0) reasons.push(`required by PACT v2.3 but unknown: ${absent.join(', ')}`);
  if (reasons.length > 0) throw new MappingRefused('PACT v2.3', reasons);
  const losses = lossesV2(fp);
  const pcf: Record<string, unknown> = {
    declaredUnit: unit,
    unitaryProductAmount: (fp.declaredUnit === 't'
      ? (convert(fp.declaredUnitAmount, 't', 'kg') as Dec)
      : fp.declaredUnitAmount
    ).toFixed(),
    productMassPerDeclaredUnit: fp.productMassPerDeclaredUnit?.toFixed(),
    packagingEmissionsIncluded: fp.packagingEmissionsIncluded,
    characterizationFactors: single,
    ipccCharacterizationFactorsSources: factors,
    crossSectoralStandardsUsed: used,
    crossSectoralStandards: nonEmpty((fp.crossSectoralStandards ?? []).filter((s) => v2StandardCodes.has(s))),
    boundaryProcessesDescription: fp.boundaryProcessesDescription,
    referencePeriodStart: fp.referencePeriodStart,
    referencePeriodEnd: fp.referencePeriodEnd,
    geographyCountry: fp.geographyCountry,
    geographyRegionOrSubregion: fp.geographyRegionOrSubregion,
    geographyCountrySubdivision: fp.geographyCountrySubdivision,
    exemptedEmissionsPercent: Number(roundExempted(fp.exemptedEmissionsPercent as Dec)),
    // v2.3 requires the field; the empty string is what v3 prescribes when nothing was exempted
    exemptedEmissionsDescription: fp.exemptedEmissionsDescription ?? '',
    primaryDataShare: fp.primaryDataShare && Number(roundShare(fp.primaryDataShare)),
  };
  for (const [v3, v2] of renamed) if (fp.pcf[v3] !== undefined) pcf[v2] = roundEmission(fp.pcf[v3] as Dec);
  return {
    value: dropUndefined({
      id: envelope.id,
      specVersion: '2.3.0',
      precedingPfIds: envelope.precedingPfIds,
      version: (envelope.precedingPfIds?.length ?? 0) + 1,
      created: envelope.created,
      status: envelope.status ?? 'Active',
      companyName: envelope.companyName,
      companyIds: envelope.companyIds,
      productDescription: envelope.productDescription,
      productIds: envelope.productIds,
      productCategoryCpc: cpc as string,
      productNameCompany: envelope.productNameCompany,
      comment: envelope.comment ?? '',
      pcf: dropUndefined(pcf) as unknown as PactV2CarbonFootprint,
    }),
    losses,
  };
}

function lossesV2(fp: Footprint<Dec>): string[] {
  const kept = new Set<string>(renamed.map(([v3]) => v3));
  const dropped = Object.keys(fp.pcf).filter((f) => !kept.has(f));
  return [
    ...(fp.stages ? ['the Ouranos stage split is not in PACT'] : []),
    ...(dropped.length > 0 ? [`v3-only fields left out: ${dropped.join(', ')}`] : []),
    ...(fp.dqi || fp.stages?.pre.dqr
      ? ['dqi left out: v2.3 rates five indicators on 1–3, v3 three on 1–5']
      : []),
    ...((fp.crossSectoralStandards ?? []).some((s) => !v2StandardCodes.has(s))
      ? ['crossSectoralStandards outside the v2.3 list left out']
      : []),
  ];
}

function nonEmpty<T>(list: readonly T[]): readonly T[] | undefined {
  return list.length > 0 ? list : undefined;
}

/**
 * PACT v2.3 → footprint: renamed fields mapped back, numbers made decimal strings (their shortest form),
 * the DQI dropped (1–3 does not map onto 1–5), `pCfIncludingBiogenic` left missing when absent.
 */
export function fromPactV2(pf: PactV2ProductFootprint, traceId: string): Mapped<Footprint> {
  if (pf.status === 'Deprecated') throw new MappingRefused('the footprint model', [`${pf.id} is Deprecated`]);
  const unit = Object.entries(v2Units).find(([, u]) => u === pf.pcf.declaredUnit)?.[0] as Unit | undefined;
  if (!unit)
    throw new MappingRefused('the footprint model', [`declared unit ${pf.pcf.declaredUnit} is unknown`]);
  const pcf: Partial<Record<AdditiveField, string>> = {};
  for (const [v3, v2] of renamed) {
    const v = pf.pcf[v2];
    if (v !== undefined) pcf[v3] = parseDecimal(v, `${pf.id}: pcf.${v2}`).toFixed();
  }
  const p = pf.pcf;
  const losses = ['PACT has no stage split: this footprint has no Ouranos view'];
  if (p.dqi) losses.push('dqi left out: v2.3 rates on 1–3, the model on 1–5');
  return {
    value: dropUndefined({
      traceId,
      declaredUnit: unit,
      declaredUnitAmount: p.unitaryProductAmount,
      productMassPerDeclaredUnit: p.productMassPerDeclaredUnit,
      referencePeriodStart: p.referencePeriodStart,
      referencePeriodEnd: p.referencePeriodEnd,
      geographyCountry: p.geographyCountry,
      geographyRegionOrSubregion: p.geographyRegionOrSubregion,
      geographyCountrySubdivision: p.geographyCountrySubdivision,
      boundaryProcessesDescription: p.boundaryProcessesDescription,
      packagingEmissionsIncluded: p.packagingEmissionsIncluded,
      ipccCharacterizationFactors: p.ipccCharacterizationFactorsSources,
      crossSectoralStandards: p.crossSectoralStandards,
      exemptedEmissionsPercent: String(p.exemptedEmissionsPercent),
      exemptedEmissionsDescription: p.exemptedEmissionsDescription || undefined,
      primaryDataShare: p.primaryDataShare === undefined ? undefined : String(p.primaryDataShare),
      pcf,
      partial: false,
      missing: pcf.pcfIncludingBiogenicUptake === undefined ? ['pcf.pcfIncludingBiogenicUptake'] : [],
    }),
    losses,
  };
}
