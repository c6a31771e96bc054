/**
 * Ruby (furigana): small kana set over kanji (beside them in vertical writing) to give their reading, as in
 * manuals written for new or foreign workers. DOCX and HTML keep the base text and leave the reading out; a
 * PDF has only positions, so a run is taken for a reading when it is all kana, at most 0.65 times the size of
 * a run it sits on, and over kanji of that run. Left in, 「さぎょう」 became a paragraph of its own between the
 * lines of the one it annotates, and a search term.
 */
import type { TextRun } from './runs.js';

const kanaOnly = /^[\u3041-\u309f\u30a0-\u30ff\s]+$/u;
const han = /\p{Script=Han}/u;

/** The runs without the readings set over other runs' kanji. */
export function withoutRuby(runs: readonly TextRun[]): TextRun[] {
  const candidates = runs.filter((r) => kanaOnly.test(r.text.trim()));
  if (candidates.length === 0) return [...runs];
  const readings = new Set(candidates.filter((r) => runs.some((base) => isReadingOf(r, base))));
  return readings.size === 0 ? [...runs] : runs.filter((r) => !readings.has(r));
}

function isReadingOf(reading: TextRun, base: TextRun): boolean {
  if (base === reading || reading.vertical !== base.vertical) return false;
  if (reading.size > 0.65 * base.size) return false;
  // Across the line: the reading's edge against the base's (its bottom on the base's top; in vertical
  // writing its left on the column's right), then the stretch of the base it covers.
  const [gap, from, to, start, end] = reading.vertical
    ? [reading.x0 - base.x1, reading.top, reading.bottom, base.top, base.bottom]
    : [base.top - reading.bottom, reading.x0, reading.x1, base.x0, base.x1];
  if (gap < -0.5 * base.size || gap > 0.6 * base.size) return false;
  if (from >= end || to <= start) return false;
  // Base characters are evenly set: the ones under the reading's middle are what it reads.
  const chars = [...base.text];
  const pitch = (end - start) / chars.length;
  const middle = (from + to) / 2;
  const at = Math.floor((middle - start) / pitch);
  return han.test(chars[at] ?? '');
}
