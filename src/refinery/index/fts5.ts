import type BetterSqlite3 from 'better-sqlite3';
import type { ScoredRow, TermIndex } from './bm25.js';

// unicode61 splits only at characters outside these categories, keeps diacritics (が must not become か) and
// would fold case (tokens are lower-cased already). Tokens are space-joined, so each stays one FTS5 token.
const tokenizer = `unicode61 remove_diacritics 0 categories 'L* N* M*'`;
const unsafe = /[^\p{L}\p{N}\p{M}]|\u02ad/gu;
// A lower-case letter no language writes (U+02AD) brackets the spelled-out code point; unicode61 keeps it.
const mark = '\u02ad';

/**
 * Spells out characters unicode61 would split at (".", "%", "-") between U+02AD marks, so a token such
 * as "3.5kg" is stored and queried as one term. Identity for ordinary bigrams and kuromoji words.
 */
export function ftsSafe(token: string): string {
  return token.replace(unsafe, (c) => `${mark}${c.codePointAt(0)!.toString(16)}${mark}`);
}

/**
 * A BM25 term index in an FTS5 table `table` of `db`: SQLite's own `bm25()` (k1 1.2, b 0.75) over
 * pre-tokenised rows.
 */
export function createFtsTermIndex(db: BetterSqlite3.Database, table: string): TermIndex {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS "${table}" USING fts5(tokens, tokenize = "${tokenizer}")`);
  const remove = db.prepare(`DELETE FROM "${table}" WHERE rowid = ?`);
  const insert = db.prepare(`INSERT INTO "${table}"(rowid, tokens) VALUES (?, ?)`);
  const select = db.prepare(`SELECT tokens FROM "${table}" WHERE rowid = ?`).pluck();
  const search = db.prepare(
    `SELECT rowid AS row, -bm25("${table}") AS score FROM "${table}" WHERE "${table}" MATCH ?
     ORDER BY bm25("${table}"), rowid LIMIT ?`,
  );
  const put = db.transaction(
    (rows: readonly { readonly row: number; readonly tokens: readonly string[] }[]) => {
      for (const { row, tokens } of rows) {
        remove.run(row);
        insert.run(row, tokens.map(ftsSafe).join(' '));
      }
    },
  );
  return {
    put: (rows) => put(rows),
    tokensOf(row) {
      const stored = select.get(row) as string | undefined;
      return stored ? stored.split(' ').map(unspell) : [];
    },
    search(query, limit) {
      const terms = [...new Set(query.map(ftsSafe))].filter((t) => t.length > 0);
      if (terms.length === 0) return [];
      return search.all(terms.map((t) => `"${t}"`).join(' OR '), limit) as ScoredRow[];
    },
  };
}

function unspell(token: string): string {
  return token.replace(/\u02ad([0-9a-f]+)\u02ad/g, (_m, hex: string) =>
    String.fromCodePoint(Number.parseInt(hex, 16)),
  );
}
