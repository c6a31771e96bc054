export {
  type AllganizeResult,
  type BenchmarkOptions,
  runAllganize,
  sweepAllganize,
} from './allganize.js';
export { type AnthropicResult, runAnthropicContextual } from './anthropic.js';
export { type BenchmarkName, benchmarkNames, runBenchmark } from './benchmark.js';
export { type BootstrapOptions, type Interval, pairedBootstrap, seededRandom } from './bootstrap.js';
export { InvalidDataset, UnknownBenchmark } from './errors.js';
export { mean, ndcgAt, passAt, quantile, recallAt, reciprocalRankAt } from './metrics.js';
export { type BenchmarkResult, formatReport } from './report.js';
export type {
  EvalQuery,
  HalfResult,
  MetricSummary,
  QueryOutcome,
  QueryScores,
  RetrievalComparison,
} from './retrieval-run.js';
export { scoreQuery, summarise } from './retrieval-run.js';
