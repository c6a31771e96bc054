/** Rank metrics for "one question, a set of relevant chunks": hit-rate recall@k and first-hit DCG@k. */

export const CUTOFFS = [1, 2, 5, 10, 20] as const;
export type Cutoff = (typeof CUTOFFS)[number];

export interface RankScores {
  /** Share of questions with a relevant chunk in the top k. */
  readonly recall: Record<Cutoff, number>;
  /** Mean of 1 / log2(rank + 1) for the first relevant chunk within k (one relevant chunk, as in GutenQA). */
  readonly dcg: Record<Cutoff, number>;
}

export function rankScores(
  ranked: readonly (readonly number[])[],
  relevant: readonly ReadonlySet<number>[],
): RankScores {
  const recall = {} as Record<Cutoff, number>;
  const dcg = {} as Record<Cutoff, number>;
  const firstHits = ranked.map((list, q) => list.findIndex((doc) => relevant[q]!.has(doc)));
  for (const k of CUTOFFS) {
    const within = firstHits.map((rank) => (rank >= 0 && rank < k ? rank : -1));
    recall[k] = within.filter((rank) => rank >= 0).length / Math.max(1, ranked.length);
    dcg[k] =
      within.reduce((s, rank) => s + (rank >= 0 ? 1 / Math.log2(rank + 2) : 0), 0) /
      Math.max(1, ranked.length);
  }
  return { recall, dcg };
}
