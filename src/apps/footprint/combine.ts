import { type Dec, Dec as Decimal, one, scaled, zero } from './decimal.js';
import {
  type AdditiveField,
  additiveFields,
  type Dqi,
  type Dqr,
  type Footprint,
  mandatoryAdditiveFields,
  netQuantityFields,
  type OwnEmissions,
  type Part,
  type Stage,
  type StageFootprint,
} from './model.js';
import { convert, dimensionOf } from './units.js';
import { type Weighted, weightedMean } from './weighted.js';

/**
 * What the owner sees about a result. Flags name only the owner's own parts and, for bought parts, the
 * direct supplier's part — never anything further upstream (an upstream answer says only `partial`).
 */
export type Flag =
  | {
      readonly code: 'supplier-answer-missing' | 'supplier-answer-partial';
      readonly part: string;
      readonly supplier: { readonly operatorId: string; readonly traceId: string };
    }
  | { readonly code: 'own-data-missing'; readonly part: string }
  | {
      readonly code: 'field-missing';
      readonly part: string;
      readonly field: string;
      readonly lacking: readonly string[];
    };

/** One input of a part's footprint — its own processes (factor 1) or one BOM line — per parent unit. */
export interface Contribution {
  readonly source: string;
  /** Declared units drawn (emissions scale by this) and ending up in the product (carbon contents). */
  readonly gross: Dec;
  readonly net: Dec;
  readonly stages: Footprint<Dec>['stages'];
  readonly pcf: Footprint<Dec>['pcf'];
  readonly primaryDataShare: Dec | undefined;
  readonly exemptedEmissionsPercent: Dec | undefined;
  readonly dqi: Dqi<Dec> | undefined;
  readonly ipccCharacterizationFactors: readonly string[] | undefined;
}

/** Adds the contributions into the part's footprint per one unit of the part. */
export function combine(
  part: Part,
  contributions: readonly Contribution[],
  own: OwnEmissions | undefined,
  partial: boolean,
): { footprint: Footprint<Dec>; flags: Flag[] } {
  const flags: Flag[] = [];
  const missing: string[] = [];
  const lack = (field: string, lacking: readonly string[]) => {
    missing.push(field);
    flags.push({ code: 'field-missing', part: part.traceId, field, lacking });
  };
  const { stages: stageSplit, totals } = combineStages(part, contributions, lack);
  const pcf = combinePcf(contributions, lack);
  const weights = totals ?? pcfWeights(contributions, pcf);
  const weightTotal = weights?.reduce((t, w) => t.plus(w.isNegative() ? w.abs() : w), zero);
  // A field nobody states is simply absent (listed in `missing` if PACT v3 requires it); one that some
  // inputs state and others do not is absent too, and flagged with the inputs that lack it.
  const weightedField = (field: string, of: (c: Contribution) => Dec | undefined) => {
    if (!contributions.some((c) => of(c) !== undefined)) return undefined;
    if (!weights) {
      lack(field, ['weights']);
      return undefined;
    }
    const r = weightedMean(
      contributions.map((c, i) => ({ source: c.source, weight: weights[i] as Dec, value: of(c) })),
      weightTotal,
    );
    if (r.value === undefined) lack(field, 'lacking' in r ? r.lacking : []);
    return r.value;
  };
  const primaryDataShare = weightedField('primaryDataShare', (c) => c.primaryDataShare);
  const exemptedEmissionsPercent = weightedField(
    'exemptedEmissionsPercent',
    (c) => c.exemptedEmissionsPercent,
  );
  const dqiParts = {
    technologicalDQR: weightedField('dqi.technologicalDQR', (c) => c.dqi?.technologicalDQR),
    geographicalDQR: weightedField('dqi.geographicalDQR', (c) => c.dqi?.geographicalDQR),
    temporalDQR: weightedField('dqi.temporalDQR', (c) => c.dqi?.temporalDQR),
  };
  const ipcc = unionOfFactors(contributions, lack);
  const mass = massPerUnit(part);
  const footprint: Footprint<Dec> = {
    traceId: part.traceId,
    declaredUnit: part.unit,
    declaredUnitAmount: one,
    productMassPerDeclaredUnit: mass,
    stages: stageSplit,
    pcf,
    primaryDataShare,
    exemptedEmissionsPercent,
    dqi: allDefined(dqiParts),
    ipccCharacterizationFactors: ipcc,
    referencePeriodStart: own?.referencePeriodStart,
    referencePeriodEnd: own?.referencePeriodEnd,
    crossSectoralStandards: own?.crossSectoralStandards,
    packagingEmissionsIncluded: own?.packagingEmissionsIncluded,
    boundaryProcessesDescription: own?.boundaryProcessesDescription,
    exemptedEmissionsDescription: own?.exemptedEmissionsDescription,
    geographyCountry: own?.geographyCountry,
    geographyRegionOrSubregion: own?.geographyRegionOrSubregion,
    geographyCountrySubdivision: own?.geographyCountrySubdivision,
    partial,
    missing: [],
  };
  return {
    footprint: { ...footprint, missing: [...new Set([...missing, ...absentMandatory(footprint)])] },
    flags,
  };
}

type Lack = (field: string, lacking: readonly string[]) => void;

/**
 * The Ouranos split, and each contribution's emissions per parent unit (both stages) — the weights of the
 * weighted ratings and shares wherever every contribution has the split.
 */
function combineStages(
  part: Part,
  contributions: readonly Contribution[],
  lack: Lack,
): { stages: Footprint<Dec>['stages']; totals: Dec[] | undefined } {
  const lacking = contributions.filter((c) => !c.stages).map((c) => c.source);
  if (lacking.length > 0) {
    lack('stages', lacking);
    return { stages: undefined, totals: undefined };
  }
  const totals = contributions.map(() => zero);
  const split = (stage: Stage): StageFootprint<Dec> => {
    let own = zero;
    let components = zero;
    const dqr: Record<keyof Dqr, Weighted[]> = { TeR: [], GeR: [], TiR: [] };
    contributions.forEach((c, i) => {
      const s = (c.stages as NonNullable<Contribution['stages']>)[stage];
      const amount = scaled(
        s.own.isZero() ? s.components : s.components.isZero() ? s.own : s.own.plus(s.components),
        c.gross,
      );
      totals[i] = (totals[i] as Dec).plus(amount);
      if (c.source === part.traceId) own = own.plus(amount);
      else components = components.plus(amount);
      for (const k of ['TeR', 'GeR', 'TiR'] as const)
        dqr[k].push({ source: c.source, weight: amount, value: s.dqr?.[k] });
    });
    // stage emissions are never negative, so own + components is Σ|weight|
    const total = own.plus(components);
    const TeR = weightedMean(dqr.TeR, total).value;
    const GeR = weightedMean(dqr.GeR, total).value;
    const TiR = weightedMean(dqr.TiR, total).value;
    const lackingDqr = contributions.filter((c) => !c.stages?.[stage].dqr).map((c) => c.source);
    if ((!TeR || !GeR || !TiR) && lackingDqr.length < contributions.length)
      lack(`stages.${stage}.dqr`, lackingDqr);
    return { own, components, dqr: TeR && GeR && TiR ? { TeR, GeR, TiR } : undefined };
  };
  return { stages: { pre: split('pre'), main: split('main') }, totals };
}

function combinePcf(contributions: readonly Contribution[], lack: Lack): Partial<Record<AdditiveField, Dec>> {
  const pcf: Partial<Record<AdditiveField, Dec>> = {};
  for (const field of additiveFields) {
    const lacking = contributions.filter((c) => c.pcf[field] === undefined).map((c) => c.source);
    if (lacking.length === 0 && contributions.length > 0) {
      const useNet = netQuantityFields.has(field);
      pcf[field] = contributions.reduce(
        (total, c) => total.plus(scaled(c.pcf[field] as Dec, useNet ? c.net : c.gross)),
        zero,
      );
    } else if (lacking.length < contributions.length) {
      lack(`pcf.${field}`, lacking);
    }
  }
  return pcf;
}

/** Without the stage split everywhere, contributions weigh by `pcfExcludingBiogenicUptake` (PACT's basis). */
function pcfWeights(
  contributions: readonly Contribution[],
  pcf: Partial<Record<AdditiveField, Dec>>,
): Dec[] | undefined {
  if (pcf.pcfExcludingBiogenicUptake === undefined) return undefined;
  return contributions.map((c) => scaled(c.pcf.pcfExcludingBiogenicUptake as Dec, c.gross));
}

function unionOfFactors(contributions: readonly Contribution[], lack: Lack): string[] | undefined {
  const lacking = contributions.filter((c) => !c.ipccCharacterizationFactors).map((c) => c.source);
  if (lacking.length === contributions.length) return undefined;
  if (lacking.length > 0) {
    lack('ipccCharacterizationFactors', lacking);
    return undefined;
  }
  const all = new Set(contributions.flatMap((c) => c.ipccCharacterizationFactors ?? []));
  return [...all].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
}

/** The product's own mass per unit: stated, implied by a mass unit, or 0 for energy/transport (PACT rule). */
function massPerUnit(part: Part): Dec | undefined {
  if (part.massPerUnit !== undefined) return new Decimal(part.massPerUnit);
  const kg = convert(new Decimal(1), part.unit, 'kg');
  if (kg) return kg;
  const dimension = dimensionOf(part.unit);
  return dimension === 'energy' || dimension === 'transport' ? zero : undefined;
}

function allDefined(d: { [K in keyof Dqi]: Dec | undefined }): Dqi<Dec> | undefined {
  return d.technologicalDQR && d.geographicalDQR && d.temporalDQR
    ? { technologicalDQR: d.technologicalDQR, geographicalDQR: d.geographicalDQR, temporalDQR: d.temporalDQR }
    : undefined;
}

/** PACT v3 mandatory fields the footprint does not have (so it cannot be published as PACT v3 as is). */
function absentMandatory(fp: Footprint<Dec>): string[] {
  const required: [string, unknown][] = [
    ['productMassPerDeclaredUnit', fp.productMassPerDeclaredUnit],
    ['referencePeriodStart', fp.referencePeriodStart],
    ['referencePeriodEnd', fp.referencePeriodEnd],
    ['ipccCharacterizationFactors', fp.ipccCharacterizationFactors],
    ['crossSectoralStandards', fp.crossSectoralStandards],
    ['exemptedEmissionsPercent', fp.exemptedEmissionsPercent],
    ...mandatoryAdditiveFields.map((f): [string, unknown] => [`pcf.${f}`, fp.pcf[f]]),
  ];
  return required.filter(([, v]) => v === undefined).map(([k]) => k);
}
