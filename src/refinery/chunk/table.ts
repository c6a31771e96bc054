import type { TableBlock } from '../document/index.js';

/**
 * Tables as Markdown pipe rows. A merged label (測定値 over 基準 | 実測, P-101 over two rows) is repeated into
 * every grid position it covers so that each row read alone (as in a split table's later part) still says what
 * it means. A long merged text — a note across the table, or the legend of a chart whose gridlines were read as
 * a table — is written once, at its first position: repeated, it would multiply the table many times over.
 */

/** The longest merged text (in characters) still repeated into every position it covers. */
export const repeatedLabelChars = 40;

/** The table as a full grid of cell texts, spans expanded; short rows padded with empty cells. */
export function tableGrid(table: Pick<TableBlock, 'rows'>): string[][] {
  const grid: (string | undefined)[][] = [];
  table.rows.forEach((row, r) => {
    grid[r] ??= [];
    let c = 0;
    for (const cell of row) {
      while (grid[r]![c] !== undefined) c++;
      const rowSpan = Math.max(1, cell.rowSpan ?? 1);
      const colSpan = Math.max(1, cell.colSpan ?? 1);
      const repeated = [...cell.text].length <= repeatedLabelChars;
      for (let dr = 0; dr < rowSpan; dr++) {
        // A row span past the last row would invent rows: clip it.
        if (r + dr >= table.rows.length) break;
        grid[r + dr] ??= [];
        for (let dc = 0; dc < colSpan; dc++)
          grid[r + dr]![c + dc] = repeated || (dr === 0 && dc === 0) ? cell.text : '';
      }
      c += colSpan;
    }
  });
  const width = Math.max(0, ...grid.map((row) => row.length));
  return grid.map((row) => Array.from({ length: width }, (_, c) => row[c] ?? ''));
}

/**
 * The grid without the columns that are empty in every row: they say nothing, and a chart's gridlines read as a
 * table make dozens of them. A grid with no text at all is returned as it is.
 */
export function textColumns(grid: readonly (readonly string[])[]): string[][] {
  const width = grid[0]?.length ?? 0;
  const keep = Array.from({ length: width }, (_, c) => c).filter((c) =>
    grid.some((row) => (row[c] ?? '').trim() !== ''),
  );
  if (keep.length === 0 || keep.length === width) return grid.map((row) => [...row]);
  return grid.map((row) => keep.map((c) => row[c] ?? ''));
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>').trim();
}

export function pipeRow(cells: readonly string[]): string {
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

export interface RenderedTable {
  /** Header rows followed by the `| --- |` separator line; empty when the table has no header row. */
  readonly header: readonly string[];
  readonly body: readonly string[];
}

/** Header lines (header rows + separator) and body lines, one pipe row per table row. */
export function renderTable(table: Pick<TableBlock, 'rows' | 'headerRows'>): RenderedTable {
  const grid = textColumns(tableGrid(table));
  const headerCount = Math.min(table.headerRows, grid.length);
  const width = grid[0]?.length ?? 0;
  const header = grid.slice(0, headerCount).map(pipeRow);
  if (headerCount > 0) header.push(`|${' --- |'.repeat(width)}`);
  return { header, body: grid.slice(headerCount).map(pipeRow) };
}
