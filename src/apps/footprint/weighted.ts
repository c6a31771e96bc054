import { type Dec, zero } from './decimal.js';

/** One input of a weighted average: its weight (emissions) and its value, if it has one. */
export interface Weighted {
  readonly source: string;
  readonly weight: Dec;
  readonly value: Dec | undefined;
}

export type WeightedResult =
  | { readonly value: Dec }
  | { readonly value: undefined; readonly lacking: readonly string[] };

/**
 * The emission-weighted mean of ratings or shares (DQR, primary data share, exempted percent). Weights are
 * taken as absolute values, so a removal (negative emissions) weighs by its size and the mean stays inside
 * the range of its inputs. An input that weighs something but has no value makes the mean undetermined
 * (`lacking` names it) — it is never taken as 0. When every weight is zero (nothing emitted), the mean is
 * the plain mean of the inputs that have a value: the ratings still describe the data behind a zero, and
 * every such input counts alike; with no values at all it is undetermined. `knownTotal`, when the caller
 * already has Σ|weight| (several fields share one set of weights), saves summing it again.
 */
export function weightedMean(items: readonly Weighted[], knownTotal?: Dec): WeightedResult {
  const lacking: string[] = [];
  let first: Dec | undefined;
  let same = true;
  let allValued = true;
  for (const { source, weight, value } of items) {
    if (value === undefined) {
      allValued = false;
      if (!weight.isZero()) lacking.push(source);
    } else if (first === undefined) first = value;
    else if (same && !value.eq(first)) same = false;
  }
  if (lacking.length > 0) return { value: undefined, lacking };
  if (first === undefined) return { value: undefined, lacking: items.map((i) => i.source) };
  // equal values have that value as their mean, exactly: no products, no division (and no division noise)
  if (same) return { value: first };
  const useKnown = knownTotal !== undefined && allValued;
  let total = zero;
  let weightedSum = zero;
  for (const { weight, value } of items) {
    if (value === undefined || weight.isZero()) continue;
    const w = weight.isNegative() ? weight.abs() : weight;
    if (!useKnown) total = total.plus(w);
    weightedSum = weightedSum.plus(w.times(value));
  }
  if (useKnown) total = knownTotal;
  if (!total.isZero()) return { value: weightedSum.div(total) };
  const valued = items.flatMap((i) => (i.value === undefined ? [] : [i.value]));
  return { value: valued.reduce((a, b) => a.plus(b), zero).div(valued.length) };
}
