import { Decimal as DecimalJs } from 'decimal.js';
import { InvalidFootprint } from './errors.js';

/**
 * The footprint's own Decimal: 34 significant digits (IEEE 754 decimal128's precision), so sums and
 * products over a deep BOM stay exact for any realistic input (published values have ≤ 5 decimals,
 * quantities a few more), and divisions (yields, unit conversions, weighted means) keep far more digits than
 * publishing ever shows (see `publish.ts` for how their last-digit noise is kept out of the rounding). Its own clone, so nobody
 * else's global Decimal settings change our arithmetic.
 */
export const Dec = DecimalJs.clone({
  precision: 34,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Dec = InstanceType<typeof Dec>;

/** A decimal as it crosses a boundary: a string like "80.5" or "-14.22", never a JS number. */
export type DecimalString = string;

const decimalPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

// Parsed values by their text: footprints repeat the same few strings ("0", "1", "0.5"…) thousands of
// times in a large BOM, and a Decimal is immutable, so sharing one is safe. Bounded, cleared when full.
const parsed = new Map<string, Dec>();

/** Parses a decimal string (or a finite number coming from a JSON document) or names what is wrong. */
export function parseDecimal(value: unknown, where: string): Dec {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string')
    throw new InvalidFootprint(where, `${JSON.stringify(value)} is not a decimal number`);
  const known = parsed.get(text);
  if (known) return known;
  if (!decimalPattern.test(text.trim()))
    throw new InvalidFootprint(where, `${JSON.stringify(value)} is not a decimal number`);
  if (parsed.size >= 50_000) parsed.clear();
  const d = new Dec(text.trim());
  parsed.set(text, d);
  return d;
}

export const zero = new Dec(0);
/** The factor of a company's own contribution: multiplying by it is skipped (see `scaled`). */
export const one = new Dec(1);

/** `value × factor`, without the work when the factor is `one` itself. */
export function scaled(value: Dec, factor: Dec): Dec {
  return factor === one ? value : value.times(factor);
}

/** Sum of decimals (an empty sum is zero). */
export function sum(values: readonly Dec[]): Dec {
  let total = zero;
  for (const v of values) total = total.plus(v);
  return total;
}
