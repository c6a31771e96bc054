/**
 * Words OCR read inside a figure (a chart, a screenshot, a photo of a label), cleaned the same way in every
 * format: unsure words, tesseract's 「|」 bars and the marks it reads off bars and hatching are left out.
 * Pure, and free of pdf.js, so the DOCX and PPTX parsers use it too.
 */
import { lineOf, type OcrLine, type OcrWord } from './ocr.js';

/** Confidence below which a word read in a figure is left out: photos and shading read as noise. */
export const figureConfidence = 60;

/** What tesseract reads a chart's bars, hatching and axis ticks as (「ニニニニ」, 「一一」, 「ーー」). */
const strokeMarks = /[ニ一ー－―=＝_・･.,、。\-~〜]/g;

const letterOrDigit = /[\p{L}\p{N}]/gu;

/**
 * The lines of a figure worth keeping: each line cut where a word was left out (unsure, a bar, or not
 * `fresh` — a word the page already has), pieces of fewer than two letters or digits besides stroke marks
 * dropped, and nothing at all when the whole figure reads as fewer than four (「ヽノ」, 「NN」 is a drawing).
 */
export function figureLines(
  lines: readonly OcrLine[],
  fresh: (word: OcrWord) => boolean = () => true,
): OcrLine[] {
  const kept = lines
    .flatMap((line) => {
      const pieces: OcrWord[][] = [[]];
      for (const w of (line.words ?? [line]).flatMap(withoutBars)) {
        if (w.confidence >= figureConfidence && fresh(w) && !sideways(w)) pieces[pieces.length - 1]!.push(w);
        else if (pieces[pieces.length - 1]!.length > 0) pieces.push([]);
      }
      return pieces.filter((p) => p.length > 0).map(lineOf);
    })
    .filter((l) => (l.text.replace(strokeMarks, '').match(letterOrDigit)?.length ?? 0) >= 2);
  const letters = kept.reduce((n, l) => n + (l.text.match(letterOrDigit)?.length ?? 0), 0);
  return letters < 4 ? [] : kept;
}

/**
 * A word of three or more Latin letters and digits standing taller than it is wide: text set on its side (a chart's rotated
 * axis labels, 「22.9」 turned a quarter), which the horizontal model reads as 「6'TE」, 「r9'0」 or 「000」.
 * Japanese words are kept: a vertical label (縦書き) read a character below the other has that shape too.
 */
function sideways(word: OcrWord): boolean {
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(word.text)) return false;
  // Three characters set across are wider than tall even when they are 「111」; two may not be (「in」, 「10.」).
  if ((word.text.match(letterOrDigit)?.length ?? 0) < 3) return false;
  return word.bottom - word.top > 1.2 * (word.x1 - word.x0);
}

/** The word without tesseract's 「|」 bars (a ruling or a cell border read as a letter), split where they were. */
export function withoutBars(word: OcrWord): OcrWord[] {
  const chars = [...word.text];
  const ranges: [number, number][] = [];
  let start = 0;
  chars.forEach((c, i) => {
    if (c !== '|' && c !== '｜') return;
    ranges.push([start, i]);
    start = i + 1;
  });
  if (ranges.length === 0) return [word];
  return slices(word, [...ranges, [start, chars.length]]);
}

/** The given character ranges of a word as words of their own, its box shared out by characters. */
export function slices(word: OcrWord, ranges: readonly (readonly [number, number])[]): OcrWord[] {
  const chars = [...word.text];
  const width = (word.x1 - word.x0) / chars.length;
  return ranges
    .filter(([from, to]) => to > from)
    .map(([from, to]) => ({
      ...word,
      text: chars.slice(from, to).join(''),
      x0: word.x0 + from * width,
      x1: word.x0 + to * width,
    }));
}
