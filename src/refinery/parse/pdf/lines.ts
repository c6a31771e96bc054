/**
 * Lines from runs: runs sharing a baseline form a row; a row splits where a gap is wider than a column
 * gutter or a table cell gap would be, so each line is one piece of one column.
 */
import { bullet, classifyLine } from '../../structure/index.js';
import { isCjk, repairCjkSpacing } from './cjk.js';
import { type Box, union } from './geometry.js';
import type { TextRun } from './runs.js';

export interface Line extends Box {
  /** Spacing repaired (no whitespace between CJK characters): what blocks show. */
  readonly text: string;
  /** As extracted, spaces kept: what step, caution and heading markers are detected on (「注意　…」). */
  readonly raw: string;
  readonly baseline: number;
  /** Dominant font size (by characters). */
  readonly size: number;
  /** Most characters are in a bold face. */
  readonly bold: boolean;
  readonly tagLevel?: number;
  /** Read by OCR: its size was measured off the scan. */
  readonly measured?: boolean;
  readonly runs: readonly TextRun[];
}

/** Groups runs into lines, top to bottom then left to right. */
export function linesOf(runs: readonly TextRun[]): Line[] {
  const horizontal = runs.filter((r) => !r.vertical).sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0);
  const rows: TextRun[][] = [];
  for (const run of horizontal) {
    const row = rows[rows.length - 1];
    const ref = row?.[0];
    if (
      row &&
      ref &&
      Math.abs(run.baseline - ref.baseline) <= Math.max(1.5, 0.3 * Math.min(run.size, ref.size))
    ) {
      row.push(run);
    } else rows.push([run]);
  }
  const lines = withSuperscripts(rows).flatMap((row) =>
    piecesOf(row.sort((a, b) => a.x0 - b.x0)).map(lineOf),
  );
  const vertical = runs.filter((r) => r.vertical).map((r) => lineOf([r]));
  return [...lines, ...vertical].sort((a, b) => a.top - b.top || a.x0 - b.x0);
}

/**
 * A reference mark set small and raised (「製品安全４法※」, 「注1」, a footnote number, the 2 of m²) has a
 * baseline of its own, so it made a row of its own between two lines of a paragraph and cut it. Such a row
 * joins the row it is raised over: only a mark, much smaller, overlapping that row's height, within its width.
 */
const referenceMark = /^(?:[※＊*†‡][0-9０-９]{0,2}|注[0-9０-９]{1,2}|[0-9０-９]{1,3}[)）]?)$/;

function withSuperscripts(rows: readonly TextRun[][]): TextRun[][] {
  const band = (row: readonly TextRun[]) => union(row);
  const largest = (row: readonly TextRun[]) => Math.max(...row.map((r) => r.size));
  const out = rows.map((row) => [...row]);
  const moved = new Set<number>();
  out.forEach((row, i) => {
    if (
      !referenceMark.test(
        row
          .map((r) => r.text)
          .join('')
          .trim(),
      )
    )
      return;
    const b = band(row);
    const host = [i + 1, i - 1].find((j) => {
      const other = out[j];
      if (other === undefined || moved.has(j) || other.length === 0) return false;
      const o = band(other);
      const overlap = Math.min(b.bottom, o.bottom) - Math.max(b.top, o.top);
      return (
        largest(other) >= 1.25 * largest(row) &&
        overlap >= 0.3 * (b.bottom - b.top) &&
        b.x0 >= o.x0 - largest(other) &&
        b.x1 <= o.x1 + largest(other)
      );
    });
    if (host === undefined) return;
    out[host]!.push(...row.map((r) => ({ ...r, baseline: out[host]![0]!.baseline })));
    out[i] = [];
    moved.add(i);
  });
  return out.filter((row) => row.length > 0);
}

function piecesOf(row: readonly TextRun[]): TextRun[][] {
  const pieces: TextRun[][] = [];
  for (const run of row) {
    const piece = pieces[pieces.length - 1];
    const prev = piece?.[piece.length - 1];
    if (piece && prev && !isBreak(prev, run, piece)) piece.push(run);
    else pieces.push([run]);
  }
  return pieces;
}

function isBreak(prev: TextRun, next: TextRun, piece: readonly TextRun[]): boolean {
  const gap = next.x0 - prev.x1;
  const size = Math.min(prev.size, next.size);
  if (gap <= 1.2 * size) return false;
  // Letter-spaced titles (「目　　次」) put single characters far apart: keep them on one line.
  const short = (s: string) => [...s.trim()].length <= 2;
  if (short(next.text) && piece.every((r) => short(r.text)) && gap < 4 * size) return false;
  // A marker set off by a tab ("1．\tリユース部品…", "第1章　　総則", "①　　電源を切る") heads its line.
  return !(gap < 5 * size && isBareMarker(piece.map((r) => r.text).join('')));
}

// "1.1" alone may as well be a number in a table's first column: only a marker that cannot be a value counts.
const decimal = /^[0-9０-９]+(?:[.．][0-9０-９]+)+$/;

/** A number alone, as a list numbered in a column of its own sets it ("2", "3.", "12)"). */
export const rowNumber = /^[0-9０-９]{1,3}[.．)）]?$/;

/** A figure's caption: 「図１」, 「グラフ2」, "Figure 3". */
export const figureCaption = /^(?:図|グラフ|fig(?:ure|\.)?|chart)\s*[0-9０-９]/i;

/** A figure's or a table's caption. */
export const caption = /^(?:図|表|グラフ|fig(?:ure|\.)?|table|chart)\s*[0-9０-９]/i;

function isBareMarker(text: string): boolean {
  // A bullet glyph drawn apart from its text (often in another font, a tab's width to the left).
  if (bullet.test(text.trim()) && [...text.trim()].length === 1) return true;
  if (decimal.test(text.trim())) return false;
  const c = classifyLine(text);
  return c !== null && c.kind !== 'caution' && c.text === '';
}

function lineOf(runs: readonly TextRun[]): Line {
  let text = '';
  let raw = '';
  let prev: TextRun | undefined;
  for (const run of runs) {
    const runRaw = run.raw ?? run.text;
    if (prev === undefined) {
      text = run.text;
      raw = runRaw;
    } else {
      const gap = run.x0 - prev.x1;
      const a = text[text.length - 1];
      const b = run.text[0];
      const size = Math.min(run.size, prev.size);
      // A visible gap is a word space in Latin text; next to CJK only a wide one counts ("3.2 概要",
      // "注意　高温"). Spaces between two CJK characters are dropped again by the spacing repair.
      const latin = !isCjk(a) && !isCjk(b);
      const spaced = (gap > 0.2 * size && latin) || gap > 0.5 * size;
      const join = (left: string, right: string) =>
        spaced && !/\s$/.test(left) && !/^\s/.test(right) ? `${left} ${right}` : left + right;
      text = join(text, run.text);
      raw = join(raw, runRaw);
    }
    prev = run;
  }
  const bySize = new Map<number, number>();
  let boldChars = 0;
  let chars = 0;
  const tagVotes = new Map<number, number>();
  for (const r of runs) {
    const n = r.text.length;
    chars += n;
    bySize.set(r.size, (bySize.get(r.size) ?? 0) + n);
    if (r.bold) boldChars += n;
    if (r.tagLevel !== undefined) tagVotes.set(r.tagLevel, (tagVotes.get(r.tagLevel) ?? 0) + n);
  }
  const size = [...bySize].sort((a, b) => b[1] - a[1])[0]![0];
  const tag = [...tagVotes].sort((a, b) => b[1] - a[1])[0];
  const tagged = tag !== undefined && tag[1] * 2 >= chars;
  return {
    ...union(runs),
    text: repairCjkSpacing(text).trim(),
    raw: raw.trim(),
    baseline: runs[0]!.baseline,
    size,
    bold: boldChars * 2 > chars,
    ...(tagged ? { tagLevel: tag[0] } : {}),
    runs,
  };
}
