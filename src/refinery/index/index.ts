export {
  type Analyzer,
  codeAnalyzer,
  japaneseAnalyzer,
  loadJapaneseAnalyzer,
  type ViewTokens,
} from './analyzers.js';
export {
  type Bm25Params,
  createMemoryTermIndex,
  defaultBm25,
  type ScoredRow,
  type TermIndex,
} from './bm25.js';
export { DuplicateUnit, InvalidIndexName } from './errors.js';
export { createFtsTermIndex, ftsSafe } from './fts5.js';
export {
  type AsyncUnitIndex,
  createPostgresIndex,
  kyselyRunner,
  type PostgresIndexOptions,
  type SqlRunner,
} from './postgres/index.js';
export {
  codeWeights,
  japaneseWeights,
  type RankedUnit,
  type RankInput,
  type RankWeights,
  rankUnits,
  type UnitPlace,
} from './ranking.js';
export { type IndexRows, indexRows, joinedRow, passageViewsOf } from './rows.js';
export {
  createMemoryIndex,
  createSqliteIndex,
  type Hit,
  type IndexUnit,
  type MemoryIndexOptions,
  type SearchOptions,
  type UnitIndex,
  type UnitIndexOptions,
} from './unit-index.js';
