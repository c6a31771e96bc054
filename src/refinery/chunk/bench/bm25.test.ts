import { describe, expect, it } from 'vitest';
import { bm25Index, tokens } from './bm25.js';
import { rankScores } from './metrics.js';

describe('benchmark BM25', () => {
  it('tokenises Japanese runs as character bigrams and folds 全角 to 半角 before Latin words', () => {
    expect(tokens('ポンプＰ１０１を点検')).toEqual(['ポン', 'ンプ', 'p101', 'を点', '点検']);
    expect(tokens('Check the Seal.')).toEqual(['check', 'the', 'seal']);
  });

  it('ranks the chunk sharing the rare terms first', () => {
    const index = bm25Index([
      '軸受の温度を測る。',
      'メカニカルシールの漏れを確認する。',
      '軸受の振動を測る。',
    ]);
    expect(index.search('シールの漏れ', 3)[0]).toBe(1);
    expect(index.search('振動', 3)).toEqual([2]);
  });

  it('scores recall@k and first-hit DCG@k', () => {
    const scores = rankScores(
      [
        [5, 1],
        [2, 3],
      ],
      [new Set([1]), new Set([9])],
    );
    expect(scores.recall[1]).toBe(0);
    expect(scores.recall[2]).toBe(0.5);
    expect(scores.dcg[2]).toBeCloseTo(1 / Math.log2(3) / 2);
  });
});
