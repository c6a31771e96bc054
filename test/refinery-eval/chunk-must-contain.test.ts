import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BenchmarkResult, formatReport, runBenchmark } from '../../src/refinery/eval/index.js';

const datasetsDir = path.resolve(process.cwd(), '../shared/datasets');

/** Share of questions whose answer-bearing chunk is within the top k, from the per-question ranks. */
const recallAt = (ranks: readonly number[], k: number) =>
  (100 * ranks.filter((r) => r > 0 && r <= k).length) / ranks.length;

describe('musubi eval jsquad: whole articles chunked, a chunk must contain the answer', () => {
  let result: BenchmarkResult;

  beforeAll(async () => {
    result = await runBenchmark('jsquad', { datasetsDir });
    process.stdout.write(`${formatReport(result)}\n`);
  }, 120_000);

  it('asks every answerable question of the 59 articles, split into two halves', () => {
    expect(result.queries).toHaveLength(3973);
    expect(result.halves.tuning.system.n).toBe(1987);
    expect(result.halves.test.system.n).toBe(1986);
  });

  it('finds the answer-bearing chunk in the top 5 for ≥ 97 % of questions, no worse than LangChain + BM25', () => {
    const ours = result.queries.map((q) => q.rank);
    const theirs = result.queries.map((q) => q.baselineRank);
    expect(recallAt(ours, 5)).toBeGreaterThanOrEqual(97);
    expect(recallAt(ours, 1)).toBeGreaterThanOrEqual(recallAt(theirs, 1));
    expect(result.halves.test.system.mrr10).toBeGreaterThanOrEqual(result.halves.test.baseline.mrr10);
  });

  it('also scores the chunkings alone on one BM25, with every answer inside one of our chunks', () => {
    if (!('chunkers' in result)) throw new Error('not a chunk-must-contain result');
    const [ours] = result.chunkers.methods;
    expect(ours?.answerable).toBe(ours?.questions);
    expect(result.chunks).toBe(ours?.chunks);
    expect(formatReport(result)).toContain('langchain recursive 1000/200');
  });
});

describe('musubi eval lumberchunker-emma: the novel chunked, a chunk must contain the passage', () => {
  let result: BenchmarkResult;

  beforeAll(async () => {
    result = await runBenchmark('lumberchunker-emma', { datasetsDir });
    process.stdout.write(`${formatReport(result)}\n`);
  }, 120_000);

  it('asks the 30 questions and compares with word BM25 over LangChain chunks and the precomputed sets', () => {
    expect(result.queries).toHaveLength(30);
    if (!('chunkers' in result)) throw new Error('not a chunk-must-contain result');
    expect(result.baselineName).toBe('word BM25');
    expect(result.chunkers.methods.map((m) => m.method)).toContain('lumberchunker gemini (precomputed)');
  });

  it('reaches R@20 ≥ 80 and beats LangChain + word BM25 at R@20 over all questions', () => {
    const ours = result.queries.map((q) => q.rank);
    const theirs = result.queries.map((q) => q.baselineRank);
    expect(recallAt(ours, 20)).toBeGreaterThanOrEqual(80);
    expect(recallAt(ours, 20)).toBeGreaterThan(recallAt(theirs, 20));
  });
});
