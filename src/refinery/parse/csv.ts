/**
 * CSV and TSV (RFC 4180 quoting: quoted fields may hold delimiters, "" and newlines). The encoding is
 * detected (UTF-8 ± BOM, UTF-16 with BOM as Excel's "Unicode text" writes it, Shift_JIS, EUC-JP). The whole
 * file becomes one table block: sheet = file name, A1 range, plus the character span and lines.
 */
import type { Parser, TableCell } from '../document/index.js';
import { buildBlocks, detectHeaderRows, markHeaderRows, tableText } from '../structure/index.js';
import { a1Range } from './a1.js';
import { decodeText } from './encoding.js';
import { EmptyFile } from './errors.js';

export interface CsvRecord {
  readonly fields: readonly string[];
  /** UTF-16 offsets of the record in the text, terminator excluded. */
  readonly start: number;
  readonly end: number;
}

/** Splits delimited text into records following RFC 4180; tolerant of bare quotes inside unquoted fields. */
export function parseDelimited(text: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let recordStart = 0;
  let i = 0;
  const endRecord = (end: number): void => {
    fields.push(field);
    records.push({ fields, start: recordStart, end });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && field === '') {
      const close = quotedEnd(text, i + 1);
      field = text.slice(i + 1, close).replace(/""/g, '"');
      i = close + 1;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord(i);
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      recordStart = i;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) endRecord(text.length);
  return records;
}

// Index of the closing quote of a field opened just before `from` ("" is an escaped quote).
function quotedEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1) return text.length;
    if (text[q + 1] === '"') {
      i = q + 2;
      continue;
    }
    return q;
  }
}

function parseDelimitedFile(delimiter: ',' | '\t'): Parser {
  return async (bytes, source) => {
    const { text, encoding } = decodeText(bytes, source.uri);
    const records = parseDelimited(text, delimiter).filter((r) => r.fields.some((f) => f.trim() !== ''));
    if (records.length === 0) throw new EmptyFile(source.uri);
    const width = Math.max(...records.map((r) => r.fields.length));
    const plain: TableCell[][] = records.map((r) => r.fields.map((text) => ({ text })));
    const headerRows = detectHeaderRows(plain);
    const rows = markHeaderRows(plain, headerRows);
    const sheet = fileName(source.uri);
    const first = records[0]!;
    const last = records[records.length - 1]!;
    const blocks = buildBlocks([
      {
        kind: 'table',
        rows,
        headerRows,
        headerColumns: 0,
        text: tableText(rows),
        location: {
          sheet,
          range: a1Range(0, 0, records.length - 1, width - 1),
          span: [first.start, last.end],
          lines: [lineOf(text, first.start), lineOf(text, last.end)],
        },
      },
    ]);
    return { source, metadata: { encoding }, blocks };
  };
}

export const parseCsv: Parser = parseDelimitedFile(',');
export const parseTsv: Parser = parseDelimitedFile('\t');

function fileName(uri: string): string {
  return uri.split(/[\\/]/).pop() ?? uri;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}
