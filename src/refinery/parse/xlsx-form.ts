/**
 * 方眼紙 (graph-paper) sheets: a grid of narrow columns where merged ranges form a printed form. Each row's
 * merged ranges ("anchors") are read left to right: label/value pairs become "label: value" paragraphs, a
 * lone wide anchor on the first row is the form's title, and runs of rows sharing one column layout (a
 * checklist inside the form) become a table.
 */
import type { TableCell } from '../document/index.js';
import { type BlockDraft, detectHeaderRows, markHeaderRows, tableText } from '../structure/index.js';
import { a1Area } from './a1.js';
import { cellKey, type Rect, type SheetGrid } from './xlsx-regions.js';

interface Anchor {
  readonly rect: Rect;
  readonly text: string;
}

export function formDrafts(grid: SheetGrid, r: Rect, merges: readonly Rect[], sheet: string): BlockDraft[] {
  const byAnchor = new Map(merges.map((m) => [cellKey(m.top, m.left), m]));
  const rows: { row: number; anchors: Anchor[] }[] = [];
  for (let row = r.top; row <= r.bottom; row++) {
    const anchors = rowAnchors(grid, r, row, byAnchor);
    if (anchors.some((a) => a.text !== '')) rows.push({ row, anchors });
  }
  const drafts: BlockDraft[] = [];
  for (let i = 0; i < rows.length; ) {
    const run = sameLayoutRun(rows, i);
    if (run > 1 && !labelValuePairs(rows.slice(i, i + run).map((x) => x.anchors))) {
      drafts.push(
        checklist(
          rows.slice(i, i + run).map((x) => x.anchors),
          sheet,
        ),
      );
      i += run;
      continue;
    }
    drafts.push(...rowDrafts(rows[i]!.anchors, rows[i]!.row === r.top, r, sheet));
    i++;
  }
  return drafts;
}

function rowAnchors(grid: SheetGrid, r: Rect, row: number, byAnchor: ReadonlyMap<string, Rect>): Anchor[] {
  const anchors: Anchor[] = [];
  for (let col = r.left; col <= r.right; col++) {
    const key = cellKey(row, col);
    const m = byAnchor.get(key);
    const text = grid.text.get(key);
    if (m !== undefined) anchors.push({ rect: m, text: text ?? '' });
    else if (text !== undefined)
      anchors.push({ rect: { top: row, left: col, bottom: row, right: col }, text });
  }
  return anchors;
}

// How many rows from `start` share the same anchor columns, with at least three anchors each.
function sameLayoutRun(rows: readonly { row: number; anchors: Anchor[] }[], start: number): number {
  const layout = (anchors: readonly Anchor[]): string =>
    anchors.map((a) => `${a.rect.left}-${a.rect.right}`).join(',');
  const first = rows[start]!;
  if (first.anchors.length < 3) return 1;
  let n = 1;
  while (
    start + n < rows.length &&
    rows[start + n]!.row === first.row + n &&
    layout(rows[start + n]!.anchors) === layout(first.anchors)
  ) {
    n++;
  }
  return n;
}

/**
 * Rows of "label | value | label | value" share a layout too. They are pairs, not a checklist, when every
 * other anchor (the labels) is a short text without digits: 設備名, 点検日 — unlike 振動 | 1.9 in a table.
 */
function labelValuePairs(rows: readonly Anchor[][]): boolean {
  if (rows[0]!.length % 2 !== 0) return false;
  return rows.every((anchors) =>
    anchors.every(
      (a, i) => i % 2 === 1 || (a.text !== '' && [...a.text].length <= 12 && !/[0-9０-９]/.test(a.text)),
    ),
  );
}

function checklist(rows: readonly Anchor[][], sheet: string): BlockDraft {
  const plain: TableCell[][] = rows.map((anchors) => anchors.map((a) => ({ text: a.text })));
  const headerRows = detectHeaderRows(plain);
  const cells = markHeaderRows(plain, headerRows);
  const first = rows[0]![0]!.rect;
  const last = rows[rows.length - 1]!;
  const range = a1Area({
    top: first.top,
    left: first.left,
    bottom: last[0]!.rect.bottom,
    right: last[last.length - 1]!.rect.right,
  });
  return {
    kind: 'table',
    rows: cells,
    headerRows,
    headerColumns: 0,
    text: tableText(cells),
    location: { sheet, range },
  };
}

function rowDrafts(anchors: readonly Anchor[], firstRow: boolean, r: Rect, sheet: string): BlockDraft[] {
  if (anchors.length === 1) {
    const a = anchors[0]!;
    const location = { sheet, range: a1Area(a.rect) };
    const wide = a.rect.right - a.rect.left + 1 >= (r.right - r.left + 1) / 2;
    return [
      firstRow && wide
        ? { kind: 'heading', level: 2, text: a.text, location }
        : { kind: 'paragraph', text: a.text, location },
    ];
  }
  const drafts: BlockDraft[] = [];
  for (let i = 0; i < anchors.length; i += 2) {
    const label = anchors[i]!;
    const value = anchors[i + 1];
    if (label.text === '' && (value?.text ?? '') === '') continue;
    const text = value === undefined ? label.text : `${label.text.replace(/[:：]\s*$/, '')}: ${value.text}`;
    const rect =
      value === undefined
        ? label.rect
        : { ...label.rect, right: value.rect.right, bottom: Math.max(label.rect.bottom, value.rect.bottom) };
    drafts.push({ kind: 'paragraph', text, location: { sheet, range: a1Area(rect) } });
  }
  return drafts;
}
