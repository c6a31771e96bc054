import { type Interval, pairedBootstrap } from './bootstrap.js';
import { mean, ndcgAt, quantile, recallAt, reciprocalRankAt } from './metrics.js';

/** One benchmark question: its text, the ids that answer it and labels to break results down by. */
export interface EvalQuery {
  readonly id: string;
  readonly text: string;
  readonly relevant: ReadonlySet<string>;
  readonly labels: Readonly<Record<string, string>>;
  /** 'tuning' (odd-numbered questions) or 'test' (even-numbered). */
  readonly half: 'tuning' | 'test';
}

/** Ranks for a query's text; the question itself is passed for rankers that map hits onto its answer. */
export type Ranker = (query: string, k: number, question: EvalQuery) => readonly string[];

export const cutoffs = [1, 5, 10, 20] as const;

/** Recall at each cutoff (percent), MRR@10 and nDCG@10 (0–1) of one query. */
export interface QueryScores {
  readonly recall: Readonly<Record<number, number>>;
  readonly mrr10: number;
  readonly ndcg10: number;
  /** 1-based rank of the first relevant id in the top 20, or 0. */
  readonly rank: number;
}

export interface MetricSummary {
  readonly n: number;
  /** Percent. */
  readonly recall: Readonly<Record<number, number>>;
  readonly mrr10: number;
  readonly ndcg10: number;
}

export interface HalfResult {
  readonly system: MetricSummary;
  readonly baseline: MetricSummary;
  /** System minus baseline, paired bootstrap 95 % interval: recall@20 in points, MRR@10 as a fraction. */
  readonly delta: { readonly recall20: Interval; readonly mrr10: Interval };
  /** System metrics per label value, e.g. `{ domain: { finance: … } }`. */
  readonly by: Readonly<Record<string, Readonly<Record<string, MetricSummary>>>>;
}

export interface QueryOutcome {
  readonly id: string;
  readonly half: 'tuning' | 'test';
  readonly labels: Readonly<Record<string, string>>;
  readonly rank: number;
  readonly baselineRank: number;
}

export interface RetrievalComparison {
  readonly halves: { readonly tuning: HalfResult; readonly test: HalfResult };
  readonly latencyMs: { readonly p50: number; readonly p95: number };
  readonly queries: readonly QueryOutcome[];
}

/**
 * The first k hits as ids to score when many units can answer a question (chunks covering the gold page,
 * chunks containing the answer): each answering hit becomes `gold`, the rest keep their ids, repeats collapse.
 */
export function collapseHits(
  hits: readonly string[],
  answers: (id: string) => boolean,
  gold: string,
  k: number,
): string[] {
  const out: string[] = [];
  for (const id of hits) {
    const key = answers(id) ? gold : id;
    if (!out.includes(key)) out.push(key);
  }
  return out.slice(0, k);
}

export function scoreQuery(ranked: readonly string[], relevant: ReadonlySet<string>): QueryScores {
  const recall: Record<number, number> = {};
  for (const k of cutoffs) recall[k] = 100 * recallAt(ranked, relevant, k);
  const first = ranked.slice(0, 20).findIndex((id) => relevant.has(id));
  return {
    recall,
    mrr10: reciprocalRankAt(ranked, relevant, 10),
    ndcg10: ndcgAt(ranked, relevant, 10),
    rank: first + 1,
  };
}

export function summarise(scores: readonly QueryScores[]): MetricSummary {
  const recall: Record<number, number> = {};
  for (const k of cutoffs) recall[k] = mean(scores.map((s) => s.recall[k] ?? 0));
  return {
    n: scores.length,
    recall,
    mrr10: mean(scores.map((s) => s.mrr10)),
    ndcg10: mean(scores.map((s) => s.ndcg10)),
  };
}

/** Runs every query through the system (timed) and the baseline, and summarises each half. */
export function compareRankers(
  queries: readonly EvalQuery[],
  system: Ranker,
  baseline: Ranker,
  now: () => number,
): RetrievalComparison {
  const latencies: number[] = [];
  const rows = queries.map((q) => {
    const started = now();
    const ranked = system(q.text, 20, q);
    latencies.push(now() - started);
    return {
      q,
      system: scoreQuery(ranked, q.relevant),
      baseline: scoreQuery(baseline(q.text, 20, q), q.relevant),
    };
  });
  const half = (which: 'tuning' | 'test'): HalfResult => {
    const mine = rows.filter((r) => r.q.half === which);
    const labelNames = [...new Set(mine.flatMap((r) => Object.keys(r.q.labels)))];
    const by = Object.fromEntries(
      labelNames.map((label) => {
        const values = [...new Set(mine.map((r) => r.q.labels[label] ?? ''))].sort();
        const summaries = values.map((v) => [
          v,
          summarise(mine.filter((r) => r.q.labels[label] === v).map((r) => r.system)),
        ]);
        return [label, Object.fromEntries(summaries)];
      }),
    );
    return {
      system: summarise(mine.map((r) => r.system)),
      baseline: summarise(mine.map((r) => r.baseline)),
      delta: {
        recall20: pairedBootstrap(
          mine.map((r) => r.system.recall[20] ?? 0),
          mine.map((r) => r.baseline.recall[20] ?? 0),
        ),
        mrr10: pairedBootstrap(
          mine.map((r) => r.system.mrr10),
          mine.map((r) => r.baseline.mrr10),
        ),
      },
      by,
    };
  };
  return {
    halves: { tuning: half('tuning'), test: half('test') },
    latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
    queries: rows.map((r) => ({
      id: r.q.id,
      half: r.q.half,
      labels: r.q.labels,
      rank: r.system.rank,
      baselineRank: r.baseline.rank,
    })),
  };
}
