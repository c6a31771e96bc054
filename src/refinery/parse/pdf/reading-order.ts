/**
 * Reading order on a page: one column, or two columns split at a gutter found from the x-coverage of
 * lines. Lines that cross the gutter (a full-width title above the columns, a wide figure caption)
 * split the page into bands; each band is read left column first, then right. A page without a gutter of
 * its own is cut at its full-width lines, and each part between them may have one.
 */
import type { Box } from './geometry.js';
import { caption, rowNumber } from './lines.js';

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
  let next = 2;
  return regionOrder(sorted, { left: 0, width: pageWidth, column: 0, fresh: () => next++, depth: 0 });
}

/**
 * Part of a page being read: its horizontal extent, the column number its lines get while it is one
 * column, and where new column numbers come from. The page is column 0, its right column 1; a column
 * split again (slides set boxes side by side, three across) gives its right part a number of its own.
 */
interface Region {
  readonly left: number;
  readonly width: number;
  readonly column: number;
  readonly fresh: () => number;
  readonly depth: number;
}

/** Slides nest boxes in boxes; three levels of columns are as deep as any page here goes. */
const maxDepth = 3;

function regionOrder<L extends Placed>(sorted: readonly L[], region: Region): Ordered<L>[] {
  if (region.depth > maxDepth) return sorted.map((line) => ({ line, column: region.column }));
  const gutter = findGutter(sorted, region.width, region.left);
  if (gutter !== undefined) return byColumns(sorted, gutter, region);
  // No gutter over the whole region: it may still hold a two-column part (notes under two figures side by
  // side, below full-width bullets). Lines wider than any column split it into slabs, each read with a
  // gutter of its own when it has one.
  const out: Ordered<L>[] = [];
  let slab: L[] = [];
  const captionRow = captionsSideBySide(sorted);
  const flush = () => {
    const own = slab.length === 0 ? undefined : findGutter(slab, region.width, region.left);
    const ordered =
      own === undefined
        ? slab.map((line) => ({ line, column: region.column }))
        : byColumns(slab, own, region);
    // A line across the slab's gutter is as wide as the full-width lines around it, whose column is the
    // region's: the last line of a paragraph begun above the slab stays in it.
    out.push(...ordered.map((o) => (o.column === -1 ? { ...o, column: region.column } : o)));
    slab = [];
  };
  for (const line of sorted) {
    if (line.x1 - line.x0 > fullWidth * region.width) {
      flush();
      out.push({ line, column: region.column });
      continue;
    }
    // Figures side by side start a part of their own: the text above them is not beside them.
    if (captionRow.has(line) && slab.some((l) => l.bottom <= line.top)) flush();
    slab.push(line);
  }
  flush();
  return out;
}

/** Caption lines with another caption on the same row: the heads of figures set side by side. */
function captionsSideBySide<L extends Placed>(sorted: readonly L[]): Set<L> {
  const captions = sorted.filter((l) => caption.test(l.text.trim()));
  const paired = new Set<L>();
  for (const a of captions)
    for (const b of captions)
      if (a !== b && Math.abs(a.top - b.top) < 0.5 * (a.bottom - a.top) && (a.x1 <= b.x0 || b.x1 <= a.x0))
        paired.add(a);
  return paired;
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

/**
 * Read left column first, then right; a line across the gutter ends the band above it. Each column is a
 * region of its own, read the same way: a column may itself hold boxes side by side.
 */
function byColumns<L extends Placed>(sorted: readonly L[], gutter: number, region: Region): Ordered<L>[] {
  const right = region.depth === 0 ? 1 : region.fresh();
  const across = region.depth === 0 ? -1 : region.column;
  const depth = region.depth + 1;
  const leftPart: Region = { ...region, width: gutter - region.left, depth };
  const rightPart: Region = {
    ...region,
    left: gutter,
    width: region.left + region.width - gutter,
    column: right,
    depth,
  };
  const out: Ordered<L>[] = [];
  let leftLines: L[] = [];
  let rightLines: L[] = [];
  const flush = () => {
    out.push(...regionOrder(leftLines, leftPart), ...regionOrder(rightLines, rightPart));
    leftLines = [];
    rightLines = [];
  };
  for (const line of sorted) {
    if (line.x1 <= gutter) leftLines.push(line);
    else if (line.x0 >= gutter) rightLines.push(line);
    else {
      flush();
      out.push({ line, column: across });
    }
  }
  flush();
  return out;
}

/**
 * The x of a gutter between two text columns, or undefined for a one-column page. `left` and `width` are
 * the part of the page searched (the whole page, or one of its columns).
 */
export function findGutter(lines: readonly Placed[], width: number, left = 0): number | undefined {
  const text = lines.filter((l) => [...l.text].length >= 2);
  if (text.length < 8) return undefined;
  const scored: { x: number; score: number }[] = [];
  for (let x = left + width * 0.3; x <= left + width * 0.7; x += 2) {
    const leftOf = text.filter((l) => l.x1 <= x);
    const rightOf = text.filter((l) => l.x0 >= x);
    const crossing = text.length - leftOf.length - rightOf.length;
    if (leftOf.length < 3 || rightOf.length < 3 || crossing > 0.25 * (leftOf.length + rightOf.length))
      continue;
    if (!columns(leftOf, rightOf, width) || !sideBySide(leftOf, rightOf)) continue;
    scored.push({ x, score: leftOf.length + rightOf.length - 3 * crossing });
  }
  const top = Math.max(...scored.map((s) => s.score));
  const xs = scored.filter((s) => s.score === top).map((s) => s.x);
  if (xs.length === 0) return undefined;
  // The middle of the widest run of equally good positions (the first of equals): the centre of the gutter,
  // not a gap between a chart's labels that happens to come first.
  let best = { from: xs[0]!, to: xs[0]! };
  let from = xs[0]!;
  for (let k = 1; k <= xs.length; k++) {
    if (k < xs.length && xs[k]! - xs[k - 1]! <= 2.01) continue;
    if (xs[k - 1]! - from > best.to - best.from) best = { from, to: xs[k - 1]! };
    if (k < xs.length) from = xs[k]!;
  }
  return (best.from + best.to) / 2;
}

/**
 * Text columns are wide; a list of short labels beside values is a form, not two columns. The right side
 * may be narrower when the left is running text (most of its lines close under one another) and the two
 * are not set row by row (a table's cells share rows): a slide's boxes of short lines beside a column of
 * text. Labels spaced down the left (a form's, a flow chart's stages) read across to what they label.
 */
function columns(left: readonly Placed[], right: readonly Placed[], width: number): boolean {
  // Figures side by side, each under its caption: their labels are short, but each figure reads whole.
  if (captioned(left) && captioned(right)) return true;
  const a = medianWidth(left) / width;
  const b = medianWidth(right) / width;
  if (Math.min(a, b) >= 0.22) return true;
  if (a < 0.22 || b < 0.12 || !running(left)) return false;
  const sharesRow = (l: Placed) =>
    left.some((o) => Math.abs(o.top - l.top) <= 0.1 * Math.min(o.bottom - o.top, l.bottom - l.top));
  return right.filter(sharesRow).length < right.length / 3;
}

/** Most lines sit right under the one before: running text, not labels spaced down the page. */
function running(side: readonly Placed[]): boolean {
  let close = 0;
  for (let i = 1; i < side.length; i++) {
    const gap = side[i]!.top - side[i - 1]!.bottom;
    if (gap < side[i]!.bottom - side[i]!.top) close++;
  }
  return close >= (side.length - 1) / 2;
}

/** The side's first line is a figure's or a table's caption. */
function captioned(side: readonly Placed[]): boolean {
  const first = side.reduce((a, b) => (b.top < a.top ? b : a));
  return caption.test(first.text.trim());
}

function medianWidth(side: readonly Placed[]): number {
  const widths = side.map((l) => l.x1 - l.x0).sort((a, b) => a - b);
  return widths[Math.floor(widths.length / 2)]!;
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
