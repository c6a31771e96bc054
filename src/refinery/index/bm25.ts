/**
 * BM25 over pre-tokenised rows, shared by the in-memory and the SQLite FTS5 term indexes. The formula is
 * FTS5's `bm25()`: idf = ln((N − n + 0.5) / (n + 0.5)), floored at 1e-6, so both back ends give the same scores.
 */
export interface Bm25Params {
  readonly k1: number;
  readonly b: number;
}

export const defaultBm25: Bm25Params = { k1: 1.2, b: 0.75 };

export interface ScoredRow {
  readonly row: number;
  readonly score: number;
}

/** Rows of one lexical view, each a list of tokens; rows are integers chosen by the caller. */
export interface TermIndex {
  /** Inserts or replaces rows. */
  put(rows: readonly { readonly row: number; readonly tokens: readonly string[] }[]): void;
  /** Removes the rows `from` ≤ row < `to` (one row when `to` is left out). */
  remove(from: number, to?: number): void;
  tokensOf(row: number): string[];
  /** Best rows for the distinct query tokens, highest score first, at most `limit`. */
  search(query: readonly string[], limit: number): ScoredRow[];
}

export function idf(rowCount: number, rowsWithTerm: number): number {
  const value = Math.log((rowCount - rowsWithTerm + 0.5) / (rowsWithTerm + 0.5));
  return value > 0 ? value : 1e-6;
}

/** A pure in-memory BM25 term index: the reference the FTS5 index is checked against, and the baseline. */
export function createMemoryTermIndex(params: Bm25Params = defaultBm25): TermIndex {
  const rows = new Map<number, string[]>();
  const postings = new Map<string, Map<number, number>>();
  let totalLength = 0;

  const remove = (row: number): void => {
    const old = rows.get(row);
    if (!old) return;
    totalLength -= old.length;
    for (const token of new Set(old)) {
      const list = postings.get(token);
      list?.delete(row);
      if (list?.size === 0) postings.delete(token);
    }
    rows.delete(row);
  };

  return {
    put(batch) {
      for (const { row, tokens } of batch) {
        remove(row);
        rows.set(row, [...tokens]);
        totalLength += tokens.length;
        for (const token of tokens) {
          const list = postings.get(token) ?? new Map<number, number>();
          postings.set(token, list);
          list.set(row, (list.get(row) ?? 0) + 1);
        }
      }
    },
    remove(from, to = from + 1) {
      for (const row of [...rows.keys()]) if (row >= from && row < to) remove(row);
    },
    tokensOf: (row) => [...(rows.get(row) ?? [])],
    search(query, limit) {
      const n = rows.size;
      if (n === 0) return [];
      const avg = totalLength / n;
      const scores = new Map<number, number>();
      for (const token of new Set(query)) {
        const list = postings.get(token);
        if (!list) continue;
        const weight = idf(n, list.size);
        for (const [row, tf] of list) {
          const length = rows.get(row)?.length ?? 0;
          const norm = params.k1 * (1 - params.b + (params.b * length) / avg);
          scores.set(row, (scores.get(row) ?? 0) + (weight * tf * (params.k1 + 1)) / (tf + norm));
        }
      }
      return [...scores]
        .map(([row, score]) => ({ row, score }))
        .sort((a, b) => b.score - a.score || a.row - b.row)
        .slice(0, limit);
    },
  };
}
