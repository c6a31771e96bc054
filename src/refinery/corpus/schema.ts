/**
 * Tables of the embedded corpus (`<store>/refinery.db`). Every row carries its participant so one store can
 * hold several tenants' corpora; the FTS5 views (`corpus_unit_<view>`, `corpus_doc_<view>`,
 * `corpus_passage_<view>`) hold no participant themselves but are keyed by the integer `row` of `chunks` and
 * `documents`, which are never reused while their index rows exist because both are replaced in the same
 * transaction.
 */
export const corpusSchema = `
CREATE TABLE IF NOT EXISTS documents (
  row INTEGER PRIMARY KEY AUTOINCREMENT,
  participant_id TEXT NOT NULL,
  uri TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  format TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  pipeline TEXT NOT NULL,
  metadata TEXT NOT NULL,
  document TEXT,
  refined_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error_code TEXT,
  error TEXT,
  UNIQUE (participant_id, uri)
);
CREATE INDEX IF NOT EXISTS documents_by_hash ON documents (participant_id, sha256);
CREATE TABLE IF NOT EXISTS chunks (
  row INTEGER PRIMARY KEY AUTOINCREMENT,
  participant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  doc_row INTEGER NOT NULL REFERENCES documents (row),
  ordinal INTEGER NOT NULL,
  text TEXT NOT NULL,
  context TEXT NOT NULL,
  location TEXT NOT NULL,
  heading_path TEXT NOT NULL,
  block_ids TEXT NOT NULL,
  kinds TEXT NOT NULL,
  chunk TEXT NOT NULL,
  UNIQUE (participant_id, id),
  UNIQUE (doc_row, ordinal)
);
`;

/**
 * Passage rows (a chunk's overlapping windows) derive from their chunk's row, as in the index's own tables:
 * row = chunk row × span + window number, so a chunk's passages are one rowid range.
 */
export const passageSpan = 4096;

/** Name of the FTS5 table of one lexical view at unit (chunk) or document level. */
export function viewTable(level: 'unit' | 'doc' | 'passage', view: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(view)) throw new Error(`bad view name ${view}`);
  return `corpus_${level}_${view}`;
}
