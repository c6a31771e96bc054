import { describe, expect, it } from 'vitest';
import { loadMorphology } from './morphology.js';
import { normalise } from './normalise.js';

describe('loadMorphology', () => {
  it('returns base forms of content words only', async () => {
    const morph = await loadMorphology();
    const words = morph(normalise('ポンプを停止して、バルブを閉めました。'));
    expect(words).toEqual(['ポンプ', '停止', 'バルブ', '閉める']);
  });

  it('keeps the parts of a word joined by a separator (・) instead of dropping the word', async () => {
    const morph = await loadMorphology();
    const words = morph(normalise('グローバル・アクセラレーション・ハブを設置した。'));
    expect(words).toEqual(expect.arrayContaining(['グローバル', 'アクセラレーション', 'ハブ']));
    expect(words.some((w) => w.includes('・'))).toBe(false);
  });

  it('loads the dictionary once and shares it', async () => {
    expect(await loadMorphology()).toBe(await loadMorphology());
  });
});
