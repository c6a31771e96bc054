import { radicalPattern, unifyRadical } from './radicals.js';

// Kana, CJK ideographs (incl. extension A and compatibility), CJK symbols/punctuation, full-width forms.
const cjk =
  '\\u3000-\\u303f\\u3040-\\u30ff\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff01-\\uff60';
const spaceBetweenCjk = new RegExp(`(?<=[${cjk}])[ \\t\\u00a0\\u3000]+(?=[${cjk}])`, 'gu');
// Every dash a PDF or a keyboard produces for either a hyphen or the katakana long-vowel mark.
const dashes = /[\u002d\u2010-\u2015\u2212\u2043\u207b\u208b\u2500\u2501\u30fc\ufe63\uff0d\uff70]/g;
const kana = /[\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff]/u;
const waves = /[\u301c\u3030\uff5e\u223c\u223f\u2053]/g;

/**
 * Text as every lexical view sees it: NFKC, lower case, dash and wave variants unified, radicals mapped to
 * ideographs, and the spaces PDF layout puts between Japanese characters removed (Latin spacing kept).
 * Step markers (①, ⑴) become digits here: detect them before normalising.
 */
export function normalise(text: string): string {
  const folded = text
    .replace(radicalPattern, unifyRadical)
    .normalize('NFKC')
    .toLowerCase()
    .replace(waves, '~');
  return unifyDashes(folded).replace(spaceBetweenCjk, '');
}

/** A dash after kana is the long-vowel mark (データ); elsewhere it is a hyphen; runs of the mark collapse. */
function unifyDashes(text: string): string {
  return text
    .replace(dashes, (_dash, offset: number, whole: string) => {
      const before = whole[offset - 1];
      const after = whole[offset + 1] ?? '';
      return before !== undefined && kana.test(before) && !/[0-9a-z]/.test(after) ? '\u30fc' : '-';
    })
    .replace(/\u30fc{2,}/g, '\u30fc');
}

const breakBetweenCjk = new RegExp(`(?<=[${cjk}])\\s+(?=[${cjk}])`, 'gu');

/**
 * Normalised text with line breaks between two Japanese characters removed: PDF lines wrap anywhere, even
 * inside a word, and a morphological analyser must see the word whole. Paragraph structure is lost, so this
 * is for tokenising only.
 */
export function joinCjkLines(normalised: string): string {
  return normalised.replace(breakBetweenCjk, '');
}

/** True for characters written without spaces between words (kana, ideographs). */
export function isCjkChar(char: string): boolean {
  return cjkChar.test(char);
}

const cjkChar = /^[\u3005\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$/u;
