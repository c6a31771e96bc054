import { describe, expect, it } from 'vitest';
import { normalise } from './normalise.js';

describe('normalise', () => {
  it('folds full-width Latin and digits and half-width katakana (NFKC) and lower-cases', () => {
    expect(normalise('ＡＢＣ１２３　ﾃﾞｰﾀ')).toBe('abc123 データ');
  });

  it('turns circled step numbers into digits, so markers must be detected before', () => {
    expect(normalise('①電源を切る②カバーを外す')).toBe('1電源を切る2カバーを外す');
  });

  it('removes layout spaces between two Japanese characters but keeps Latin spacing', () => {
    expect(normalise('調　査　目　的 と 保守 manual text')).toBe('調査目的と保守 manual text');
    expect(normalise('ポンプ の 点検')).toBe('ポンプの点検');
  });

  it('maps CJK radicals (supplement and Kangxi blocks) to the ideographs they stand for', () => {
    expect(normalise('国⺠生活と⻑期計画')).toBe('国民生活と長期計画');
    expect(normalise('⽉⽇の⽤途')).toBe('月日の用途');
  });

  it('unifies dash variants: long-vowel mark after kana, hyphen elsewhere', () => {
    expect(normalise('デ－タ サ—バ モ‐タ')).toBe('データサーバモータ');
    expect(normalise('JIS B 8210−2017 と 1－2')).toBe('jis b 8210-2017 と 1-2');
    expect(normalise('コーーヒー')).toBe('コーヒー');
  });

  it('unifies wave dashes and full-width tildes', () => {
    expect(normalise('60〜64歳、65～69歳')).toBe('60~64歳、65~69歳');
  });
});
