/**
 * Reading order on a page: one column, or two columns split at a gutter found from the x-coverage of
 * lines. Lines that cross the gutter (a full-width title above the columns, a wide figure caption)
 * split the page into bands; each band is read left column first, then right. A page without a gutter of
 * its own is cut at its full-width lines, and each part between them may have one.
 */
import type { Box } from './geometry.js';
import { rowNumber } from './lines.js';

export interface Placed extends Box {
  readonly text: string;
}

export interface Ordered<L> {
  readonly line: L;
  /** 0 = left or only column, 1 = right column, -1 = spans the gutter. */
  readonly column: number;
}

/** Lines in reading order, each with its column. */
export function readingOrder<L extends Placed>(lines: readonly L[], pageWidth: number): Ordered<L>[] {
  const sorted = numbersFirst([...lines].sort((a, b) => a.top - b.top || a.x0 - b.x0));
  const gutter = findGutter(sorted, pageWidth);
  if (gutter !== undefined) return byColumns(sorted, gutter);
  // No gutter over the whole page: it may still hold a two-column part (notes under two figures side by
  // side, below full-width bullets). Lines wider than any column split the page into slabs, each read with
  // a gutter of its own when it has one.
  const out: Ordered<L>[] = [];
  let slab: L[] = [];
  const flush = () => {
    const own = findGutter(slab, pageWidth);
    const ordered = own === undefined ? slab.map((line) => ({ line, column: 0 })) : byColumns(slab, own);
    // A line across the slab's gutter is as wide as the full-width lines around it, whose column is 0: the
    // last line of a paragraph begun above the slab stays in it.
    out.push(...ordered.map((o) => (o.column === -1 ? { ...o, column: 0 } : o)));
    slab = [];
  };
  for (const line of sorted) {
    if (line.x1 - line.x0 > fullWidth * pageWidth) {
      flush();
      out.push({ line, column: 0 });
    } else slab.push(line);
  }
  flush();
  return out;
}

/**
 * A row's number before its text. Sorted by top alone, a number set in another font that starts a fraction
 * of a point lower ("2" beside the item it numbers) comes after the text to its right.
 */
function numbersFirst<L extends Placed>(sorted: L[]): L[] {
  const out = [...sorted];
  for (let i = 1; i < out.length; i++) {
    const text = out[i - 1]!;
    const number = out[i]!;
    const tolerance = 0.25 * Math.min(text.bottom - text.top, number.bottom - number.top);
    if (
      rowNumber.test(number.text.trim()) &&
      number.x1 <= text.x0 &&
      Math.abs(number.top - text.top) <= tolerance &&
      Math.abs(number.bottom - text.bottom) <= tolerance
    ) {
      out[i - 1] = number;
      out[i] = text;
    }
  }
  return out;
}

/** A line this much of the page wide crosses any gutter. */
const fullWidth = 0.6;

/** Read left column first, then right; a line across the gutter ends the band above it. */
function byColumns<L extends Placed>(sorted: readonly L[], gutter: number): Ordered<L>[] {
  const out: Ordered<L>[] = [];
  let left: L[] = [];
  let right: L[] = [];
  const flush = () => {
    out.push(...left.map((line) => ({ line, column: 0 })), ...right.map((line) => ({ line, column: 1 })));
    left = [];
    right = [];
  };
  for (const line of sorted) {
    if (line.x1 <= gutter) left.push(line);
    else if (line.x0 >= gutter) right.push(line);
    else {
      flush();
      out.push({ line, column: -1 });
    }
  }
  flush();
  return out;
}

/** The x of a gutter between two text columns, or undefined for a one-column page. */
export function findGutter(lines: readonly Placed[], pageWidth: number): number | undefined {
  const text = lines.filter((l) => [...l.text].length >= 2);
  if (text.length < 8) return undefined;
  const scored: { x: number; score: number }[] = [];
  for (let x = pageWidth * 0.3; x <= pageWidth * 0.7; x += 2) {
    const left = text.filter((l) => l.x1 <= x);
    const right = text.filter((l) => l.x0 >= x);
    const crossing = text.length - left.length - right.length;
    if (left.length < 3 || right.length < 3 || crossing > 0.25 * (left.length + right.length)) continue;
    if (!columnar(left, pageWidth) || !columnar(right, pageWidth) || !sideBySide(left, right)) continue;
    scored.push({ x, score: left.length + right.length - 3 * crossing });
  }
  const top = Math.max(...scored.map((s) => s.score));
  const xs = scored.filter((s) => s.score === top).map((s) => s.x);
  if (xs.length === 0) return undefined;
  // The middle of the first run of equally good positions: the centre of the gutter.
  let end = 0;
  while (end + 1 < xs.length && xs[end + 1]! - xs[end]! <= 2.01) end++;
  return (xs[0]! + xs[end]!) / 2;
}

// Text columns are wide; a list of short labels beside values is a form, not two columns.
function columnar(side: readonly Placed[], pageWidth: number): boolean {
  const widths = side.map((l) => l.x1 - l.x0).sort((a, b) => a - b);
  return widths[Math.floor(widths.length / 2)]! >= pageWidth * 0.22;
}

function sideBySide(left: readonly Placed[], right: readonly Placed[]): boolean {
  const span = (s: readonly Placed[]) => [
    Math.min(...s.map((l) => l.top)),
    Math.max(...s.map((l) => l.bottom)),
  ];
  const [lt, lb] = span(left);
  const [rt, rb] = span(right);
  const overlap = Math.min(lb!, rb!) - Math.max(lt!, rt!);
  return overlap > 0.5 * Math.min(lb! - lt!, rb! - rt!);
}
