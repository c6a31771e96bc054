import { type BenchmarkOptions, runAllganize } from './allganize.js';
import { runAnthropicContextual } from './anthropic.js';
import { runChunked } from './chunked.js';
import { UnknownBenchmark } from './errors.js';
import { runManufacturingPdfs } from './manufacturing.js';
import type { BenchmarkName } from './names.js';
import type { BenchmarkResult } from './report.js';

export { type BenchmarkName, benchmarkNames } from './names.js';

/** Runs one retrieval benchmark over the datasets folder and returns its plain result object. */
export function runBenchmark(name: BenchmarkName, options: BenchmarkOptions): Promise<BenchmarkResult> {
  if (name === 'allganize') return runAllganize(options);
  if (name === 'anthropic-contextual') return runAnthropicContextual(options);
  if (name === 'manufacturing-pdfs') return runManufacturingPdfs(options);
  if (name === 'jsquad' || name === 'lumberchunker-emma') return runChunked(name, options);
  return Promise.reject(new UnknownBenchmark(String(name)));
}
