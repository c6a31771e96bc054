import { Dec, type DecimalString } from './decimal.js';
import type { AdditiveField, Dqi, Dqr, Footprint, StageFootprint } from './model.js';

/**
 * Rounding happens here only, when a footprint leaves the company; everything before is exact.
 *
 * Ouranos: 5 decimals, the 6th "切り上げ" (rounded up). We read "up" as toward +∞ (ROUND_CEIL) for every
 * per-unit value, which makes the rule conservative whatever the sign: an emission is never understated
 * (1.714285… → 1.71429) and a removal or uptake, which is negative, is never overstated (−0.1234561 →
 * −0.12345). DQR (1 best, 5 worst) rounds the same way, so quality is never shown better than computed.
 * A primary data share (higher is better) is published as a percentage with 2 decimals rounded toward −∞
 * (57.142857… % → 57.14 %), for the same reason; the exempted share (higher is worse) rounds toward +∞.
 */
export const publishedDecimals = 5;

/**
 * Divisions (a yield, a unit factor, a weighted mean) leave noise in the last of the 34 digits: 1 kg at a
 * 0.6 yield of a 2.1 kgCO2e/kg part is (1 / 0.6) × 2.1 = 3.500…001, not 3.5. Values are first rounded
 * half-even to 20 decimals, far below anything a footprint means and far above that noise, so the directed
 * rounding applies to the value, not to the noise.
 */
const noiseDecimals = 20;

export function roundUp(value: Dec, places = publishedDecimals): DecimalString {
  return value
    .toDecimalPlaces(noiseDecimals, Dec.ROUND_HALF_EVEN)
    .toDecimalPlaces(places, Dec.ROUND_CEIL)
    .toFixed();
}

export function roundDown(value: Dec, places: number): DecimalString {
  return value
    .toDecimalPlaces(noiseDecimals, Dec.ROUND_HALF_EVEN)
    .toDecimalPlaces(places, Dec.ROUND_FLOOR)
    .toFixed();
}

export const roundEmission = (v: Dec): DecimalString => roundUp(v);
export const roundRating = (v: Dec): DecimalString => roundUp(v);
export const roundShare = (v: Dec): DecimalString => roundDown(v, 2);
export const roundExempted = (v: Dec): DecimalString => roundUp(v, 2);

/** The footprint as published: decimal strings, rounded by the rules above. */
export function publish(fp: Footprint<Dec>): Footprint {
  const pcf: Partial<Record<AdditiveField, DecimalString>> = {};
  for (const [field, value] of Object.entries(fp.pcf) as [AdditiveField, Dec | undefined][])
    if (value !== undefined) pcf[field] = roundEmission(value);
  return dropUndefined({
    ...fp,
    declaredUnitAmount: fp.declaredUnitAmount.toFixed(),
    productMassPerDeclaredUnit: fp.productMassPerDeclaredUnit?.toFixed(),
    stages: fp.stages && { pre: publishStage(fp.stages.pre), main: publishStage(fp.stages.main) },
    pcf,
    primaryDataShare: fp.primaryDataShare && roundShare(fp.primaryDataShare),
    exemptedEmissionsPercent: fp.exemptedEmissionsPercent && roundExempted(fp.exemptedEmissionsPercent),
    dqi: fp.dqi && publishDqi(fp.dqi),
  });
}

function publishStage(s: StageFootprint<Dec>): StageFootprint {
  return dropUndefined({
    own: roundEmission(s.own),
    components: roundEmission(s.components),
    dqr: s.dqr && publishDqr(s.dqr),
  });
}

export function publishDqr(d: Dqr<Dec>): Dqr {
  return { TeR: roundRating(d.TeR), GeR: roundRating(d.GeR), TiR: roundRating(d.TiR) };
}

function publishDqi(d: Dqi<Dec>): Dqi {
  return {
    technologicalDQR: roundRating(d.technologicalDQR),
    geographicalDQR: roundRating(d.geographicalDQR),
    temporalDQR: roundRating(d.temporalDQR),
  };
}

/** Published JSON has no `undefined` members: a missing value is absent, never null or zero. */
export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The Ouranos total of a footprint: both stages, own and from components. */
export function stageTotal(fp: Footprint<Dec>): Dec | undefined {
  if (!fp.stages) return undefined;
  const { pre, main } = fp.stages;
  return pre.own.plus(pre.components).plus(main.own).plus(main.components);
}
