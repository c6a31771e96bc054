/** The benchmarks `runBenchmark` knows, on their own so the CLI can list them without loading any. */
export const benchmarkNames = [
  'allganize',
  'anthropic-contextual',
  'manufacturing-pdfs',
  'jsquad',
  'lumberchunker-emma',
] as const;
export type BenchmarkName = (typeof benchmarkNames)[number];
