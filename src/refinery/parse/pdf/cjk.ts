/**
 * Japanese spacing repair. PDF text layers put spaces where the typesetter spread letters (「目 次」) and
 * break lines mid-sentence; Japanese has no spaces between words, so any whitespace between two CJK
 * characters is layout, not content. Latin text keeps its spaces.
 */

// Han, kana, CJK symbols and punctuation (not U+3000 itself), full-width forms, CJK compatibility.
const cjkClass =
  '\\u2E80-\\u2FDF\\u3001-\\u303F\\u3040-\\u30FF\\u31F0-\\u31FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF\\uFE30-\\uFE4F\\uFF01-\\uFF60\\uFFE0-\\uFFEF';
const cjkChar = new RegExp(`[${cjkClass}]`);
const spaceBetweenCjk = new RegExp(`([${cjkClass}])\\s+(?=[${cjkClass}])`, 'g');

/** True when the character is Japanese/Chinese script or full-width punctuation. */
export function isCjk(ch: string | undefined): boolean {
  return ch !== undefined && cjkChar.test(ch);
}

/** Removes every whitespace run that sits between two CJK characters; collapses other runs to one space. */
export function repairCjkSpacing(text: string): string {
  return text.replace(spaceBetweenCjk, '$1').replace(/[ \t\u00A0\u3000]{2,}/g, ' ');
}

/**
 * Joins two pieces of one line or two wrapped lines: nothing between CJK neighbours (a wrap mid-word in
 * Japanese is not a word break), one space between Latin neighbours.
 */
export function joinPieces(left: string, right: string): string {
  if (left === '') return right;
  if (right === '') return left;
  const a = left[left.length - 1];
  const b = right[0];
  if (/\s/.test(a!) || /\s/.test(b!)) return left + right;
  if (isCjk(a) || isCjk(b)) return left + right;
  return `${left} ${right}`;
}

/** A regular expression matching whitespace between two CJK characters (for checks and tests). */
export const cjkGap: RegExp = new RegExp(`[${cjkClass}]\\s+[${cjkClass}]`);
