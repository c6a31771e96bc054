import { Decimal as DecimalJs } from 'decimal.js';
import { InvalidFootprint } from './errors.js';

/**
 * The footprint's own Decimal: 40 significant digits so sums and products over a deep BOM stay exact for any
 * realistic input (each published value has ≤ 5 decimals, quantities a few more), and divisions (weighted
 * averages, unit conversions) keep far more digits than publishing ever shows. Its own clone, so nobody
 * else's global Decimal settings change our arithmetic.
 */
export const Dec = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Dec = InstanceType<typeof Dec>;

/** A decimal as it crosses a boundary: a string like "80.5" or "-14.22", never a JS number. */
export type DecimalString = string;

const decimalPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a decimal string (or a finite number coming from a JSON document) or names what is wrong. */
export function parseDecimal(value: unknown, where: string): Dec {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !decimalPattern.test(text.trim()))
    throw new InvalidFootprint(where, `${JSON.stringify(value)} is not a decimal number`);
  return new Dec(text.trim());
}

export const zero = new Dec(0);

/** Sum of decimals (an empty sum is zero). */
export function sum(values: readonly Dec[]): Dec {
  let total = zero;
  for (const v of values) total = total.plus(v);
  return total;
}
