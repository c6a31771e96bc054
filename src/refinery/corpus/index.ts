export {
  AmbiguousDocument,
  AnalyzerRequired,
  CorpusEmpty,
  CorpusMissing,
  DocumentNotFound,
  InvalidFilter,
} from './errors.js';
export {
  highlightRanges,
  markSnippet,
  queryTerms,
  type Range,
  type Snippet,
  snippetOf,
} from './highlight.js';
export type { CorpusSearch, CorpusSearchOptions, SearchFilters, SearchHit } from './search.js';
export {
  type Corpus,
  type CorpusCounts,
  corpusFileName,
  type DocumentEntry,
  type OpenCorpusOptions,
  openCorpus,
  type StoredDocument,
} from './store.js';
