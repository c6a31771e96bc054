import { describe, expect, it } from 'vitest';
import { cjkGap, joinPieces, repairCjkSpacing } from './cjk.js';

describe('repairCjkSpacing', () => {
  it('closes letter-spaced Japanese titles, with half- or full-width spaces', () => {
    expect(repairCjkSpacing('目 次')).toBe('目次');
    expect(repairCjkSpacing('目\u3000\u3000次')).toBe('目次');
    expect(repairCjkSpacing('第 1 章　概 要')).toBe('第 1 章概要');
  });

  it('keeps spaces in Latin text and between Latin and Japanese', () => {
    expect(repairCjkSpacing('Use a torque wrench')).toBe('Use a torque wrench');
    expect(repairCjkSpacing('締付けトルク 40 N·m')).toBe('締付けトルク 40 N·m');
  });

  it('leaves no whitespace between two CJK characters, full-width punctuation included', () => {
    const repaired = repairCjkSpacing('確認 する 。 「注意 」 （ 重要 ）');
    expect(repaired).toBe('確認する。「注意」（重要）');
    expect(repaired).not.toMatch(cjkGap);
  });
});

describe('joinPieces', () => {
  it('joins a Japanese line wrapped mid-word without a space', () => {
    expect(joinPieces('ケーシングの圧力を確認し、ドレン', 'プラグを外す。')).toBe(
      'ケーシングの圧力を確認し、ドレンプラグを外す。',
    );
  });

  it('joins wrapped Latin lines with one space', () => {
    expect(joinPieces('rated for', 'M12 bolts.')).toBe('rated for M12 bolts.');
  });

  it('joins Japanese to Latin without a space, as Japanese typesetting does', () => {
    expect(joinPieces('電圧は', '100 V')).toBe('電圧は100 V');
  });
});
