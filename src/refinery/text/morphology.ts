import { createRequire } from 'node:module';
import path from 'node:path';
import kuromoji from 'kuromoji';
import { MorphologyUnavailable } from './errors.js';
import { speedUpLattice } from './kuromoji-lattice.js';

/** Base forms of the content words of normalised text; synchronous so a query costs no await. */
export type MorphTokenizer = (normalised: string) => string[];

type KuromojiToken = kuromoji.IpadicFeatures;

// Function-like nouns and verbs that carry no topic (する, ある, こと, もの …).
const stopBaseForms = new Set([
  'する',
  'ある',
  'いる',
  'なる',
  'れる',
  'られる',
  'できる',
  'おる',
  'くる',
  'いく',
  'みる',
  'しまう',
  'よる',
  'こと',
  'もの',
  'ため',
  'よう',
  'とき',
  'ところ',
  'これ',
  'それ',
  'あれ',
  'どれ',
  'ない',
  'よい',
  'いい',
]);
const excludedNounKinds = new Set(['非自立', '代名詞', '数']);
const wordChars = /^[\p{L}\p{N}]+$/u;
// A dictionary word may carry separators (グローバル・ハブ, C/C++): its parts are still words.
const wordRuns = /[\p{L}\p{N}]+/gu;

function isContentWord(t: KuromojiToken): boolean {
  if (t.pos === '名詞') return !excludedNounKinds.has(t.pos_detail_1);
  return (t.pos === '動詞' || t.pos === '形容詞') && t.pos_detail_1 === '自立';
}

function baseForm(t: KuromojiToken): string {
  return t.basic_form && t.basic_form !== '*' ? t.basic_form : t.surface_form;
}

let loading: Promise<MorphTokenizer> | undefined;

/**
 * Loads kuromoji's IPADIC from the installed package once (never downloaded) and returns a synchronous
 * tokenizer of content-word base forms. Later calls share the same dictionary.
 */
export function loadMorphology(): Promise<MorphTokenizer> {
  loading ??= build().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function build(): Promise<MorphTokenizer> {
  const dicPath = dictionaryPath();
  const tokenizer = await new Promise<kuromoji.Tokenizer<KuromojiToken>>((resolve, reject) => {
    kuromoji.builder({ dicPath }).build((error, built) => {
      if (error) reject(new MorphologyUnavailable(dicPath, error));
      else resolve(built);
    });
  });
  speedUpLattice(tokenizer); // same tokens, linear in sentence length
  return (normalised) => {
    const words: string[] = [];
    for (const t of tokenizer.tokenize(normalised)) {
      if (!isContentWord(t)) continue;
      const base = baseForm(t);
      if (wordChars.test(base)) {
        if (!stopBaseForms.has(base)) words.push(base);
      } else {
        for (const [part] of base.matchAll(wordRuns)) if (!stopBaseForms.has(part)) words.push(part);
      }
    }
    return words;
  };
}

function dictionaryPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
}
