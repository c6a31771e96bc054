/**
 * A table carried on from one page to the next without its header row printed again (a long list in a
 * standard) reads, on the new page, as rows with no column names: a chunk of them would not say what its
 * numbers are. The header is taken from where the table started. A table counts as carried on when it is the
 * first thing on its page, right after a table that ended the page before, as wide, as many columns across,
 * with no caption or header of its own.
 */
import type { TableCell } from '../../document/index.js';
import type { BlockDraft } from '../../structure/index.js';
import { rowsAsText } from './blocks.js';

type TableDraft = BlockDraft & { readonly kind: 'table' };

export function withCarriedHeaders(drafts: readonly BlockDraft[]): BlockDraft[] {
  const out: BlockDraft[] = [];
  for (const draft of drafts) {
    const before = out.at(-1);
    out.push(
      draft.kind === 'table' && before?.kind === 'table' && carriesOn(before, draft)
        ? withHeaderOf(before, draft)
        : draft,
    );
  }
  return out;
}

function carriesOn(before: TableDraft, table: TableDraft): boolean {
  const [a, b] = [before.location, table.location];
  if (a.page === undefined || b.page !== a.page + 1 || a.bbox === undefined || b.bbox === undefined)
    return false;
  if (table.headerRows > 0 || table.caption !== undefined || before.headerRows === 0) return false;
  const sameEdges = Math.abs(a.bbox[0] - b.bbox[0]) <= 3 && Math.abs(a.bbox[2] - b.bbox[2]) <= 3;
  return sameEdges && columnsOf(before.rows) === columnsOf(table.rows);
}

function columnsOf(rows: readonly (readonly TableCell[])[]): number {
  return Math.max(0, ...rows.map((r) => r.reduce((n, c) => n + (c.colSpan ?? 1), 0)));
}

function withHeaderOf(before: TableDraft, table: TableDraft): TableDraft {
  const header = before.rows.slice(0, before.headerRows);
  const rows = [...header, ...table.rows];
  return {
    ...table,
    rows,
    headerRows: before.headerRows,
    ...(before.caption === undefined ? {} : { caption: before.caption }),
    text: rowsAsText(rows, before.caption),
  };
}
