/**
 * Table helpers shared by every format: a plain-text rendering for search and display, and header-row
 * detection for sources that do not mark headers (CSV, XLSX, most DOCX).
 */
import type { TableCell } from '../document/index.js';

/** One line per row, cells separated by " | "; merged cells appear once, on their anchor. */
export function tableText(rows: readonly (readonly TableCell[])[], caption?: string): string {
  const body = rows.map((r) => r.map((c) => c.text.replace(/\s*\n\s*/g, ' ')).join(' | ')).join('\n');
  return caption === undefined || caption === '' ? body : `${caption}\n${body}`;
}

const numberLike = /^[-+±]?[\d０-９,，.．]+(?:[%％]|[a-zA-Zμ°℃Ω/]+)?$|^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?$/;

/**
 * How many leading rows are headers: the first row when it is all non-empty labels and some later row
 * holds a number (or the first row is all distinct labels over ≥ 2 columns), extended down by the row
 * spans of its merged cells (a two-level header: 測定値 spanning 基準 | 実測).
 */
export function detectHeaderRows(rows: readonly (readonly TableCell[])[]): number {
  const first = rows[0];
  if (first === undefined || rows.length < 2 || first.length === 0) return 0;
  if (first.some((c) => c.text.trim() === '' || numberLike.test(c.text.trim()))) return 0;
  const labels = first.map((c) => c.text.trim());
  const distinct = new Set(labels).size === labels.length;
  const laterNumbers = rows.slice(1).some((r) => r.some((c) => numberLike.test(c.text.trim())));
  const spanned = first.some((c) => (c.colSpan ?? 1) > 1 || (c.rowSpan ?? 1) > 1);
  const width = first.reduce((n, c) => n + (c.colSpan ?? 1), 0);
  // A one-column pair (担当 over 山田) is a form's labelled field: a short label above its value. Longer
  // one-column runs are lists, whose first item is no header.
  const field =
    width === 1 && rows.length === 2 && isFieldLabel(labels[0]!) && rows[1]!.some((c) => c.text.trim());
  if (!(laterNumbers || spanned || field || (distinct && width >= 2))) return 0;
  const depth = Math.max(...first.map((c) => c.rowSpan ?? 1));
  return Math.min(depth, rows.length - 1);
}

/** A form's field name: a few characters, no sentence punctuation. */
function isFieldLabel(text: string): boolean {
  return [...text].length <= 8 && !/[。、，,.．!！?？]/.test(text);
}

/** Marks the first `headerRows` rows' cells as headers. */
export function markHeaderRows(rows: readonly (readonly TableCell[])[], headerRows: number): TableCell[][] {
  return rows.map((r, i) => r.map((c) => (i < headerRows ? { ...c, header: true } : c)));
}
