/**
 * Ruled tables: ruling lines that cross each other form a grid; a missing inner ruling means merged
 * cells (kept as rowSpan/colSpan on the anchor cell); runs whose centre falls in a cell are its text.
 */
import type { TableCell } from '../../document/index.js';
import { joinPieces } from './cjk.js';
import { type Box, centreIn } from './geometry.js';
import type { Ruling } from './graphics.js';
import { linesOf } from './lines.js';
import type { TextRun } from './runs.js';
import { unionFind } from './union-find.js';

export interface RuledTable extends Box {
  readonly rows: readonly (readonly TableCell[])[];
  readonly headerRows: number;
}

const snap = 2;

/** Tables on one page and the runs that are not inside any of them. */
export function tablesOf(
  rulings: readonly Ruling[],
  runs: readonly TextRun[],
): { tables: RuledTable[]; rest: TextRun[] } {
  const tables: RuledTable[] = [];
  let rest = [...runs];
  for (const group of connected(merge(rulings))) {
    const grid = gridOf(group);
    if (grid === undefined) continue;
    const inside = (r: TextRun) => centreIn(r, grid.box);
    const table = tableOf(grid, rest.filter(inside));
    if (table === undefined || plotArea(table)) continue;
    tables.push(table);
    rest = rest.filter((r) => !inside(r));
  }
  return { tables, rest };
}

/** A number, with the units and marks charts set beside values: 「1,044」, 「△9.2」, 「(2023年：n=173)」. */
const value = /^(?:[\s0-9０-９.,，．%％()（）+\-−–△▲~〜:：=n]|年度?|月|万|千|億|人|件|円|倍|pt)*$/u;

/**
 * A chart's gridlines and bars enclose a few scattered values: no cell names what a row or column holds, and
 * most of the rows that hold values are empty (or one row holds them all). Its text stays in the flow, where it reads as the
 * chart's labels. A full grid of values is a table whose header sits outside its rulings.
 */
function plotArea(table: RuledTable): boolean {
  const filled = table.rows.flat().filter((c) => c.text.trim() !== '');
  if (!filled.every((c) => value.test(c.text.trim()))) return false;
  // Rows with no text at all are the gaps between bars: the grid is judged on the rows that hold values.
  const rows = table.rows.filter((r) => r.some((c) => c.text.trim() !== ''));
  const slots = rows.length * Math.max(0, ...rows.map((r) => r.length));
  return rows.length < 2 || filled.length <= 0.6 * slots;
}

/** Joins collinear pieces of the same ruling (dashed or split lines). */
function merge(rulings: readonly Ruling[]): Ruling[] {
  const out: Ruling[] = [];
  const sorted = [...rulings].sort((a, b) =>
    a.axis < b.axis ? -1 : a.axis > b.axis ? 1 : a.at - b.at || a.from - b.from,
  );
  for (const r of sorted) {
    const same = out.findLast(
      (o) => o.axis === r.axis && Math.abs(o.at - r.at) <= 1 && r.from <= o.to + snap,
    );
    if (same) out[out.indexOf(same)] = { ...same, to: Math.max(same.to, r.to) };
    else out.push(r);
  }
  return out;
}

function crosses(h: Ruling, v: Ruling): boolean {
  return v.at >= h.from - 3 && v.at <= h.to + 3 && h.at >= v.from - 3 && h.at <= v.to + 3;
}

function connected(rulings: readonly Ruling[]): Ruling[][] {
  const { find, join } = unionFind(rulings.length);
  for (let i = 0; i < rulings.length; i++) {
    for (let j = i + 1; j < rulings.length; j++) {
      const a = rulings[i]!;
      const b = rulings[j]!;
      if (a.axis === b.axis) continue;
      if (crosses(a.axis === 'h' ? a : b, a.axis === 'h' ? b : a)) join(i, j);
    }
  }
  const groups = new Map<number, Ruling[]>();
  rulings.forEach((r, i) => {
    const k = find(i);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  });
  return [...groups.values()];
}

interface Grid {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly rulings: readonly Ruling[];
  readonly box: Box;
}

function gridOf(group: readonly Ruling[]): Grid | undefined {
  const xs = cluster(group.filter((r) => r.axis === 'v').map((r) => r.at));
  const ys = cluster(group.filter((r) => r.axis === 'h').map((r) => r.at));
  if (xs.length < 2 || ys.length < 2 || xs.length * ys.length < 6) return undefined;
  const box = { x0: xs[0]!, top: ys[0]!, x1: xs[xs.length - 1]!, bottom: ys[ys.length - 1]! };
  if (box.x1 - box.x0 < 20 || box.bottom - box.top < 10) return undefined;
  return { xs, ys, rulings: group, box };
}

function cluster(values: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of [...values].sort((a, b) => a - b)) {
    if (out.length === 0 || v - out[out.length - 1]! > snap) out.push(v);
  }
  return out;
}

function ruled(grid: Grid, axis: 'h' | 'v', at: number, from: number, to: number): boolean {
  const need = (to - from) * 0.6;
  return grid.rulings.some(
    (r) =>
      r.axis === axis && Math.abs(r.at - at) <= snap && Math.min(r.to, to) - Math.max(r.from, from) >= need,
  );
}

interface Span {
  row: number;
  col: number;
  rowEnd: number;
  colEnd: number;
}

/** Cells after merging across missing inner rulings; each span is one cell. */
function spansOf(grid: Grid): Span[] {
  const { xs, ys } = grid;
  const rows = ys.length - 1;
  const cols = xs.length - 1;
  const { find, join } = unionFind(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (j + 1 < cols && !ruled(grid, 'v', xs[j + 1]!, ys[i]!, ys[i + 1]!))
        join(i * cols + j, i * cols + j + 1);
      if (i + 1 < rows && !ruled(grid, 'h', ys[i + 1]!, xs[j]!, xs[j + 1]!))
        join(i * cols + j, (i + 1) * cols + j);
    }
  }
  const spans = new Map<number, Span>();
  for (let k = 0; k < rows * cols; k++) {
    const i = Math.floor(k / cols);
    const j = k % cols;
    const s = spans.get(find(k));
    if (s === undefined) spans.set(find(k), { row: i, col: j, rowEnd: i, colEnd: j });
    else {
      s.row = Math.min(s.row, i);
      s.col = Math.min(s.col, j);
      s.rowEnd = Math.max(s.rowEnd, i);
      s.colEnd = Math.max(s.colEnd, j);
    }
  }
  return [...spans.values()].sort((a, b) => a.row - b.row || a.col - b.col);
}

/**
 * The grid with rows its rulings leave out: a list ruled only down its columns and round its frame (an
 * ingredient table in a standard) sets each row apart by a band of white across every column, wider than the
 * leading between the lines of one cell. A band is split only when every row it gives starts with a text in
 * the first column and fills two columns at least, so the paragraphs of a cell (bullets down a 留意点 column)
 * stay together. The rows made so carry no drawn ruling: `drawn` holds the lines the page has.
 */
function withUnruledRows(
  grid: Grid,
  runs: readonly TextRun[],
): Grid & { readonly drawn: ReadonlySet<number> } {
  const drawn = new Set(grid.ys);
  const added: number[] = [];
  for (let i = 0; i + 1 < grid.ys.length; i++) {
    const band = { x0: grid.box.x0, x1: grid.box.x1, top: grid.ys[i]!, bottom: grid.ys[i + 1]! };
    const inBand = runs.filter((r) => r.text.trim() !== '' && centreIn(r, band));
    if (inBand.length < 4) continue;
    const sizes = inBand.map((r) => r.size).sort((a, b) => a - b);
    const gap = 0.75 * sizes[Math.floor(sizes.length / 2)]!;
    const cuts = gutters(inBand, gap);
    if (cuts.length === 0) continue;
    const edges = [band.top, ...cuts, band.bottom];
    const rows = edges.slice(1).map((bottom, k) => ({ top: edges[k]!, bottom }));
    const filled = (row: { top: number; bottom: number }, col: number) =>
      inBand.some((r) => centreIn(r, { ...row, x0: grid.xs[col]!, x1: grid.xs[col + 1]! }));
    const columns = grid.xs.length - 1;
    const rowLike = (row: { top: number; bottom: number }) =>
      filled(row, 0) &&
      Array.from({ length: columns }, (_, c) => c).filter((c) => filled(row, c)).length >= 2;
    if (rows.every(rowLike)) added.push(...cuts);
  }
  if (added.length === 0) return { ...grid, drawn };
  const across = added.map((at): Ruling => ({ axis: 'h', at, from: grid.box.x0, to: grid.box.x1 }));
  return {
    ...grid,
    ys: [...grid.ys, ...added].sort((a, b) => a - b),
    rulings: [...grid.rulings, ...across],
    drawn,
  };
}

/** Middles of the white bands at least `gap` tall between the runs' vertical extents. */
function gutters(runs: readonly TextRun[], gap: number): number[] {
  const spans = runs.map((r) => [r.top, r.bottom] as const).sort((a, b) => a[0] - b[0]);
  const cuts: number[] = [];
  let reach = spans[0]![1];
  for (const [top, bottom] of spans.slice(1)) {
    if (top - reach >= gap) cuts.push((top + reach) / 2);
    reach = Math.max(reach, bottom);
  }
  return cuts;
}

function tableOf(ruledGrid: Grid, runs: readonly TextRun[]): RuledTable | undefined {
  const grid = withUnruledRows(ruledGrid, runs);
  const spans = spansOf(grid);
  const rowCount = grid.ys.length - 1;
  const cells = spans.map((s) => {
    const box = {
      x0: grid.xs[s.col]!,
      x1: grid.xs[s.colEnd + 1]!,
      top: grid.ys[s.row]!,
      bottom: grid.ys[s.rowEnd + 1]!,
    };
    const text = linesOf(runs.filter((r) => centreIn(r, box)))
      .map((l) => l.text)
      .reduce(joinPieces, '');
    return { span: s, text };
  });
  // A frame with a coloured bar beside the text is a box, not a table: some row must hold two texts.
  const rowsWithTwo = new Set(cells.filter((c) => c.text !== '').map((c) => c.span.row));
  const twoInARow = [...rowsWithTwo].some(
    (r) => cells.filter((c) => c.span.row === r && c.text !== '').length >= 2,
  );
  // Chart gridlines enclose a few numbers in a mostly empty grid.
  const filled = cells.filter((c) => c.text !== '').length;
  if (!twoInARow || filled < 0.3 * cells.length) return undefined;
  // A table's rulings bound its cells, so most grid positions are cells of their own (a merged header or a
  // label down a column spans a few). Bar edges and gridlines cut a chart far finer than its labels.
  if (spans.length < 0.25 * rowCount * (grid.xs.length - 1)) return undefined;
  // A header is ruled off from the rows under it: a row set apart by white alone is a row of the list.
  const headerRows = grid.drawn.has(grid.ys[1]!) ? headerRowsOf(spans, rowCount) : 0;
  const rows: TableCell[][] = Array.from({ length: rowCount }, () => []);
  for (const { span, text } of cells) {
    const rowSpan = span.rowEnd - span.row + 1;
    const colSpan = span.colEnd - span.col + 1;
    rows[span.row]!.push({
      text,
      ...(rowSpan > 1 ? { rowSpan } : {}),
      ...(colSpan > 1 ? { colSpan } : {}),
      ...(span.row < headerRows ? { header: true } : {}),
    });
  }
  return { ...grid.box, rows, headerRows };
}

/**
 * Header rows: the first row, and one more below each row whose cells group the columns under them (仕様 over
 * 最小 | 最大). A cell reaching down from the first row (項目 beside that grouping, or a label running down the
 * whole table) does not make the rows it covers headers by itself: a whole table would otherwise be header.
 */
function headerRowsOf(spans: readonly Span[], rowCount: number): number {
  if (rowCount < 2) return 0;
  let depth = 1;
  // A cell over several columns that the row below splits into two or more cells.
  const splitBelow = (s: Span) =>
    spans.filter((t) => t.row === s.rowEnd + 1 && t.col >= s.col && t.col <= s.colEnd).length >= 2;
  const groups = (row: number) =>
    spans.some((s) => s.row === row && s.rowEnd === row && s.colEnd > s.col && splitBelow(s));
  while (depth < rowCount - 1 && groups(depth - 1)) depth++;
  return depth;
}
