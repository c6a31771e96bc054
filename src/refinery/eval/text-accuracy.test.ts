import { describe, expect, it } from 'vitest';
import { bigramAccuracy } from './text-accuracy.js';

describe('bigramAccuracy', () => {
  it('ignores whitespace, width and reading order of lines', () => {
    const reference = 'ポンプの振動を確認する。\n異常なし';
    expect(bigramAccuracy(reference, '異常なし\nポンプ の 振動を確認する｡').f1).toBeCloseTo(
      // only the bigram across the line break differs: 「。異」 against 「し ポ」
      1 - 1 / 15,
      12,
    );
    expect(bigramAccuracy('ＡＢＣ１２', 'abc12').f1).toBe(1);
  });

  it('counts misread characters against precision and missed ones against recall', () => {
    const a = bigramAccuracy('点検記録', '点検記録表');
    expect(a.recall).toBe(1);
    expect(a.precision).toBeCloseTo(3 / 4, 12);
    const b = bigramAccuracy('点検記録表', '点検');
    expect(b.precision).toBe(1);
    expect(b.recall).toBeCloseTo(1 / 4, 12);
    expect(bigramAccuracy('点検', '').f1).toBe(0);
  });
});
