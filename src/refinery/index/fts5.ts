import type BetterSqlite3 from 'better-sqlite3';
import type { ScoredRow, TermIndex } from './bm25.js';

// unicode61 splits only at characters outside these categories, keeps diacritics (が must not become か) and
// would fold case (tokens are lower-cased already). Tokens are space-joined, so each stays one FTS5 token.
const tokenizer = `unicode61 remove_diacritics 0 categories 'L* N* M*'`;
const unsafe = /[^\p{L}\p{N}\p{M}]|\u02ad/gu;
// A lower-case letter no language writes (U+02AD) brackets the spelled-out code point; unicode61 keeps it.
const mark = '\u02ad';
// Postings kept in memory across queries; past this many the cache starts afresh (a bounded working set).
const postingBudget = 4_000_000;

/**
 * Spells out characters unicode61 would split at (".", "%", "-") between U+02AD marks, so a token such
 * as "3.5kg" is stored and queried as one term. Identity for ordinary bigrams and kuromoji words.
 */
export function ftsSafe(token: string): string {
  if (plainToken(token)) return token;
  return token.replace(unsafe, (c) => `${mark}${c.codePointAt(0)!.toString(16)}${mark}`);
}

/**
 * True when every character is an ASCII lower-case letter or digit, kana or a common kanji: nothing to spell
 * out. Refining calls `ftsSafe` on every token it indexes (millions per corpus), and this test costs less than
 * running the Unicode-property pattern; anything else takes the pattern.
 */
function plainToken(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (
      (c >= 0x61 && c <= 0x7a) || // a-z
      (c >= 0x30 && c <= 0x39) || // 0-9
      (c >= 0x3041 && c <= 0x3096) || // hiragana letters
      (c >= 0x30a1 && c <= 0x30fa) || // katakana letters
      (c >= 0x4e00 && c <= 0x9fff) // CJK unified ideographs (all assigned since Unicode 14)
    )
      continue;
    return false;
  }
  return true;
}

/**
 * One term's rows (as dense slots of this index, see `slotOf`) and its share of each row's BM25 score (the
 * term's summand in FTS5's `bm25()`).
 */
interface Postings {
  readonly slots: Uint32Array;
  readonly scores: Float64Array;
}

/**
 * A BM25 term index in an FTS5 table `table` of `db`: SQLite's own `bm25()` (k1 1.2, b 0.75) over
 * pre-tokenised rows. BM25 is a sum over the query's terms, so each term is asked of FTS5 alone and its
 * per-row scores are cached; a query adds up its terms' cached scores. An OR-query of thirty bigrams through
 * `MATCH … ORDER BY bm25()` scores and sorts every row holding any of them on every query (~20 ms over 2,000
 * pages); cached terms answer in well under a millisecond, and a term seen for the first time costs one
 * single-term MATCH. The cache is dropped whenever the database changed (a write through any statement of
 * this connection, or a commit by another connection).
 */
export function createFtsTermIndex(db: BetterSqlite3.Database, table: string): TermIndex {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS "${table}" USING fts5(tokens, tokenize = "${tokenizer}")`);
  const remove = db.prepare(`DELETE FROM "${table}" WHERE rowid >= ? AND rowid < ?`);
  const insert = db.prepare(`INSERT INTO "${table}"(rowid, tokens) VALUES (?, ?)`);
  const select = db.prepare(`SELECT tokens FROM "${table}" WHERE rowid = ?`).pluck();
  const termScores = db
    .prepare(`SELECT rowid, -bm25("${table}") FROM "${table}" WHERE "${table}" MATCH ?`)
    .raw();
  const changes = db.prepare('SELECT total_changes(), data_version FROM pragma_data_version').raw();

  let seen = '';
  const postings = new Map<string, Postings>();
  let cachedPostings = 0;
  // Rows are sparse (passage rows are unit × 4096 + n); scores accumulate in an array indexed by slot.
  const slotOf = new Map<number, number>();
  const rowOf: number[] = [];
  let sums = new Float64Array(0);

  /** Drops the cache when anything was written since it was filled. */
  const checkCurrent = (): void => {
    const now = (changes.get() as unknown[]).join(':');
    if (now !== seen) {
      seen = now;
      postings.clear();
      cachedPostings = 0;
      slotOf.clear();
      rowOf.length = 0;
    }
  };

  const postingsOf = (term: string): Postings => {
    const cached = postings.get(term);
    if (cached) return cached;
    const rows = termScores.all(`"${term}"`) as [number, number][];
    const list: Postings = { slots: new Uint32Array(rows.length), scores: new Float64Array(rows.length) };
    rows.forEach(([row, score], i) => {
      let slot = slotOf.get(row);
      if (slot === undefined) {
        slot = rowOf.push(row) - 1;
        slotOf.set(row, slot);
      }
      list.slots[i] = slot;
      list.scores[i] = score;
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
      checkCurrent();
      const lists = terms.map(postingsOf);
      if (sums.length < rowOf.length) sums = new Float64Array(Math.max(rowOf.length, 2 * sums.length));
      const touched: number[] = [];
      for (const list of lists) {
        for (let i = 0; i < list.slots.length; i++) {
          const slot = list.slots[i]!;
          if (sums[slot] === 0) touched.push(slot);
          sums[slot]! += list.scores[i]!;
        }
      }
      const hits = best(touched, sums, rowOf, limit);
      for (const slot of touched) sums[slot] = 0;
      return hits;
    },
  };
}

/** The `limit` highest scores, best first, ties by row (as `ORDER BY bm25(), rowid`). */
function best(
  slots: readonly number[],
  sums: Float64Array,
  rowOf: readonly number[],
  limit: number,
): ScoredRow[] {
  // The limit-th best score found on a numeric typed-array sort; only rows at or above it are sorted as objects.
  let floor = Number.NEGATIVE_INFINITY;
  if (slots.length > limit) {
    const values = Float64Array.from(slots, (slot) => sums[slot]!).sort();
    floor = values[values.length - limit]!;
  }
  const out: ScoredRow[] = [];
  for (const slot of slots) if (sums[slot]! >= floor) out.push({ row: rowOf[slot]!, score: sums[slot]! });
  out.sort((x, y) => y.score - x.score || x.row - y.row);
  return out.length > limit ? out.slice(0, limit) : out;
}

function unspell(token: string): string {
  return token.replace(/\u02ad([0-9a-f]+)\u02ad/g, (_m, hex: string) =>
    String.fromCodePoint(Number.parseInt(hex, 16)),
  );
}
