/**
 * `musubi/refinery`: refine documents into a searchable corpus, and the parts it is made of.
 */
export {
  type Budget,
  type Chunk,
  type ChunkLocation,
  characters,
  chunkByStructure,
  chunkContent,
} from './chunk/index.js';
export {
  type Corpus,
  type CorpusCounts,
  CorpusEmpty,
  CorpusMissing,
  type CorpusSearchOptions,
  DocumentNotFound,
  markSnippet,
  type OpenCorpusOptions,
  openCorpus,
  type SearchFilters,
  type SearchHit,
  type Snippet,
  type StoredDocument,
} from './corpus/index.js';
export type {
  Block,
  BlockKind,
  Document,
  DocumentMetadata,
  Location,
  Parser,
  SourceInfo,
} from './document/index.js';
export {
  type BenchmarkName,
  benchmarkNames,
  formatReport,
  runBenchmark,
  UnknownBenchmark,
} from './eval/index.js';
export {
  type BlockNode,
  blockTree,
  type ChunkRecord,
  chunkRecord,
  toJson,
  toJsonl,
  toMarkdown,
} from './export/index.js';
export { type Analyzer, loadJapaneseAnalyzer } from './index/index.js';
export { detectFormat, type Format, parseBytes } from './parse/index.js';
export {
  defaultRefineSettings,
  type FileFailure,
  pipelineVersion,
  RefineIncomplete,
  type RefineOptions,
  type RefineProgress,
  type RefineSettings,
  type RefineSummary,
  refine,
} from './pipeline/index.js';
