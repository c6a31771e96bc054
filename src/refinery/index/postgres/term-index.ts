import type { Bm25Params, ScoredRow } from '../bm25.js';
import { defaultBm25 } from '../bm25.js';
import type { SqlRunner } from './runner.js';

/**
 * A BM25 term index in two PostgreSQL tables: postings (term, row, tf) and row lengths. PostgreSQL's
 * `ts_rank` is not BM25, so the score is computed in SQL from these statistics with FTS5's formula —
 * idf = ln((N − n + 0.5) / (n + 0.5)) floored at 1e-6 — over the same pre-tokenised views, so both engines
 * rank alike.
 */
export interface PgTermIndex {
  /** Inserts or replaces rows. */
  put(tx: SqlRunner, rows: readonly TokenRow[]): Promise<void>;
  /** Adds tokens to rows (created if missing): a document row grows as its units are added. */
  append(tx: SqlRunner, rows: readonly TokenRow[]): Promise<void>;
  /** Removes rows in [from, to). */
  removeRange(tx: SqlRunner, from: number, to: number): Promise<void>;
  /** Refreshes the planner's statistics after a bulk load (outside any transaction). */
  analyse(): Promise<void>;
  /** Best rows for the distinct query tokens, highest score first, at most `limit`. */
  search(query: readonly string[], limit: number): Promise<ScoredRow[]>;
}

export interface TokenRow {
  readonly row: number;
  readonly tokens: readonly string[];
}

// Rows per INSERT … SELECT unnest(…): large enough to amortise round trips, small enough for PGlite's memory.
const batchSize = 20_000;

export async function createPgTermIndex(
  sql: SqlRunner,
  table: string,
  params: Bm25Params = defaultBm25,
): Promise<PgTermIndex> {
  if (!/^[a-z][a-z0-9_]*$/.test(table)) throw new Error(`bad table name ${table}`);
  const postings = `"${table}_postings"`;
  const lengths = `"${table}_rows"`;
  await sql.query(`CREATE TABLE IF NOT EXISTS ${lengths} (row int8 PRIMARY KEY, length int4 NOT NULL)`);
  await sql.query(
    `CREATE TABLE IF NOT EXISTS ${postings} (term text NOT NULL, row int8 NOT NULL, tf int4 NOT NULL,
       PRIMARY KEY (term, row) INCLUDE (tf))`,
  );
  await sql.query(`CREATE INDEX IF NOT EXISTS "${table}_postings_row" ON ${postings} (row)`);
  const { k1, b } = params;
  // The query's postings are read once through the (term, row) key — tf rides in the index, so PostgreSQL
  // can answer from the index alone — then give both df (hence idf) and the per-row sums.
  const search = `
    WITH m AS MATERIALIZED (SELECT term, row, tf FROM ${postings} WHERE term = ANY($1::text[])),
    s AS (SELECT count(*)::float8 AS n, coalesce(avg(length), 0)::float8 AS avgdl FROM ${lengths}),
    w AS (
      SELECT m.term, greatest(ln((s.n - count(*) + 0.5) / (count(*) + 0.5)), 1e-6) AS idf
      FROM m CROSS JOIN s GROUP BY m.term, s.n
    )
    SELECT m.row::float8 AS row,
      sum(w.idf * m.tf * ${k1 + 1} / (m.tf + ${k1} * (1 - ${b} + ${b} * r.length / s.avgdl)))::float8 AS score
    FROM m JOIN w ON w.term = m.term JOIN ${lengths} r ON r.row = m.row CROSS JOIN s
    GROUP BY m.row ORDER BY score DESC, m.row LIMIT $2`;

  const write = async (tx: SqlRunner, rows: readonly TokenRow[], adding: boolean): Promise<void> => {
    // One statement may not touch a row twice: tokens of the same row (a document's units) are merged first.
    const merged = new Map<number, { length: number; tf: Map<string, number> }>();
    for (const { row, tokens } of rows) {
      const entry = merged.get(row) ?? { length: 0, tf: new Map<string, number>() };
      merged.set(row, entry);
      for (const t of tokens) {
        if (t.length === 0) continue;
        entry.length++;
        entry.tf.set(t, (entry.tf.get(t) ?? 0) + 1);
      }
    }
    const ids = [...merged.keys()];
    for (let at = 0; at < ids.length; at += batchSize) {
      const part = ids.slice(at, at + batchSize);
      await tx.query(
        `INSERT INTO ${lengths} (row, length) SELECT * FROM unnest($1::int8[], $2::int4[])
         ON CONFLICT (row) DO UPDATE SET length = ${adding ? `${lengths}.length + ` : ''}excluded.length`,
        [part, part.map((r) => merged.get(r)!.length)],
      );
    }
    const terms: string[] = [];
    const termRows: number[] = [];
    const tfs: number[] = [];
    for (const [row, { tf }] of merged) {
      for (const [term, n] of tf) {
        terms.push(term);
        termRows.push(row);
        tfs.push(n);
      }
    }
    for (let at = 0; at < terms.length; at += batchSize) {
      const end = at + batchSize;
      await tx.query(
        `INSERT INTO ${postings} (term, row, tf) SELECT * FROM unnest($1::text[], $2::int8[], $3::int4[])
         ON CONFLICT (term, row) DO UPDATE SET tf = ${adding ? `${postings}.tf + ` : ''}excluded.tf`,
        [terms.slice(at, end), termRows.slice(at, end), tfs.slice(at, end)],
      );
    }
  };

  return {
    async put(tx, rows) {
      if (rows.length === 0) return;
      const ids = rows.map((r) => r.row);
      await tx.query(`DELETE FROM ${postings} WHERE row = ANY($1::int8[])`, [ids]);
      await tx.query(`DELETE FROM ${lengths} WHERE row = ANY($1::int8[])`, [ids]);
      await write(tx, rows, false);
    },
    append: (tx, rows) => write(tx, rows, true),
    async removeRange(tx, from, to) {
      await tx.query(`DELETE FROM ${postings} WHERE row >= $1 AND row < $2`, [from, to]);
      await tx.query(`DELETE FROM ${lengths} WHERE row >= $1 AND row < $2`, [from, to]);
    },
    async analyse() {
      await sql.query(`ANALYZE ${postings}, ${lengths}`);
    },
    async search(query, limit) {
      const terms = [...new Set(query)].filter((t) => t.length > 0);
      if (terms.length === 0) return [];
      const rows = await sql.query<{ row: number; score: number }>(search, [terms, limit]);
      return rows.map((r) => ({ row: Number(r.row), score: Number(r.score) }));
    },
  };
}
