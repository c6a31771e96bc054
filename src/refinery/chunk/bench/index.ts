export { bm25Index, tokens } from './bm25.js';
export type { BenchChunk, BenchQuestion, MethodResult } from './evaluate.js';
export {
  CHUNK_BENCHMARKS,
  type ChunkBenchmarkName,
  type ChunkBenchmarkOptions,
  type ChunkBenchmarkReport,
  formatChunkBenchmark,
  runChunkBenchmark,
} from './run.js';
