/**
 * XLSX via exceljs. Each visible sheet is a section (a heading with the sheet name); its content is split
 * into regions at empty rows and columns. A region is a table (merged cells kept as spans on the anchor,
 * header rows detected) unless it is a 方眼紙-style form — mostly merged cells laid out as label/value
 * pairs — whose pairs become paragraphs "label: value". A cell's note follows its region. Location: sheet and
 * A1 range.
 */
import type ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import type { Parser, TableCell } from '../document/index.js';
import {
  type BlockDraft,
  buildBlocks,
  detectHeaderRows,
  markHeaderRows,
  tableText,
} from '../structure/index.js';
import { a1, a1Area, a1Range, parseA1 } from './a1.js';
import { defaultZipLimits, readZip, type ZipLimits } from './archive.js';
import { CorruptFile } from './errors.js';
import { formDrafts } from './xlsx-form.js';
import { cellKey, type Rect, regionsOf, type SheetGrid } from './xlsx-regions.js';

type Worksheet = ExcelJS.Worksheet;

// exceljs takes a third of a second to load: loaded on the first workbook, not by every thread that parses.
let excel: Promise<typeof ExcelJS> | undefined;
const loadExcel = () => {
  excel ??= import('exceljs').then((m) => m.default);
  return excel;
};

/** An XLSX parser with the given zip limits (enforced before exceljs sees the workbook). */
export function xlsxParser(limits: ZipLimits = defaultZipLimits): Parser {
  return async (bytes, source) => {
    // exceljs inflates on its own, unbounded: it gets a stored (uncompressed) copy of the entries that
    // fflate inflated within the checked limits, so a lying size header cannot get past them.
    const entries = readZip(bytes, source.uri, () => true, limits);
    const stored = zipSync(Object.fromEntries(entries), { level: 0 });
    const { Workbook, ValueType } = await loadExcel();
    const book = new Workbook();
    try {
      await book.xlsx.load(
        Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength) as unknown as ArrayBuffer,
      );
    } catch (e) {
      const reason = `not a readable workbook (${e instanceof Error ? e.message : String(e)})`;
      throw new CorruptFile(source.uri, reason, { cause: e });
    }
    const drafts = book.worksheets
      .filter((ws) => ws.state === 'visible')
      .flatMap((ws) => sheetDrafts(ws, ValueType.Merge));
    const title = book.title === '' ? undefined : book.title;
    return { source, metadata: title === undefined ? {} : { title }, blocks: buildBlocks(drafts) };
  };
}

export const parseXlsx: Parser = xlsxParser();

function sheetDrafts(ws: Worksheet, merge: ExcelJS.ValueType): BlockDraft[] {
  const grid = gridOf(ws, merge);
  const regions = regionsOf(grid);
  if (regions.length === 0) return [];
  const heading: BlockDraft = { kind: 'heading', level: 1, text: ws.name, location: { sheet: ws.name } };
  return [
    heading,
    ...regions.flatMap((r) => [...regionDrafts(grid, r, ws.name), ...noteDrafts(grid, r, ws.name)]),
  ];
}

/**
 * A cell's note (the comment shown on hover: 「校正後に再測定」 on a measured value) follows the table or form
 * holding the cell, named by the cell and its value: 「[B5 12.5] 校正後に再測定」.
 */
function noteDrafts(grid: SheetGrid, r: Rect, sheet: string): BlockDraft[] {
  const found: { row: number; col: number; note: string }[] = [];
  for (const [key, note] of grid.notes ?? []) {
    const [row, col] = key.split(',').map(Number) as [number, number];
    if (row >= r.top && row <= r.bottom && col >= r.left && col <= r.right) found.push({ row, col, note });
  }
  return found
    .sort((a, b) => a.row - b.row || a.col - b.col)
    .map(({ row, col, note }): BlockDraft => {
      const value = grid.text.get(cellKey(row, col)) ?? '';
      const label = value === '' || [...value].length > 20 ? a1(row, col) : `${a1(row, col)} ${value}`;
      return { kind: 'paragraph', text: `[${label}] ${note}`, location: { sheet, range: a1(row, col) } };
    });
}

function regionDrafts(grid: SheetGrid, r: Rect, sheet: string): BlockDraft[] {
  const anchors = [...grid.text.keys()].filter((k) => {
    const [row, col] = k.split(',').map(Number) as [number, number];
    return row >= r.top && row <= r.bottom && col >= r.left && col <= r.right;
  });
  if (anchors.length === 1) {
    // A lone cell is text, not a 1×1 table; merged wide and short, it is a form's title.
    const text = grid.text.get(anchors[0]!)!;
    const location = { sheet, range: a1Area(r) };
    const title = r.right - r.left + 1 >= 4 && r.top === r.bottom && [...text].length <= 40;
    return [title ? { kind: 'heading', level: 2, text, location } : { kind: 'paragraph', text, location }];
  }
  return isForm(grid, r) ? formDrafts(grid, r, mergesIn(grid, r), sheet) : [tableDraft(grid, r, sheet)];
}

/** The sheet's non-empty cells; `merge` is exceljs's type of the cells a merge covers (skipped). */
function gridOf(ws: Worksheet, merge: ExcelJS.ValueType): SheetGrid {
  const text = new Map<string, string>();
  const notes = new Map<string, string>();
  let bounds: Rect | undefined;
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
      if (cell.type === merge) return;
      const value = cellText(cell);
      if (value === '') return;
      const r = rowNumber - 1;
      const c = colNumber - 1;
      text.set(cellKey(r, c), value);
      const note = noteText(cell.note);
      if (note !== '') notes.set(cellKey(r, c), note);
      bounds = grow(bounds, { top: r, left: c, bottom: r, right: c });
    });
  });
  const merges = (ws.model.merges ?? []).flatMap((ref): Rect[] => {
    const [from, to] = ref.split(':');
    const a = parseA1(from ?? '');
    const b = parseA1(to ?? from ?? '');
    return a === undefined || b === undefined
      ? []
      : [{ top: a.row, left: a.col, bottom: b.row, right: b.col }];
  });
  for (const m of merges) if (text.has(cellKey(m.top, m.left))) bounds = grow(bounds, m);
  return { text, merges, bounds, notes };
}

/** A note as plain text: a string, or rich text's runs joined; lines kept, blank ones dropped. */
function noteText(note: ExcelJS.Cell['note'] | undefined): string {
  const raw =
    typeof note === 'string'
      ? note
      : (note?.texts ?? []).map((t) => (typeof t === 'string' ? t : (t.text ?? ''))).join('');
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n');
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && v !== null && 'result' in v && v.result instanceof Date) {
    return v.result.toISOString().slice(0, 10);
  }
  return cell.text.trim();
}

function grow(a: Rect | undefined, b: Rect): Rect {
  if (a === undefined) return b;
  return {
    top: Math.min(a.top, b.top),
    left: Math.min(a.left, b.left),
    bottom: Math.max(a.bottom, b.bottom),
    right: Math.max(a.right, b.right),
  };
}

function mergesIn(grid: SheetGrid, r: Rect): Rect[] {
  return grid.merges.filter(
    (m) => m.top >= r.top && m.bottom <= r.bottom && m.left >= r.left && m.right <= r.right,
  );
}

/** 方眼紙: most filled anchors are merged ranges and the region is wide in (narrow) columns. */
function isForm(grid: SheetGrid, r: Rect): boolean {
  const merges = mergesIn(grid, r);
  let anchors = 0;
  for (let row = r.top; row <= r.bottom; row++) {
    for (let col = r.left; col <= r.right; col++) if (grid.text.has(cellKey(row, col))) anchors++;
  }
  const mergedAnchors = merges.filter((m) => grid.text.has(cellKey(m.top, m.left))).length;
  return anchors >= 3 && mergedAnchors / anchors >= 0.6 && r.right - r.left + 1 >= 8;
}

function tableDraft(grid: SheetGrid, r: Rect, sheet: string): BlockDraft {
  const merges = mergesIn(grid, r);
  const byAnchor = new Map(merges.map((m) => [cellKey(m.top, m.left), m]));
  const covered = new Set<string>();
  for (const m of merges) {
    for (let row = m.top; row <= m.bottom; row++) {
      for (let col = m.left; col <= m.right; col++)
        if (row !== m.top || col !== m.left) covered.add(cellKey(row, col));
    }
  }
  const plain: TableCell[][] = [];
  for (let row = r.top; row <= r.bottom; row++) {
    const cells: TableCell[] = [];
    for (let col = r.left; col <= r.right; col++) {
      if (covered.has(cellKey(row, col))) continue;
      const m = byAnchor.get(cellKey(row, col));
      const rowSpan = m === undefined ? 1 : m.bottom - m.top + 1;
      const colSpan = m === undefined ? 1 : m.right - m.left + 1;
      cells.push({
        text: grid.text.get(cellKey(row, col)) ?? '',
        ...(rowSpan > 1 ? { rowSpan } : {}),
        ...(colSpan > 1 ? { colSpan } : {}),
      });
    }
    plain.push(cells);
  }
  const headerRows = detectHeaderRows(plain);
  const rows = markHeaderRows(plain, headerRows);
  const location = { sheet, range: a1Range(r.top, r.left, r.bottom, r.right) };
  return { kind: 'table', rows, headerRows, headerColumns: 0, text: tableText(rows), location };
}
