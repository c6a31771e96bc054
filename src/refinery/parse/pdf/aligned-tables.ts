/**
 * Tables without rulings: three or more consecutive rows, each split into short pieces by wide gaps,
 * whose pieces start at the same few x positions. Checked only on one-column pages, where two pieces
 * side by side cannot be two text columns.
 */
import type { TableCell } from '../../document/index.js';
import { joinPieces } from './cjk.js';
import { union } from './geometry.js';
import type { Line } from './lines.js';
import { findGutter } from './reading-order.js';
import type { RuledTable } from './tables.js';

const maxCellChars = 40;
const tolerance = 6;

/** Aligned-text tables on a page and the lines outside them. */
export function alignedTables(
  lines: readonly Line[],
  pageWidth: number,
): { tables: RuledTable[]; rest: Line[] } {
  if (findGutter(lines, pageWidth) !== undefined) return { tables: [], rest: [...lines] };
  const tables: RuledTable[] = [];
  const used = new Set<Line>();
  let run: Line[][] = [];
  const flush = () => {
    const table = run.length >= 3 ? tableOf(run) : undefined;
    if (table) {
      tables.push(table);
      for (const row of run) for (const l of row) used.add(l);
    }
    run = [];
  };
  for (const row of rowsOf(lines)) {
    const prev = run[run.length - 1];
    const size = row[0]!.size;
    const tabular = row.length >= 2 && row.every((l) => [...l.text].length <= maxCellChars);
    const near = prev === undefined || row[0]!.top - Math.max(...prev.map((l) => l.bottom)) <= 2 * size;
    if (!tabular || !near) flush();
    if (tabular) run.push(row);
  }
  flush();
  return { tables, rest: lines.filter((l) => !used.has(l)) };
}

function rowsOf(lines: readonly Line[]): Line[][] {
  const rows: Line[][] = [];
  for (const line of [...lines].sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0)) {
    const row = rows[rows.length - 1];
    if (row && Math.abs(row[0]!.baseline - line.baseline) <= 0.3 * line.size) row.push(line);
    else rows.push([line]);
  }
  return rows.map((r) => r.sort((a, b) => a.x0 - b.x0));
}

function columnStarts(rows: readonly Line[][]): number[] {
  const xs = rows
    .flat()
    .map((l) => l.x0)
    .sort((a, b) => a - b);
  const groups: number[][] = [];
  for (const x of xs) {
    const g = groups[groups.length - 1];
    if (g && x - g[g.length - 1]! <= tolerance) g.push(x);
    else groups.push([x]);
  }
  // A column is a start shared by at least half of the rows.
  return groups.filter((g) => g.length * 2 >= rows.length).map((g) => g[0]!);
}

function tableOf(rows: readonly Line[][]): RuledTable | undefined {
  const starts = columnStarts(rows);
  const pieces = rows.flat();
  const aligned = pieces.filter((l) => starts.some((x) => Math.abs(l.x0 - x) <= tolerance)).length;
  if (starts.length < 2 || aligned < 0.9 * pieces.length) return undefined;
  if (starts.length === 2 && rows.length < 4) return undefined;
  const column = (l: Line) => {
    let best = 0;
    starts.forEach((x, i) => {
      if (l.x0 >= x - tolerance) best = i;
    });
    return best;
  };
  const cells: TableCell[][] = rows.map((row, r) =>
    starts.map((_, c) => ({
      text: row
        .filter((l) => column(l) === c)
        .map((l) => l.text)
        .reduce(joinPieces, ''),
      ...(r === 0 ? { header: true } : {}),
    })),
  );
  return { ...union(pieces), rows: cells, headerRows: 1 };
}
