/** One benchmark figure: what, how much, in which unit, and against which same-run baseline. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The same measurement of a baseline in the same run, so the ratio survives a noisy machine. */
  readonly baseline?: { readonly name: string; readonly value: number };
  readonly note?: string;
}

/** Runs `op` repeatedly for about `ms` milliseconds after a warm-up; returns operations per second. */
export async function opsPerSecond(op: () => Promise<unknown> | unknown, ms = 1500): Promise<number> {
  for (let i = 0; i < 50; i++) await op();
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 20; i++) await op();
    n += 20;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return n / seconds;
}

/** Latency percentiles in milliseconds over `n` sequential runs. */
export async function latencies(
  op: () => Promise<unknown> | unknown,
  n = 300,
): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) await op();
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(n * 0.5)] ?? 0, p95: samples[Math.floor(n * 0.95)] ?? 0 };
}

/**
 * Runs `work` with pdf.js inflating through the parse workers' native `DecompressionStream`, as production
 * parsing always does (worker-entry.ts installs it); outside a worker pdf.js would go through Node's web-stream
 * one, a quarter slower. The global is put back afterwards.
 */
export async function asInParseWorkers<T>(work: () => Promise<T>): Promise<T> {
  const { useNativeInflate } = await import('../refinery/parse/worker/inflate-stream.js');
  const restore = useNativeInflate();
  try {
    return await work();
  } finally {
    restore();
  }
}
