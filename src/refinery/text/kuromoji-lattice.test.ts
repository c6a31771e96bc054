import { createRequire } from 'node:module';
import path from 'node:path';
import kuromoji from 'kuromoji';
import { describe, expect, it } from 'vitest';
import { speedUpLattice } from './kuromoji-lattice.js';

const dicPath = path.join(
  path.dirname(createRequire(import.meta.url).resolve('kuromoji/package.json')),
  'dict',
);
const tokenizer = () =>
  new Promise<kuromoji.Tokenizer<kuromoji.IpadicFeatures>>((resolve, reject) =>
    kuromoji.builder({ dicPath }).build((e, t) => (e ? reject(e) : resolve(t))),
  );

describe('speedUpLattice', () => {
  it('gives exactly the tokens of kuromoji’s own lattice builder', async () => {
    const [original, fast] = await Promise.all([tokenizer(), tokenizer()]);
    speedUpLattice(fast);
    const texts = [
      '①電源スイッチを切り、プラグを抜いてください。注意:感電のおそれがあります',
      '品番ABC-1234の定格電圧は100V、消費電力は1.5kWです',
      '表1 点検項目 頻度 担当 外観 毎日 作業者 振動 毎週 保全課 '.repeat(20),
      '0123456789'.repeat(30) + 'ｱｲｳｴｵカキクケコ・・・・・・・・ーーーー!!!???',
      '𠮷野家で食べた😀サンドイッチ',
      'テスト\udc00です',
      '',
    ];
    for (const text of texts) expect(fast.tokenize(text)).toEqual(original.tokenize(text));
  });

  it('keeps the original error on a high surrogate without its pair', async () => {
    const fast = await tokenizer();
    speedUpLattice(fast);
    expect(() => fast.tokenize('漢\ud800字')).toThrow();
  });
});
