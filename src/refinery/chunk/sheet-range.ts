/**
 * A1 ranges as numbers and back, just enough to narrow a split table's range to its rows and to merge the
 * ranges of one chunk into one rectangle per sheet.
 */

export interface CellBox {
  readonly col0: number;
  readonly row0: number;
  readonly col1: number;
  readonly row1: number;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function columnLetters(n: number): string {
  let out = '';
  for (let m = n; m > 0; m = Math.floor((m - 1) / 26)) out = String.fromCharCode(65 + ((m - 1) % 26)) + out;
  return out;
}

/** `B3:D9`, `$B$3:$D$9` or a single cell `B3`; undefined for anything else (whole columns, named ranges). */
export function parseRange(range: string): CellBox | undefined {
  const m = /^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$/.exec(range.trim().toUpperCase());
  if (!m) return undefined;
  const col0 = columnNumber(m[1]!);
  const row0 = Number(m[2]);
  const col1 = m[3] ? columnNumber(m[3]) : col0;
  const row1 = m[4] ? Number(m[4]) : row0;
  return {
    col0: Math.min(col0, col1),
    row0: Math.min(row0, row1),
    col1: Math.max(col0, col1),
    row1: Math.max(row0, row1),
  };
}

export function formatRange(box: CellBox): string {
  const start = `${columnLetters(box.col0)}${box.row0}`;
  const end = `${columnLetters(box.col1)}${box.row1}`;
  return start === end ? start : `${start}:${end}`;
}

export function boundingBox(boxes: readonly CellBox[]): CellBox | undefined {
  if (boxes.length === 0) return undefined;
  return {
    col0: Math.min(...boxes.map((b) => b.col0)),
    row0: Math.min(...boxes.map((b) => b.row0)),
    col1: Math.max(...boxes.map((b) => b.col1)),
    row1: Math.max(...boxes.map((b) => b.row1)),
  };
}
