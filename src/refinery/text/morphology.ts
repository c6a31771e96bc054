import { createRequire } from 'node:module';
import path from 'node:path';
import type kuromoji from 'kuromoji';
import { dictionaryCacheDir, readDictionaryFile } from './dictionary-cache.js';
import { MorphologyUnavailable } from './errors.js';
import { speedUpLattice } from './kuromoji-lattice.js';
import { type TargetIndex, targetIndex, targetMapOf } from './kuromoji-targets.js';

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
  const tokenizer = await buildTokenizer(dicPath);
  speedUpLattice(tokenizer); // same tokens, linear in sentence length
  return contentWordsOf(tokenizer);
}

/** What a token contributes: its base form, or the word runs of a base form with separators; no stop words. */
function wordsOf(t: KuromojiToken): string[] {
  if (!isContentWord(t)) return [];
  const base = baseForm(t);
  if (wordChars.test(base)) return stopBaseForms.has(base) ? [] : [base];
  const words: string[] = [];
  for (const [part] of base.matchAll(wordRuns)) if (!stopBaseForms.has(part)) words.push(part);
  return words;
}

/** A best-path node of kuromoji's lattice: `name` is the word id in the known or unknown dictionary. */
interface PathNode {
  readonly name: number;
  readonly type: string;
  readonly surface_form: string;
}

interface TokenizerInternals {
  getLattice(sentence: string): unknown;
  readonly viterbi_searcher: { search(lattice: unknown): readonly PathNode[] };
  readonly token_info_dictionary: { getFeatures(id: number): string | null };
  readonly unknown_dictionary: { getFeatures(id: number): string | null };
}

/** The token fields `wordsOf` reads, as kuromoji's IpadicFormatter fills them from a features line. */
function tokenOf(features: readonly string[], surface: string): KuromojiToken {
  return {
    surface_form: surface,
    pos: features[1],
    pos_detail_1: features[2],
    basic_form: features[7],
  } as KuromojiToken;
}

/**
 * `wordsOf` over `tokenizer.tokenize(text)`, without building kuromoji's token objects: for every word on
 * the best path kuromoji decodes its features line from the dictionary, splits it and fills a ten-field
 * object, though only the part of speech and base form matter here. A dictionary word's words depend on
 * its id alone and are kept by id; an unknown word's on its class (kept) and its surface.
 */
function contentWordsOf(tokenizer: kuromoji.Tokenizer<KuromojiToken>): MorphTokenizer {
  const kuromojiTokenizer = tokenizer as unknown as TokenizerInternals;
  const split = (tokenizer.constructor as { splitByPunctuation?: (text: string) => string[] })
    .splitByPunctuation;
  if (typeof kuromojiTokenizer.getLattice !== 'function' || typeof split !== 'function')
    return (text) => tokenizer.tokenize(text).flatMap(wordsOf);
  const known = new Map<number, readonly string[]>();
  const unknownFeatures = new Map<number, readonly string[]>();
  const featuresOf = (line: string | null): string[] => (line == null ? [] : line.split(','));
  return (normalised) => {
    const words: string[] = [];
    for (const sentence of split(normalised)) {
      const path = kuromojiTokenizer.viterbi_searcher.search(kuromojiTokenizer.getLattice(sentence));
      for (const node of path) {
        let found: readonly string[];
        if (node.type === 'KNOWN') {
          let cached = known.get(node.name);
          if (cached === undefined) {
            const features = featuresOf(kuromojiTokenizer.token_info_dictionary.getFeatures(node.name));
            cached = wordsOf(tokenOf(features, features[0] as string));
            known.set(node.name, cached);
          }
          found = cached;
        } else if (node.type === 'UNKNOWN') {
          let features = unknownFeatures.get(node.name);
          if (features === undefined) {
            features = featuresOf(kuromojiTokenizer.unknown_dictionary.getFeatures(node.name));
            unknownFeatures.set(node.name, features);
          }
          found = wordsOf(tokenOf(features, node.surface_form));
        } else continue; // a user-dictionary word has no features: never a content word
        for (const w of found) words.push(w);
      }
    }
    return words;
  };
}

interface DictionaryLoader {
  loadArrayBuffer(file: string, done: (error: unknown, buffer?: ArrayBuffer) => void): void;
  load(done: (error: unknown, dictionaries: unknown) => void): void;
  readonly dic?: { readonly token_info_dictionary?: KnownWords; readonly unknown_dictionary?: KnownWords };
}

interface KnownWords {
  loadTargetMap(bytes: Uint8Array): unknown;
  targets?: TargetIndex;
}

/**
 * Has a word dictionary (known words, or unknown-word classes) read its id map in place (`kuromoji-targets.ts`) instead of as an object
 * of arrays; `target_map`, which only kuromoji's own lattice builder still reads, is made on first use.
 */
function readTargetsInPlace(known: KnownWords | undefined): void {
  if (!known || typeof known.loadTargetMap !== 'function') return;
  const kuromojiLoad = known.loadTargetMap;
  known.loadTargetMap = function (this: KnownWords, bytes: Uint8Array) {
    const index = targetIndex(bytes);
    if (index === undefined) return kuromojiLoad.call(this, bytes);
    this.targets = index;
    Object.defineProperty(this, 'target_map', {
      configurable: true,
      enumerable: true,
      get() {
        const map = targetMapOf(index);
        Object.defineProperty(this, 'target_map', {
          value: map,
          writable: true,
          configurable: true,
          enumerable: true,
        });
        return map;
      },
    });
    return this;
  };
}

/** kuromoji's `builder({ dicPath }).build`, with the dictionary files read by `readDictionaryFile`. */
function buildTokenizer(dicPath: string): Promise<kuromoji.Tokenizer<KuromojiToken>> {
  const require = createRequire(import.meta.url);
  const Loader = require('kuromoji/src/loader/DictionaryLoader.js') as new (
    dicPath: string,
  ) => DictionaryLoader;
  const Tokenizer = require('kuromoji/src/Tokenizer.js') as new (
    dictionaries: unknown,
  ) => kuromoji.Tokenizer<KuromojiToken>;
  const loader = new Loader(dicPath);
  readTargetsInPlace(loader.dic?.token_info_dictionary);
  readTargetsInPlace(loader.dic?.unknown_dictionary);
  const version = (require('kuromoji/package.json') as { version: string }).version;
  const cacheDir = dictionaryCacheDir(dicPath, version);
  loader.loadArrayBuffer = (file, done) => {
    readDictionaryFile(file, cacheDir).then((buffer) => done(null, buffer), done);
  };
  return new Promise((resolve, reject) => {
    loader.load((error, dictionaries) => {
      if (error) reject(new MorphologyUnavailable(dicPath, error));
      else resolve(new Tokenizer(dictionaries));
    });
  });
}

function dictionaryPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
}
