/**
 * Sentence and clause boundaries for Japanese and Latin text. Every function returns pieces whose
 * concatenation is exactly the input, so offsets and "covered exactly once" survive splitting.
 */

const JAPANESE_ENDS = new Set(['。', '！', '？']);
const LATIN_ENDS = new Set(['.', '!', '?']);
/** Closing quotes and brackets that belong to the sentence they close: 「…。」 ends after 」. */
const CLOSERS = new Set(['」', '』', '）', ')', '】', '〕', '"', "'", '”', '’', '〉', '》']);
const CLAUSE_ENDS = new Set(['、', '，', '；', '：', ',', ';', ':']);
const SPACE = /\s/;

/** End index (exclusive) of the sentence whose terminator sits at `i`, or -1 when `i` ends no sentence. */
function sentenceEndAt(text: string, i: number): number {
  const ch = text[i]!;
  const japanese = JAPANESE_ENDS.has(ch);
  if (!japanese && !LATIN_ENDS.has(ch)) return -1;
  let j = i + 1;
  while (
    j < text.length &&
    (JAPANESE_ENDS.has(text[j]!) || LATIN_ENDS.has(text[j]!) || CLOSERS.has(text[j]!))
  )
    j++;
  // A Latin period only ends a sentence before whitespace (3.5, e.g.x, file.txt stay whole).
  if (!japanese && j < text.length && !SPACE.test(text[j]!)) return -1;
  while (j < text.length && SPACE.test(text[j]!)) j++;
  return j;
}

/** Sentences: Japanese 。！？ anywhere, Latin . ! ? before whitespace; trailing whitespace stays with its sentence. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const end = sentenceEndAt(text, i);
    if (end > 0) {
      out.push(text.slice(start, end));
      start = end;
      i = end;
    } else i++;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** Clauses of one sentence: after 、，；： and , ; : or a run of spaces, the spaces staying with the clause. */
export function clauses(sentence: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < sentence.length) {
    const ch = sentence[i]!;
    if (!CLAUSE_ENDS.has(ch) && !SPACE.test(ch)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < sentence.length && SPACE.test(sentence[j]!)) j++;
    if (j < sentence.length) {
      out.push(sentence.slice(start, j));
      start = j;
    }
    i = j;
  }
  if (start < sentence.length) out.push(sentence.slice(start));
  return out;
}

/** Code points, so a surrogate pair (𠮷) is never cut in half. */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Source code and preformatted text break at line ends, not at periods. */
export function lines(text: string): string[] {
  return text.split(/(?<=\n)/);
}
