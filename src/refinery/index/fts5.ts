import type BetterSqlite3 from 'better-sqlite3';
import { idf, type ScoredRow, type TermIndex } from './bm25.js';

// unicode61 splits only at characters outside these categories, keeps diacritics (が must not become か) and
// would fold case (tokens are lower-cased already). Tokens are space-joined, so each stays one FTS5 token.
const tokenizer = `unicode61 remove_diacritics 0 categories 'L* N* M*'`;
const unsafe = /[^\p{L}\p{N}\p{M}]|\u02ad/gu;
// A lower-case letter no language writes (U+02AD) brackets the spelled-out code point; unicode61 keeps it.
const mark = '\u02ad';
// FTS5's bm25() constants.
const k1 = 1.2;
const b = 0.75;
// Postings kept in memory across queries; past this many the cache starts afresh (a bounded working set).
const postingBudget = 4_000_000;

/**
 * Spells out characters unicode61 would split at (".", "%", "-") between U+02AD marks, so a token such
 * as "3.5kg" is stored and queried as one term. Identity for ordinary bigrams and kuromoji words.
 */
export function ftsSafe(token: string): string {
  return token.replace(unsafe, (c) => `${mark}${c.codePointAt(0)!.toString(16)}${mark}`);
}

/** One term's rows and in-row frequencies, as FTS5 stores them. */
interface Postings {
  readonly rows: Float64Array;
  readonly tf: Uint32Array;
}

/** Row lengths and totals as FTS5's bm25() sees them. */
interface Statistics {
  readonly lengths: Map<number, number>;
  readonly averageLength: number;
}

/**
 * A BM25 term index in an FTS5 table `table` of `db`. FTS5 stores the rows; the score is FTS5's `bm25()`
 * (k1 1.2, b 0.75) computed here from the table's own postings (read through a temporary fts5vocab table) and
 * row sizes, cached in memory per term: an OR-query of thirty bigrams through `MATCH … ORDER BY bm25()`
 * scores and sorts every page containing any of them on each query (~20 ms on 2,000 pages), while cached
 * postings answer in well under a millisecond. The cache is dropped whenever the database changed (a write
 * through any statement of this connection or a commit by another one).
 */
export function createFtsTermIndex(db: BetterSqlite3.Database, table: string): TermIndex {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS "${table}" USING fts5(tokens, tokenize = "${tokenizer}")`);
  const remove = db.prepare(`DELETE FROM "${table}" WHERE rowid >= ? AND rowid < ?`);
  const insert = db.prepare(`INSERT INTO "${table}"(rowid, tokens) VALUES (?, ?)`);
  const select = db.prepare(`SELECT tokens FROM "${table}" WHERE rowid = ?`).pluck();
  const sizes = db.prepare(`SELECT id, sz FROM "${table}_docsize"`).raw();
  // A temporary table: nothing is added to the store's schema, and a read-only connection can create it.
  db.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS temp."${table}_instances" USING fts5vocab(main, "${table}", instance)`,
  );
  const instances = db
    .prepare(`SELECT doc, count(*) FROM temp."${table}_instances" WHERE term = ? GROUP BY doc`)
    .raw();
  const changes = db.prepare('SELECT total_changes(), data_version FROM pragma_data_version').raw();

  let seen = '';
  let statistics: Statistics | undefined;
  const postings = new Map<string, Postings>();
  let cachedPostings = 0;

  /** Drops the cache when anything was written since it was filled. */
  const current = (): Statistics => {
    const now = (changes.get() as unknown[]).join(':');
    if (now !== seen || !statistics) {
      seen = now;
      postings.clear();
      cachedPostings = 0;
      statistics = readStatistics(sizes.all() as [number, Buffer][]);
    }
    return statistics;
  };

  const postingsOf = (term: string): Postings => {
    const cached = postings.get(term);
    if (cached) return cached;
    const rows = instances.all(term) as [number, number][];
    const list: Postings = { rows: new Float64Array(rows.length), tf: new Uint32Array(rows.length) };
    rows.forEach(([row, tf], i) => {
      list.rows[i] = row;
      list.tf[i] = tf;
    });
    if (cachedPostings + rows.length > postingBudget) {
      postings.clear();
      cachedPostings = 0;
    }
    postings.set(term, list);
    cachedPostings += rows.length;
    return list;
  };

  const put = db.transaction(
    (rows: readonly { readonly row: number; readonly tokens: readonly string[] }[]) => {
      for (const { row, tokens } of rows) {
        remove.run(row, row + 1);
        insert.run(row, tokens.map(ftsSafe).join(' '));
      }
    },
  );
  return {
    put: (rows) => put(rows),
    remove: (from, to = from + 1) => {
      remove.run(from, to);
    },
    tokensOf(row) {
      const stored = select.get(row) as string | undefined;
      return stored ? stored.split(' ').map(unspell) : [];
    },
    search(query, limit) {
      const terms = [...new Set(query.map(ftsSafe))].filter((t) => t.length > 0);
      if (terms.length === 0) return [];
      const { lengths, averageLength } = current();
      const scores = new Map<number, number>();
      for (const term of terms) {
        const list = postingsOf(term);
        if (list.rows.length === 0) continue;
        const weight = idf(lengths.size, list.rows.length);
        for (let i = 0; i < list.rows.length; i++) {
          const row = list.rows[i]!;
          const tf = list.tf[i]!;
          const norm = k1 * (1 - b + (b * (lengths.get(row) ?? 0)) / averageLength);
          scores.set(row, (scores.get(row) ?? 0) + (weight * tf * (k1 + 1)) / (tf + norm));
        }
      }
      return best(scores, limit);
    },
  };
}

/** Row lengths from FTS5's docsize table (one varint per column; this table has one column). */
function readStatistics(rows: readonly [number, Buffer][]): Statistics {
  const lengths = new Map<number, number>();
  let total = 0;
  for (const [row, size] of rows) {
    const length = firstVarint(size);
    lengths.set(row, length);
    total += length;
  }
  return { lengths, averageLength: rows.length > 0 ? total / rows.length || 1 : 1 };
}

/** SQLite's varint: big-endian groups of seven bits, high bit set on every byte but the last. */
function firstVarint(bytes: Uint8Array): number {
  let value = 0;
  for (let i = 0; i < bytes.length && i < 9; i++) {
    const byte = bytes[i]!;
    if (i === 8) return value * 256 + byte;
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return value;
  }
  return value;
}

/** The `limit` highest scores, best first, ties by row (as `ORDER BY bm25(), rowid`). */
function best(scores: ReadonlyMap<number, number>, limit: number): ScoredRow[] {
  const out: ScoredRow[] = [];
  for (const [row, score] of scores) out.push({ row, score });
  out.sort((x, y) => y.score - x.score || x.row - y.row);
  return out.length > limit ? out.slice(0, limit) : out;
}

function unspell(token: string): string {
  return token.replace(/\u02ad([0-9a-f]+)\u02ad/g, (_m, hex: string) =>
    String.fromCodePoint(Number.parseInt(hex, 16)),
  );
}
