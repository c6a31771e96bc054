import { isCjkChar } from './normalise.js';

const cjk = '\\u3005\\u3007\\u3040-\\u30ff\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff';
// Runs of Japanese script, and runs of other letters/digits; whitespace between two Japanese characters is a
// layout line break inside a sentence, so it does not end a run.
const runs = new RegExp(`[${cjk}]+(?:\\s+[${cjk}]+)*|(?:(?![${cjk}])[\\p{L}\\p{N}])+`, 'gu');

/**
 * Character bigrams of Japanese runs plus whole Latin/digit words, over already normalised text.
 * A one-character Japanese run is kept as a unigram so it stays searchable.
 */
export function bigramTokens(normalised: string): string[] {
  const tokens: string[] = [];
  for (const match of normalised.matchAll(runs)) {
    const run = match[0];
    if (!isCjkChar(run[0] ?? '')) {
      tokens.push(run);
      continue;
    }
    const chars = Array.from(run.replace(/\s+/g, ''));
    if (chars.length === 1) tokens.push(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i]! + chars[i + 1]!);
  }
  return tokens;
}
