import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import kuromoji from 'kuromoji';
import { describe, expect, it } from 'vitest';
import { speedUpLattice } from './kuromoji-lattice.js';
import { targetIndex } from './kuromoji-targets.js';

const dicPath = path.join(
  path.dirname(createRequire(import.meta.url).resolve('kuromoji/package.json')),
  'dict',
);
const tokenizer = () =>
  new Promise<kuromoji.Tokenizer<kuromoji.IpadicFeatures>>((resolve, reject) =>
    kuromoji.builder({ dicPath }).build((e, t) => (e ? reject(e) : resolve(t))),
  );

const texts = [
  '①電源スイッチを切り、プラグを抜いてください。注意:感電のおそれがあります',
  '品番ABC-1234の定格電圧は100V、消費電力は1.5kWです',
  '表1 点検項目 頻度 担当 外観 毎日 作業者 振動 毎週 保全課 '.repeat(20),
  '0123456789'.repeat(30) + 'ｱｲｳｴｵカキクケコ・・・・・・・・ーーーー!!!???',
  '𠮷野家で食べた😀サンドイッチ',
  'テスト\udc00です',
  '',
];

/** A tokenizer whose dictionaries also carry their id maps read in place, as `loadMorphology` loads them. */
async function withTargets() {
  const t = await tokenizer();
  const dictionaries = (t as unknown as { viterbi_builder: Record<string, { targets?: unknown }> })
    .viterbi_builder;
  for (const [name, file] of [
    ['token_info_dictionary', 'tid_map.dat.gz'],
    ['unknown_dictionary', 'unk_map.dat.gz'],
  ] as const) {
    const index = targetIndex(new Uint8Array(gunzipSync(readFileSync(path.join(dicPath, file)))));
    expect(index).toBeDefined();
    dictionaries[name]!.targets = index;
  }
  return t;
}

describe('speedUpLattice', () => {
  it('gives exactly the tokens of kuromoji’s own lattice builder', async () => {
    const [original, fast] = await Promise.all([tokenizer(), tokenizer()]);
    speedUpLattice(fast);
    for (const text of texts) expect(fast.tokenize(text)).toEqual(original.tokenize(text));
  });

  it('gives the same tokens when the id maps are read in place', async () => {
    const [original, fast] = await Promise.all([tokenizer(), withTargets()]);
    speedUpLattice(fast);
    for (const text of texts) expect(fast.tokenize(text)).toEqual(original.tokenize(text));
  });

  it('keeps the original error on a high surrogate without its pair', async () => {
    const fast = await tokenizer();
    speedUpLattice(fast);
    expect(() => fast.tokenize('漢\ud800字')).toThrow();
  });
});
