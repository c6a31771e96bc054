/**
 * From lines in reading order to block drafts: headings (tag tree, numbering, size, weight), steps and
 * cautions (classified on the raw text, before any NFKC), list items and paragraphs with their wrapped
 * lines joined the Japanese way. Ids, heading paths and step procedures are derived by `buildBlocks`.
 */
import type { TableCell } from '../../document/index.js';
import { type BlockDraft, classifyLine, isProcedureTitle, type LineClass } from '../../structure/index.js';
import { joinPieces } from './cjk.js';
import { type Box, bboxOf, union } from './geometry.js';
import type { Line } from './lines.js';
import { isLarger, sizeLevel, type Typography } from './style.js';
import type { RuledTable } from './tables.js';

export type FlowItem =
  | { readonly kind: 'line'; readonly page: number; readonly column: number; readonly line: Line }
  | { readonly kind: 'table'; readonly page: number; readonly table: RuledTable; readonly caption?: string }
  | { readonly kind: 'no-text'; readonly page: number; readonly box: Box };

interface Open {
  readonly start: Line;
  readonly page: number;
  readonly column: number;
  readonly lines: Line[];
  readonly make: (
    text: string,
    location: { page: number; bbox: readonly [number, number, number, number] },
  ) => BlockDraft;
  /** Headings and list items take continuation lines only in narrow cases. */
  readonly role: 'heading' | 'item' | 'text';
}

const bullet = /^[・●○■□◆◇•▪◦‣⚫⚪➢➤►▶▸✓✔]/u;
const tocEntry = /(?:[.．…・‥·]{3,}|\s{2,})\s*[0-9０-９]{1,4}$/;
const sentenceEnd = /[。．.!！?？)）」』]$/;

/** Block drafts in reading order. */
export function draftsOf(items: readonly FlowItem[], type: Typography): BlockDraft[] {
  const drafts: BlockDraft[] = [];
  let open: Open | undefined;
  let procedure = false;
  let lastSizeLevel = 0;
  const close = () => {
    if (open === undefined) return;
    const text = open.lines.map((l) => l.text).reduce(joinPieces, '');
    drafts.push(open.make(text, { page: open.page, bbox: bboxOf(union(open.lines)) }));
    open = undefined;
  };
  for (const item of items) {
    if (item.kind !== 'line') {
      close();
      drafts.push(item.kind === 'table' ? tableDraft(item) : noTextDraft(item));
      continue;
    }
    const { line } = item;
    if (open !== undefined && continues(open, item, type)) {
      open.lines.push(line);
      continue;
    }
    close();
    const cls = tocEntry.test(line.text) ? null : classifyLine(line.raw, { inProcedure: procedure });
    const level = headingLevel(line, cls, type, lastSizeLevel);
    if (level !== undefined) {
      if (isLarger(line.size, type.bodySize) || line.tagLevel !== undefined) lastSizeLevel = level;
      procedure = isProcedureTitle(line.text);
      open = start(item, 'heading', (text, location) => ({ kind: 'heading', level, text, location }));
    } else open = startOf(item, cls);
  }
  close();
  return drafts;
}

function start(item: FlowItem & { kind: 'line' }, role: Open['role'], make: Open['make']): Open {
  return { start: item.line, page: item.page, column: item.column, lines: [item.line], make, role };
}

function startOf(item: FlowItem & { kind: 'line' }, cls: LineClass | null): Open {
  if (cls?.kind === 'step') {
    const { number, marker } = cls;
    return start(item, 'text', (text, location) => ({ kind: 'step', number, marker, text, location }));
  }
  if (cls?.kind === 'caution') {
    const { level, label } = cls;
    return start(item, 'text', (text, location) => ({ kind: 'caution', level, label, text, location }));
  }
  if (bullet.test(item.line.text)) {
    return start(item, 'item', (text, location) => ({
      kind: 'list-item',
      depth: 0,
      ordered: false,
      text,
      location,
    }));
  }
  return start(item, 'text', (text, location) => ({ kind: 'paragraph', text, location }));
}

function headingLevel(
  line: Line,
  cls: LineClass | null,
  type: Typography,
  lastSizeLevel: number,
): number | undefined {
  const chars = [...line.text].length;
  // Table-of-contents entries ("1．概要……3") repeat heading titles but are not headings, tagged or not.
  if (tocEntry.test(line.text)) return undefined;
  if (line.tagLevel !== undefined && chars <= 120) return line.tagLevel;
  // Chart axis values and bullets are set large on slides but are never titles.
  if ((line.text.match(/\p{L}/gu)?.length ?? 0) < 2 || bullet.test(line.text)) return undefined;
  if (chars > 60 || /[。、，,]$/.test(line.text) || tocEntry.test(line.text)) return undefined;
  // "第１章は、…" is a sentence about a chapter, not its title.
  if (cls?.kind === 'heading')
    return chars <= 50 && !/^[はがをにのでとも、]/.test(cls.text) ? cls.level : undefined;
  if (cls !== null) return undefined;
  if (isLarger(line.size, type.bodySize) && chars >= 2) return sizeLevel(line.size, type);
  if (line.bold && !type.bodyBold && chars <= 40 && chars >= 2 && !sentenceEnd.test(line.text)) {
    return Math.min(6, lastSizeLevel + 1);
  }
  return undefined;
}

/** Whether `next` carries on the open block (a wrapped line) rather than starting a new one. */
function continues(open: Open, item: FlowItem & { kind: 'line' }, type: Typography): boolean {
  const prev = open.lines[open.lines.length - 1]!;
  const next = item.line;
  if (item.page !== open.page || item.column !== open.column) return false;
  const size = Math.max(prev.size, next.size);
  const gap = next.top - prev.bottom;
  if (Math.abs(next.size - prev.size) > 1 || gap > 0.8 * size || gap < -0.6 * size) return false;
  if (next.x0 < open.start.x0 - 1.5 * size || next.x0 > open.start.x0 + 4 * size) return false;
  if (classifyLine(next.raw) !== null || bullet.test(next.text) || tocEntry.test(next.text)) return false;
  if (open.role === 'heading') {
    // A long title wraps at the same size and weight; anything else after a heading is body text.
    const long = [...prev.text].length + [...next.text].length > 60;
    return next.size === prev.size && next.bold === prev.bold && isLarger(next.size, type.bodySize) && !long;
  }
  if (headingLevel(next, null, type, 0) !== undefined && next.bold !== prev.bold) return false;
  // A finished sentence followed by an indented line: a new Japanese paragraph (字下げ).
  if (sentenceEnd.test(prev.text) && next.x0 > open.start.x0 + 0.6 * size && open.lines.length > 1)
    return false;
  if (sentenceEnd.test(prev.text) && prev.x1 < maxRight(open) - 2 * size) return false;
  return true;
}

function maxRight(open: Open): number {
  return Math.max(...open.lines.map((l) => l.x1));
}

function tableDraft(item: FlowItem & { kind: 'table' }): BlockDraft {
  const { table } = item;
  return {
    kind: 'table',
    rows: table.rows,
    headerRows: table.headerRows,
    headerColumns: 0,
    ...(item.caption === undefined ? {} : { caption: item.caption }),
    text: rowsAsText(table.rows, item.caption),
    location: { page: item.page, bbox: bboxOf(table) },
  };
}

/** Rows as pipe-delimited lines: readable, and no whitespace ends up between two CJK characters. */
export function rowsAsText(rows: readonly (readonly TableCell[])[], caption?: string): string {
  const body = rows.map((r) => `| ${r.map((c) => c.text).join(' | ')} |`).join('\n');
  return caption === undefined ? body : `${caption}\n${body}`;
}

function noTextDraft(item: FlowItem & { kind: 'no-text' }): BlockDraft {
  return {
    kind: 'figure',
    text: `[page ${item.page}: no usable text layer; OCR needed]`,
    location: { page: item.page, bbox: bboxOf(item.box) },
  };
}
