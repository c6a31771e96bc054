import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type kuromoji from 'kuromoji';
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
  const tokenizer = await buildTokenizer(dicPath);
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

interface DictionaryLoader {
  loadArrayBuffer(file: string, done: (error: unknown, buffer?: ArrayBuffer) => void): void;
  load(done: (error: unknown, dictionaries: unknown) => void): void;
}

const inflate = promisify(gunzip);

/**
 * The dictionary as it is gzipped, inflated into one buffer sized from the gzip trailer. kuromoji's own
 * loader inflates in 16 KiB pieces, concatenates them and copies the result once more: about 100 MB moved
 * three times, half a CPU-second per thread that loads the dictionary (each parse worker does).
 */
async function dictionaryFile(file: string): Promise<ArrayBuffer> {
  const gz = await readFile(file);
  // ISIZE, the inflated length modulo 2³² (the files are tens of MB); a wrong guess only costs a concat.
  const size = gz.length >= 4 ? gz.readUInt32LE(gz.length - 4) : 0;
  const out = await inflate(gz, { chunkSize: Math.max(size, 64 * 1024) });
  const whole = out.byteOffset === 0 && out.buffer.byteLength === out.length;
  return whole ? (out.buffer as ArrayBuffer) : new Uint8Array(out).buffer;
}

/** kuromoji's `builder({ dicPath }).build`, with the dictionary files read by `dictionaryFile`. */
function buildTokenizer(dicPath: string): Promise<kuromoji.Tokenizer<KuromojiToken>> {
  const require = createRequire(import.meta.url);
  const Loader = require('kuromoji/src/loader/DictionaryLoader.js') as new (
    dicPath: string,
  ) => DictionaryLoader;
  const Tokenizer = require('kuromoji/src/Tokenizer.js') as new (
    dictionaries: unknown,
  ) => kuromoji.Tokenizer<KuromojiToken>;
  const loader = new Loader(dicPath);
  loader.loadArrayBuffer = (file, done) => {
    dictionaryFile(file).then((buffer) => done(null, buffer), done);
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
