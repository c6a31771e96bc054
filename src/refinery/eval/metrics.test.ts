import { describe, expect, it } from 'vitest';
import { mean, ndcgAt, passAt, quantile, recallAt, reciprocalRankAt } from './metrics.js';

const ranked = ['a', 'b', 'c', 'd', 'e'];

describe('retrieval metrics', () => {
  it('recall@k counts relevant ids in the first k', () => {
    expect(recallAt(ranked, new Set(['b', 'e']), 1)).toBe(0);
    expect(recallAt(ranked, new Set(['b', 'e']), 2)).toBe(0.5);
    expect(recallAt(ranked, new Set(['b', 'e']), 5)).toBe(1);
    expect(recallAt(ranked, new Set(), 5)).toBe(0);
  });

  it('Pass@k is the share of golden chunks found, not a binary hit', () => {
    expect(passAt(ranked, new Set(['a', 'x', 'y']), 5)).toBeCloseTo(1 / 3, 12);
  });

  it('MRR@10 is one over the first relevant rank within 10', () => {
    expect(reciprocalRankAt(ranked, new Set(['c', 'd']), 10)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRankAt(ranked, new Set(['z']), 10)).toBe(0);
    expect(reciprocalRankAt(ranked, new Set(['e']), 4)).toBe(0);
  });

  it('nDCG@10 with binary gains matches a hand computation', () => {
    // relevant at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3)
    const expected = (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3));
    expect(ndcgAt(ranked, new Set(['b', 'd']), 10)).toBeCloseTo(expected, 12);
    expect(ndcgAt(ranked, new Set(['a']), 10)).toBe(1);
  });

  it('mean and nearest-rank quantiles', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBe(0);
    expect(quantile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
  });
});
