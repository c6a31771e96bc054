import type { DecimalString } from './decimal.js';
import type { Unit } from './units.js';

/**
 * The footprint model as plain data. Field names follow Ouranos (`traceId`, `partsName`, `terminatedFlag`,
 * `openOperatorId` = 法人番号) for the supply-chain structure and PACT v3 (`CarbonFootprint`) for the
 * footprint values, so both views read the same record. Decimals are strings at this boundary.
 */

/** A company: its id in this data space and its public ids (法人番号 / a global id such as a DID). */
export interface Operator {
  readonly operatorId: string;
  readonly operatorName: string;
  /** 法人番号 (Japanese corporate number, 13 digits). */
  readonly openOperatorId?: string;
  readonly globalOperatorId?: string;
}

export interface Plant {
  readonly plantId: string;
  readonly operatorId: string;
  readonly plantName: string;
  readonly openPlantId?: string;
  readonly globalPlantId?: string;
}

/** One of a company's parts or products. */
export interface Part {
  readonly traceId: string;
  readonly operatorId: string;
  readonly plantId?: string;
  readonly partsName: string;
  readonly supportPartsName?: string;
  /** The unit the part is counted in; its own footprint is per one of these. */
  readonly unit: Unit;
  /** Leaf (Ouranos `terminatedFlag`): not traced further upstream; its footprint is own data only. */
  readonly terminatedFlag: boolean;
  /** Mass in kg of one `unit` of the part, where a conversion across dimensions needs it. */
  readonly massPerUnit?: DecimalString;
  /** Product ids as URNs for PACT (`productIds`); `urn:uuid:<traceId>` when absent. */
  readonly productIds?: readonly string[];
}

/**
 * One line of a company's own BOM: `quantity` (net, what ends up in one parent unit) of the child in
 * `unit`. The gross quantity drawn is `quantity / yieldRate`, or `quantity / (1 − scrapRate)` where
 * `scrapRate` is the share of the drawn input lost as scrap; at most one of the two is given.
 */
export interface BomLine {
  readonly parentTraceId: string;
  readonly childTraceId: string;
  readonly quantity: DecimalString;
  readonly unit: Unit;
  readonly yieldRate?: DecimalString;
  readonly scrapRate?: DecimalString;
}

/** My child part is bought as my supplier's part (Ouranos trade: downstream ← upstream). */
export interface TradeLink {
  readonly downstreamTraceId: string;
  readonly upstreamOperatorId: string;
  readonly upstreamTraceId: string;
}

/** Ouranos data quality ratings: technological, geographical, temporal representativeness. */
export interface Dqr<N = DecimalString> {
  readonly TeR: N;
  readonly GeR: N;
  readonly TiR: N;
}

/** PACT v3 `DataQualityIndicators` (1–5). */
export interface Dqi<N = DecimalString> {
  readonly technologicalDQR: N;
  readonly geographicalDQR: N;
  readonly temporalDQR: N;
}

/**
 * The PACT v3 `CarbonFootprint` decimal fields that add up along a BOM (all per declared unit). Carbon
 * contents follow the material into the product, so they add by net quantity; everything else by gross.
 */
export const additiveFields = [
  'pcfExcludingBiogenicUptake',
  'pcfIncludingBiogenicUptake',
  'fossilGhgEmissions',
  'fossilCarbonContent',
  'biogenicCarbonContent',
  'recycledCarbonContent',
  'landUseChangeGhgEmissions',
  'landCarbonLeakage',
  'landManagementFossilGhgEmissions',
  'landManagementBiogenicCO2Emissions',
  'landManagementBiogenicCO2Removals',
  'biogenicCO2Uptake',
  'biogenicNonCO2Emissions',
  'landAreaOccupation',
  'aircraftGhgEmissions',
  'packagingGhgEmissions',
  'packagingBiogenicCarbonContent',
  'outboundLogisticsGhgEmissions',
  'ccsTechnologicalCO2Capture',
  'technologicalCO2Removals',
  'ccuCarbonContent',
] as const;
export type AdditiveField = (typeof additiveFields)[number];

/** Mandatory in PACT v3: a footprint without them is flagged, and never published as PACT v3. */
export const mandatoryAdditiveFields: readonly AdditiveField[] = [
  'pcfExcludingBiogenicUptake',
  'pcfIncludingBiogenicUptake',
  'fossilGhgEmissions',
  'fossilCarbonContent',
];

export const netQuantityFields: ReadonlySet<AdditiveField> = new Set([
  'fossilCarbonContent',
  'biogenicCarbonContent',
  'recycledCarbonContent',
  'packagingBiogenicCarbonContent',
  'ccuCarbonContent',
]);

export type Stage = 'pre' | 'main';
export const stages: readonly Stage[] = ['pre', 'main'];

/** One Ouranos stage: 原材料取得・前処理 (`pre`) or 製造 (`main`), own vs from components. */
export interface StageFootprint<N = DecimalString> {
  readonly own: N;
  readonly components: N;
  readonly dqr?: Dqr<N>;
}

/** Fields of a footprint that are not per-unit emissions: they carry over, are merged or weighted. */
export interface FootprintScope<N = DecimalString> {
  readonly referencePeriodStart?: string;
  readonly referencePeriodEnd?: string;
  readonly ipccCharacterizationFactors?: readonly string[];
  readonly crossSectoralStandards?: readonly string[];
  readonly exemptedEmissionsPercent?: N;
  readonly exemptedEmissionsDescription?: string;
  /** Percent (0–100) of the PCF (excluding biogenic uptake) from primary data. */
  readonly primaryDataShare?: N;
  readonly dqi?: Dqi<N>;
  readonly packagingEmissionsIncluded?: boolean;
  readonly boundaryProcessesDescription?: string;
  readonly geographyCountry?: string;
  readonly geographyRegionOrSubregion?: string;
  readonly geographyCountrySubdivision?: string;
}

/**
 * A part's footprint per declared unit (`declaredUnitAmount` × `declaredUnit`), carrying both views: the
 * Ouranos stage split (absent when the source had none, e.g. a PACT-only supplier) and the PACT additive
 * fields (absent ones stay absent — never zero). `partial` says some upstream answer was missing;
 * `missing` names the fields that could not be determined.
 */
export interface Footprint<N = DecimalString> extends FootprintScope<N> {
  readonly traceId: string;
  readonly declaredUnit: Unit;
  readonly declaredUnitAmount: N;
  readonly productMassPerDeclaredUnit?: N;
  readonly stages?: { readonly pre: StageFootprint<N>; readonly main: StageFootprint<N> };
  readonly pcf: Readonly<Partial<Record<AdditiveField, N>>>;
  readonly partial: boolean;
  readonly missing: readonly string[];
}

/** A company's own emissions for one of its parts, per one unit of the part (its own processes only). */
export interface OwnEmissions extends FootprintScope {
  readonly traceId: string;
  readonly pre: { readonly emissions: DecimalString; readonly dqr?: Dqr };
  readonly main: { readonly emissions: DecimalString; readonly dqr?: Dqr };
  readonly pcf?: Readonly<Partial<Record<AdditiveField, DecimalString>>>;
}

/** Everything one company knows: its parts, BOM, own emissions and links to its direct suppliers. */
export interface CompanyData {
  readonly operator: Operator;
  readonly plants?: readonly Plant[];
  readonly parts: readonly Part[];
  readonly bom: readonly BomLine[];
  readonly own: readonly OwnEmissions[];
  readonly tradeLinks: readonly TradeLink[];
}

/** Answers received from direct suppliers, by the supplier's trace id (verified before they get here). */
export type SupplierAnswers = ReadonlyMap<string, Footprint>;

/** A mapping's result and, in words, what the target format could not carry. */
export interface Mapped<T> {
  readonly value: T;
  readonly losses: readonly string[];
}
