import { englishStopWords } from '../text/index.js';

/**
 * Highlighting in the original text. Queries are matched after folding (NFKC, lower case), so 全角/半角 and
 * case variants still match, but the marked ranges are offsets into the text as written.
 */

export type Range = readonly [number, number];

interface Folded {
  readonly text: string;
  /** For each UTF-16 unit of `text`: [start, end) of the original characters it came from. */
  readonly origin: readonly Range[];
}

// Half-width voiced marks and combining marks fold together with the character before them.
const joinsPrevious = /^[\uff9e\uff9f\u3099\u309a\p{M}]$/u;

function fold(text: string): Folded {
  const units: string[] = [];
  const origin: Range[] = [];
  const chars = Array.from(text);
  let offset = 0;
  for (let i = 0; i < chars.length; i++) {
    let piece = chars[i]!;
    while (i + 1 < chars.length && joinsPrevious.test(chars[i + 1]!)) piece += chars[++i]!;
    const folded = piece
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\u2010-\u2015\u2212\uff0d]/g, '-');
    const range: Range = [offset, offset + piece.length];
    for (let u = 0; u < folded.length; u++) origin.push(range);
    units.push(folded);
    offset += piece.length;
  }
  return { text: units.join(''), origin };
}

/**
 * The query's words as matched against text: folded, split at spaces, each also split at punctuation (so
 * `MS-150-J` matches whole and `点検(月次)` in parts), longest first.
 */
export function queryTerms(query: string, extra: readonly string[] = []): string[] {
  const words = query
    .normalize('NFKC')
    .toLowerCase()
    .split(/\s+/u)
    .map((w) => w.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''));
  const pieces = words.flatMap((w) => w.split(/[\p{P}\p{S}]+/u));
  const terms = new Set([...words, ...pieces, ...extra.map((t) => t.normalize('NFKC').toLowerCase())]);
  // A single Latin letter or digit, or an English stop word, would light up everywhere.
  return [...terms]
    .filter((t) => t.length > 0 && (t.length > 1 || /[^\p{ASCII}]/u.test(t)) && !englishStopWords.has(t))
    .sort((a, b) => b.length - a.length);
}

const latinTerm = /^[a-z][a-z0-9]*$/;

function isLatinLetter(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= 0x61 && c <= 0x7a;
}

/** Merged, sorted ranges of `text` (original offsets) where any term occurs after folding. */
export function highlightRanges(text: string, terms: readonly string[]): Range[] {
  const folded = fold(text);
  const found: Range[] = [];
  for (const term of terms) {
    if (term.length === 0) continue;
    const latin = latinTerm.test(term);
    for (let at = folded.text.indexOf(term); at >= 0; at = folded.text.indexOf(term, at + term.length)) {
      let end = at + term.length;
      if (latin) {
        // A Latin term is a word or a stem ("valve", "open" from "opening"): it marks whole words that
        // start with it ("valves", "opened"), never the inside of another word ("ring" in "bearing").
        if (isLatinLetter(folded.text, at - 1)) continue;
        while (isLatinLetter(folded.text, end)) end++;
      }
      found.push([folded.origin[at]![0], folded.origin[end - 1]![1]]);
    }
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const [s, e] of found) {
    const last = merged.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

export interface Snippet {
  /** A window of the original text (whitespace runs collapsed to one space is NOT done: offsets stay exact). */
  readonly text: string;
  /** Ranges inside `text`. */
  readonly highlights: readonly Range[];
  /** Where `text` starts in the full text. */
  readonly start: number;
}

/**
 * A window of about `width` characters placed where it shows the most distinct highlighted words (the first
 * such place), ranges re-based to it.
 */
export function snippetOf(text: string, ranges: readonly Range[], width = 160): Snippet {
  // The window with the most distinct matched words; between equals, the one whose words are longer (the
  // whole part number "MS-150-J" over the "150" of another model).
  let best = { start: 0, distinct: -1, chars: -1 };
  for (const [anchor] of ranges) {
    const from = Math.max(0, anchor - Math.floor(width / 4));
    const words = new Set(
      ranges.filter(([s, e]) => s >= from && e <= from + width).map(([s, e]) => fold(text.slice(s, e)).text),
    );
    const chars = [...words].reduce((n, w) => n + w.length, 0);
    if (words.size > best.distinct || (words.size === best.distinct && chars > best.chars))
      best = { start: from, distinct: words.size, chars };
  }
  const end = Math.min(text.length, best.start + width);
  let start = Math.max(0, Math.min(best.start, end - width));
  // Do not start inside a surrogate pair.
  if (start > 0 && /[\udc00-\udfff]/.test(text[start] ?? '')) start -= 1;
  const highlights = ranges
    .filter(([s, e]) => e > start && s < end)
    .map(([s, e]): Range => [Math.max(s, start) - start, Math.min(e, end) - start]);
  return { text: text.slice(start, end), highlights, start };
}

/** The snippet with its highlights wrapped in `open`/`close` (ANSI bold on a terminal, 【】 otherwise). */
export function markSnippet(snippet: Snippet, open: string, close: string): string {
  let out = '';
  let at = 0;
  for (const [s, e] of snippet.highlights) {
    out += snippet.text.slice(at, s) + open + snippet.text.slice(s, e) + close;
    at = e;
  }
  return out + snippet.text.slice(at);
}
