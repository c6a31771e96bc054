/** A deterministic PRNG (mulberry32): the same seed gives the same intervals on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Interval {
  /** Mean of system − baseline over the queries. */
  readonly delta: number;
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  readonly samples?: number;
  readonly seed?: number;
  /** Two-sided coverage, 0.95 by default. */
  readonly confidence?: number;
}

/**
 * Paired bootstrap interval of mean(system − baseline): queries are resampled with replacement, both systems
 * keep their pairing, and the interval is the percentile range of the resampled means.
 */
export function pairedBootstrap(
  system: readonly number[],
  baseline: readonly number[],
  { samples = 10_000, seed = 20261125, confidence = 0.95 }: BootstrapOptions = {},
): Interval {
  const diffs = system.map((s, i) => s - (baseline[i] ?? 0));
  const n = diffs.length;
  if (n === 0) return { delta: 0, low: 0, high: 0 };
  const random = seededRandom(seed);
  const means = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diffs[Math.floor(random() * n)]!;
    means[s] = sum / n;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) => means[Math.min(samples - 1, Math.max(0, Math.floor(q * samples)))]!;
  return { delta: diffs.reduce((a, b) => a + b, 0) / n, low: at(tail), high: at(1 - tail) };
}
