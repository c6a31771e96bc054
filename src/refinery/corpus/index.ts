export {
  AmbiguousDocument,
  AnalyzerRequired,
  CorpusEmpty,
  CorpusMissing,
  DocumentNotFound,
  IndexRowsMismatch,
  InvalidFilter,
  VectorMismatch,
} from './errors.js';
export {
  highlightRanges,
  markSnippet,
  queryTerms,
  type Range,
  type Snippet,
  snippetOf,
} from './highlight.js';
export {
  type EmbedOutcome,
  embedPending,
  reranked,
  type SearchProviders,
  searchWithProviders,
} from './hybrid.js';
export {
  type CorpusSearch,
  type CorpusSearchOptions,
  chunkVectorModel,
  type DenseQuery,
  type SearchFilters,
  type SearchHit,
} from './search.js';
export {
  type Corpus,
  type CorpusCounts,
  corpusFileName,
  type DocumentEntry,
  type OpenCorpusOptions,
  openCorpus,
  type StoredDocument,
} from './store.js';
