/**
 * From lines in reading order to block drafts: headings (tag tree, numbering, size, weight), steps and
 * cautions (classified on the raw text, before any NFKC), list items and paragraphs with their wrapped
 * lines joined the Japanese way. Ids, heading paths and step procedures are derived by `buildBlocks`.
 */
import type { TableCell } from '../../document/index.js';
import { type BlockDraft, bullet, isDateLine, type LineRole, outlineRoles } from '../../structure/index.js';
import { joinPieces } from './cjk.js';
import { type Box, bboxOf, union } from './geometry.js';
import { figureCaption, type Line, rowNumber } from './lines.js';
import type { Typography } from './style.js';
import type { RuledTable } from './tables.js';

export type FlowItem =
  | { readonly kind: 'line'; readonly page: number; readonly column: number; readonly line: Line }
  | { readonly kind: 'table'; readonly page: number; readonly table: RuledTable; readonly caption?: string }
  | { readonly kind: 'no-text'; readonly page: number; readonly box: Box }
  /** Text read by OCR inside an image of a page that has a text layer. */
  | { readonly kind: 'figure'; readonly page: number; readonly box: Box; readonly lines: readonly Line[] };

interface Open {
  readonly start: Line;
  readonly page: number;
  readonly column: number;
  readonly lines: Line[];
  readonly make: (
    text: string,
    location: { page: number; bbox: readonly [number, number, number, number] },
  ) => BlockDraft;
  /** Headings and list items take continuation lines only in narrow cases; a figure takes its labels. */
  readonly role: 'heading' | 'item' | 'text' | 'figure';
}

const tocEntry = /(?:[.．…・‥·]{3,}|\s{2,})\s*[0-9０-９]{1,4}$/;
const sentenceEnd = /[。．.!！?？)）」』]$/;

/** Block drafts in reading order; which lines start headings, steps and cautions is decided document-wide. */
export function draftsOf(items: readonly FlowItem[], type: Typography): BlockDraft[] {
  const lineItems = items.filter((i): i is FlowItem & { kind: 'line' } => i.kind === 'line');
  const roles = outlineRoles(lineItems, type);
  const roleOf = new Map(lineItems.map((item, i) => [item.line, roles[i]]));
  const spacing = lineSpacing(lineItems);
  const drafts: BlockDraft[] = [];
  let open: Open | undefined;
  let titleLines = 0;
  // Where a chart's caption was just read: the short labels under it are the chart's text.
  let captioned: { readonly page: number; readonly column: number } | undefined;
  const close = () => {
    if (open === undefined) return;
    // A row number is a column apart from its text: keep a space between them. Chart labels are apart too.
    const text =
      open.role === 'figure'
        ? labelText(open.lines)
        : open.lines
            .map((l) => l.text)
            .reduce((acc, t, i) => (i === 1 && rowNumber.test(acc) ? `${acc} ${t}` : joinPieces(acc, t)), '');
    drafts.push(open.make(text, { page: open.page, bbox: bboxOf(union(open.lines)) }));
    captioned = figureCaption.test(open.start.text.trim())
      ? { page: open.page, column: open.column }
      : undefined;
    open = undefined;
  };
  for (const item of items) {
    if (item.kind !== 'line') {
      close();
      drafts.push(
        item.kind === 'table'
          ? tableDraft(item)
          : item.kind === 'figure'
            ? {
                kind: 'figure',
                text: labelText(item.lines),
                location: { page: item.page, bbox: bboxOf(item.box) },
              }
            : noTextDraft(item),
      );
      continue;
    }
    const { line } = item;
    const role = roleOf.get(line);
    if (open?.role === 'figure' && chartLabel(item, role, open)) {
      open.lines.push(line);
      continue;
    }
    if (
      open !== undefined &&
      (titleLines > 0 || (role === undefined && continues(open, item, spacing.get(item.page) ?? 0)))
    ) {
      open.lines.push(line);
      titleLines--;
      continue;
    }
    close();
    titleLines = 0;
    if (captioned !== undefined && chartLabel(item, role, captioned)) {
      open = start(item, 'figure', (text, location) => ({ kind: 'figure', text, location }));
      continue;
    }
    if (role?.kind === 'heading') {
      const { level } = role;
      titleLines = role.lines - 1;
      open = start(item, 'heading', (text, location) => ({ kind: 'heading', level, text, location }));
    } else open = startOf(item, role);
  }
  close();
  return drafts;
}

/** A chart's notes, source and footnotes end its labels. */
const figureNote = /^(?:備考|資料|出典|出所|注|※|[(（]注)/;
/** Longer than this, a line under a chart is text again, not a label. */
const labelChars = 24;

/** A label of the chart under a caption: short, on the caption's page and column, not a step or note. */
function chartLabel(
  item: FlowItem & { kind: 'line' },
  role: LineRole | undefined,
  figure: { readonly page: number; readonly column: number },
): boolean {
  const text = item.line.text.trim();
  return (
    item.page === figure.page &&
    item.column === figure.column &&
    (role === undefined || role.kind === 'text') &&
    [...text].length <= labelChars &&
    !figureNote.test(text) &&
    !figureCaption.test(text)
  );
}

/**
 * Labels apart, except a phrase wrapped onto the line right under it (a speech bubble's text, centred or
 * not); stacked short labels (a legend) stay apart.
 */
function labelText(lines: readonly Line[]): string {
  return lines.reduce((acc, l, i) => {
    const prev = lines[i - 1];
    if (prev === undefined) return l.text.trim();
    const across = Math.min(l.x1, prev.x1) - Math.max(l.x0, prev.x0);
    const wrapped =
      l.top - prev.bottom < 0.8 * prev.size &&
      across > 0.5 * Math.min(l.x1 - l.x0, prev.x1 - prev.x0) &&
      ([...prev.text.trim()].length >= 8 || /\p{Script=Hiragana}$/u.test(prev.text.trim())) &&
      !sentenceEnd.test(prev.text.trim());
    // Apart by a bar, as table cells are: a space between two Japanese labels would read as broken text.
    return wrapped ? joinPieces(acc, l.text.trim()) : `${acc} | ${l.text.trim()}`;
  }, '');
}

function start(item: FlowItem & { kind: 'line' }, role: Open['role'], make: Open['make']): Open {
  return { start: item.line, page: item.page, column: item.column, lines: [item.line], make, role };
}

function startOf(item: FlowItem & { kind: 'line' }, cls: LineRole | undefined): Open {
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

/** Whether `next` carries on the open block (a wrapped line) rather than starting a new one. */
function continues(open: Open, item: FlowItem & { kind: 'line' }, spacing: number): boolean {
  const prev = open.lines[open.lines.length - 1]!;
  const next = item.line;
  // A heading's lines are counted by the outline; anything after them is body text. A chart ends at its
  // first line that is not a label.
  if (open.role === 'heading' || open.role === 'figure' || item.page !== open.page) return false;
  // A number alone numbers the text to its right on the same row (a list set as two columns), and is
  // never the wrapped end of the line above it.
  if (rowNumber.test(next.text)) return false;
  // A date stands alone: the publisher under a cover's date is not the rest of its sentence.
  if (isDateLine(prev.text)) return false;
  // (A number beside another number is a chart's or a table's, not an item's.)
  if (open.lines.length === 1 && rowNumber.test(prev.text))
    return (
      /\p{L}/u.test(next.text) &&
      next.x0 > prev.x1 &&
      Math.abs(next.top - prev.top) < 0.5 * prev.size &&
      item.column === open.column
    );
  // Columns end a block, except the short last line of a full-width paragraph above two columns: it sits
  // in the left column, and the sentence it finishes is still open. A caption is not that wide.
  const wraps =
    open.column === -1 &&
    item.column === 0 &&
    !sentenceEnd.test(prev.text) &&
    prev.x1 - prev.x0 > 30 * prev.size;
  if (item.column !== open.column && !wraps) return false;
  const size = Math.max(prev.size, next.size);
  const gap = next.top - prev.bottom;
  // Only after a full line of prose: labels in a diagram can be spaced as widely as lines of text.
  const full = prev.x1 - prev.x0 >= 25 * size;
  const widest = (full ? Math.max(0.8, 1.25 * spacing) : 0.8) * size;
  if (Math.abs(next.size - prev.size) > 1 || gap > widest || gap < -0.6 * size) return false;
  if (next.x0 < open.start.x0 - 1.5 * size || next.x0 > open.start.x0 + 4 * size) return false;
  if (bullet.test(next.text)) return false;
  // A 目次 entry is a block of its own, unless it is the hung second line of an entry that wrapped.
  const hung = next.x0 > open.start.x0 + 0.5 * size && !sentenceEnd.test(prev.text);
  if (tocEntry.test(next.text) && (open.lines.length > 1 || tocEntry.test(prev.text) || !hung)) return false;
  // A finished sentence followed by an indented line: a new Japanese paragraph (字下げ). Indented from the
  // paragraph's margin, which its own first line may be indented from too.
  const margin = Math.min(...open.lines.map((l) => l.x0));
  if (sentenceEnd.test(prev.text) && next.x0 > margin + 0.6 * size && open.lines.length > 1) return false;
  if (sentenceEnd.test(prev.text) && prev.x1 < maxRight(open) - 2 * size) return false;
  return true;
}

/**
 * Per page, the usual gap between two lines of a paragraph, in font sizes: the median over consecutive
 * lines of one column and size that overlap across. Documents written with 1.5 or double line spacing
 * (行間) put more than 0.8 of a size between wrapped lines; paragraphs there are told by indent and by
 * larger gaps, so a gap up to 1.25 times the usual one still carries the paragraph on.
 */
function lineSpacing(items: readonly (FlowItem & { kind: 'line' })[]): Map<number, number> {
  const ratios = new Map<number, number[]>();
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1]!;
    const b = items[i]!;
    if (a.page !== b.page || a.column !== b.column || Math.abs(a.line.size - b.line.size) > 1) continue;
    const size = Math.max(a.line.size, b.line.size);
    const gap = b.line.top - a.line.bottom;
    const across = Math.min(a.line.x1, b.line.x1) - Math.max(a.line.x0, b.line.x0);
    if (gap <= 0 || gap >= 2 * size || across <= 0) continue;
    const list = ratios.get(a.page) ?? [];
    list.push(gap / size);
    ratios.set(a.page, list);
  }
  const out = new Map<number, number>();
  for (const [page, list] of ratios) {
    if (list.length < 5) continue;
    list.sort((x, y) => x - y);
    out.set(page, list[Math.floor(list.length / 2)]!);
  }
  return out;
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
