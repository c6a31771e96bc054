/**
 * Finds the tables and forms on a sheet grid: the used area is split at fully empty rows, then at fully
 * empty columns, recursively, so side-by-side and stacked tables come out separately. A merged range counts
 * as filled across its whole area, so a split never cuts through one.
 */

export interface Rect {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export interface SheetGrid {
  /** Cell text by "row,col" (0-based), anchors only; merged-away cells are absent. */
  readonly text: ReadonlyMap<string, string>;
  /** Merged ranges, 0-based inclusive. */
  readonly merges: readonly Rect[];
  readonly bounds: Rect | undefined;
  /** Cell notes (comments) by "row,col": exceljs keeps those of cells that hold a value. */
  readonly notes?: ReadonlyMap<string, string>;
}

export const cellKey = (row: number, col: number): string => `${row},${col}`;

/** Rectangles of content, top-to-bottom then left-to-right. */
export function regionsOf(grid: SheetGrid): Rect[] {
  if (grid.bounds === undefined) return [];
  const filled = filledCells(grid);
  return split(grid.bounds, (r, c) => filled.has(cellKey(r, c)));
}

function filledCells(grid: SheetGrid): Set<string> {
  const filled = new Set<string>();
  for (const [key, text] of grid.text) if (text.trim() !== '') filled.add(key);
  for (const m of grid.merges) {
    if ((grid.text.get(cellKey(m.top, m.left)) ?? '').trim() === '') continue;
    for (let r = m.top; r <= m.bottom; r++) for (let c = m.left; c <= m.right; c++) filled.add(cellKey(r, c));
  }
  return filled;
}

function split(rect: Rect, filled: (r: number, c: number) => boolean): Rect[] {
  const rowUsed = (r: number): boolean => range(rect.left, rect.right).some((c) => filled(r, c));
  const colUsed = (c: number, top: number, bottom: number): boolean =>
    range(top, bottom).some((r) => filled(r, c));
  const bands = runs(rect.top, rect.bottom, rowUsed);
  if (bands.length === 0) return [];
  if (bands.length > 1) {
    return bands.flatMap(([top, bottom]) => split({ ...rect, top, bottom }, filled));
  }
  const [top, bottom] = bands[0]!;
  const columns = runs(rect.left, rect.right, (c) => colUsed(c, top, bottom));
  if (columns.length === 1 && top === rect.top && bottom === rect.bottom) {
    const [left, right] = columns[0]!;
    return [{ top, bottom, left, right }];
  }
  return columns.flatMap(([left, right]) => split({ top, bottom, left, right }, filled));
}

// Maximal runs of consecutive indices in [from, to] for which `used` holds.
function runs(from: number, to: number, used: (i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let start: number | undefined;
  for (let i = from; i <= to + 1; i++) {
    const u = i <= to && used(i);
    if (u && start === undefined) start = i;
    if (!u && start !== undefined) {
      out.push([start, i - 1]);
      start = undefined;
    }
  }
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
