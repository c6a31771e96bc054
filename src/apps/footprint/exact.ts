import { type Dec, parseDecimal } from './decimal.js';
import { InvalidFootprint } from './errors.js';
import type { Dqi, Dqr, Footprint, StageFootprint } from './model.js';

/**
 * A footprint received as strings, parsed into exact decimals (and checked) before any arithmetic. Ranges
 * are the model's: stage emissions ≥ 0 (as Ouranos), declared amount > 0, DQR 0–5 (Ouranos), DQI 1–5 (PACT
 * v3), percentages 0–100.
 */
export function exactFootprint(fp: Footprint, where = `footprint of ${fp.traceId}`): Footprint<Dec> {
  const amount = parseDecimal(fp.declaredUnitAmount, `${where}: declaredUnitAmount`);
  if (amount.lte(0)) throw new InvalidFootprint(`${where}: declaredUnitAmount`, 'must be greater than 0');
  const pcf: Record<string, Dec> = {};
  for (const [field, value] of Object.entries(fp.pcf))
    if (value !== undefined) pcf[field] = parseDecimal(value, `${where}: pcf.${field}`);
  return {
    ...fp,
    declaredUnitAmount: amount,
    productMassPerDeclaredUnit: optional(
      fp.productMassPerDeclaredUnit,
      `${where}: productMassPerDeclaredUnit`,
    ),
    stages: fp.stages && {
      pre: exactStage(fp.stages.pre, `${where}: stages.pre`),
      main: exactStage(fp.stages.main, `${where}: stages.main`),
    },
    pcf,
    exemptedEmissionsPercent: percent(fp.exemptedEmissionsPercent, `${where}: exemptedEmissionsPercent`),
    primaryDataShare: percent(fp.primaryDataShare, `${where}: primaryDataShare`),
    dqi: fp.dqi && exactDqi(fp.dqi, where),
  };
}

export function exactStage(s: StageFootprint, where: string): StageFootprint<Dec> {
  const own = nonNegative(s.own, `${where}.own`);
  const components = nonNegative(s.components, `${where}.components`);
  return { own, components, dqr: s.dqr && exactDqr(s.dqr, `${where}.dqr`) };
}

export function exactDqr(d: Dqr, where: string): Dqr<Dec> {
  return {
    TeR: rating(d.TeR, `${where}.TeR`, 0, 5),
    GeR: rating(d.GeR, `${where}.GeR`, 0, 5),
    TiR: rating(d.TiR, `${where}.TiR`, 0, 5),
  };
}

export function exactDqi(d: Dqi, where: string): Dqi<Dec> {
  return {
    technologicalDQR: rating(d.technologicalDQR, `${where}: dqi.technologicalDQR`, 1, 5),
    geographicalDQR: rating(d.geographicalDQR, `${where}: dqi.geographicalDQR`, 1, 5),
    temporalDQR: rating(d.temporalDQR, `${where}: dqi.temporalDQR`, 1, 5),
  };
}

export function nonNegative(value: string, where: string): Dec {
  const d = parseDecimal(value, where);
  if (d.isNegative() && !d.isZero()) throw new InvalidFootprint(where, `${value} must not be negative`);
  return d;
}

function optional(value: string | undefined, where: string): Dec | undefined {
  return value === undefined ? undefined : parseDecimal(value, where);
}

function percent(value: string | undefined, where: string): Dec | undefined {
  return value === undefined ? undefined : rating(value, where, 0, 100);
}

function rating(value: string, where: string, min: number, max: number): Dec {
  const d = parseDecimal(value, where);
  if (d.lt(min) || d.gt(max)) throw new InvalidFootprint(where, `${value} is outside ${min}–${max}`);
  return d;
}
