/**
 * HTML via htmlparser2: h1–h6, paragraphs, ol/ul/li (ordered lists under a procedure heading, or items
 * marked ①②, become steps), tables with thead/th, rowspan/colspan and caption, pre/code, figure/figcaption,
 * and caution boxes (a signal word, or a class such as "warning"). Scripts and styles are dropped. Spans
 * are the element's [start, end) offsets in the decoded source; loose inline text becomes paragraphs.
 */
import { parseDocument } from 'htmlparser2';
import type { CautionLevel, Location, Parser, TableCell } from '../document/index.js';
import {
  type BlockDraft,
  buildBlocks,
  classifyLine,
  createTextClassifier,
  isProcedureLead,
  isProcedureTitle,
  type TextClassifier,
  tableText,
} from '../structure/index.js';
import { decodeText } from './encoding.js';
import { EmptyFile } from './errors.js';
import { lineAt, lineStartsOf } from './lines.js';
import { type DomElement, type DomNode, elementChildren, findAll, findFirst, isElement } from './xml.js';

interface Walk {
  readonly out: BlockDraft[];
  readonly classifier: TextClassifier;
  readonly lineStarts: readonly number[];
  inProcedure: boolean;
  /** Inline text not yet inside a block, with the offsets it covers. */
  pending: { text: string; start: number; end: number } | undefined;
}

const dropped = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'svg',
  'iframe',
  'object',
  'canvas',
  'button',
  'select',
]);
const inline = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'cite',
  'data',
  'dfn',
  'em',
  'font',
  'i',
  'kbd',
  'label',
  'mark',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
  'var',
  'wbr',
  'del',
  'ins',
  'code',
  'tt',
  'ruby',
  'rb',
]);
const cautionClass = /\b(danger|warning|caution|notice|note|alert)\b/i;
const classLevels: Readonly<Record<string, CautionLevel>> = {
  danger: 'danger',
  warning: 'warning',
  alert: 'warning',
  caution: 'caution',
  notice: 'note',
  note: 'note',
};

export const parseHtml: Parser = async (bytes, source) => {
  const { text, encoding } = decodeText(bytes, source.uri);
  if (text.trim() === '') throw new EmptyFile(source.uri);
  const dom = parseDocument(text, { withStartIndices: true, withEndIndices: true });
  const w: Walk = {
    out: [],
    classifier: createTextClassifier({ headings: false }),
    lineStarts: lineStartsOf(text),
    inProcedure: false,
    pending: undefined,
  };
  for (const node of dom.children) visit(node, w);
  flush(w);
  const titleElement = findFirst(dom, 'title');
  const title = titleElement === undefined ? undefined : inlineText(titleElement);
  return { source, metadata: title ? { encoding, title } : { encoding }, blocks: buildBlocks(w.out) };
};

function visit(node: DomNode, w: Walk): void {
  if (!isElement(node)) {
    if (node.type === 'text' && 'data' in node) addInline(node.data, node, w);
    return;
  }
  const name = node.name.toLowerCase();
  if (dropped.has(name)) return;
  if (inline.has(name) || name === 'br' || name === 'rt' || name === 'rp') {
    if (name === 'br') addInline(lineBreak, node, w);
    else if (name !== 'rt' && name !== 'rp') for (const c of node.children) visit(c, w);
    return;
  }
  flush(w);
  block(node, name, w);
  flush(w);
}

function block(node: DomElement, name: string, w: Walk): void {
  const heading = /^h([1-6])$/.exec(name);
  if (heading !== null) {
    const text = inlineText(node);
    if (text === '') return;
    w.classifier.heading(text);
    w.inProcedure = isProcedureTitle(text);
    w.out.push({ kind: 'heading', level: Number(heading[1]), text, location: locate(node, w) });
  } else if (name === 'p' || name === 'dt' || name === 'dd' || name === 'address' || name === 'summary') {
    const text = inlineText(node);
    if (text !== '') w.out.push(w.classifier.block(text, locate(node, w)));
  } else if (name === 'ul' || name === 'ol') {
    const previous = w.out[w.out.length - 1];
    list(node, 0, w, w.inProcedure || (previous?.kind === 'paragraph' && isProcedureLead(previous.text)));
  } else if (name === 'table') {
    w.out.push(table(node, w));
  } else if (name === 'pre') {
    const code = findFirst(node, 'code') ?? node;
    const language = /(?:^|\s)(?:language|lang)-(\S+)/.exec(
      `${code.attribs.class ?? ''} ${node.attribs.class ?? ''}`,
    )?.[1];
    w.out.push({
      kind: 'code',
      text: rawText(node).replace(/^\n/, '').trimEnd(),
      location: locate(node, w),
      ...(language ? { language } : {}),
    });
  } else if (name === 'figure' || name === 'img') {
    const caption = findFirst(node, 'figcaption');
    const img = name === 'img' ? node : findFirst(node, 'img');
    const text = caption !== undefined ? inlineText(caption) : (img?.attribs.alt ?? '').trim();
    if (text !== '' || name === 'figure') w.out.push({ kind: 'figure', text, location: locate(node, w) });
  } else if (!caution(node, w)) {
    for (const c of node.children) visit(c, w);
  }
}

/** A box holding a signal word or classed as a caution becomes one caution block. */
function caution(node: DomElement, w: Walk): boolean {
  if (!['blockquote', 'aside', 'div', 'section'].includes(node.name.toLowerCase())) return false;
  const text = blockText(node);
  if (text === '') return false;
  const c = classifyLine(text.split('\n', 1)[0] ?? '');
  if (c?.kind === 'caution') {
    w.out.push({ kind: 'caution', level: c.level, label: c.label, text, location: locate(node, w) });
    return true;
  }
  const cls = cautionClass.exec(node.attribs.class ?? '')?.[1];
  if (cls === undefined || findFirst(node, 'h2') !== undefined || findAll(node, 'p').length > 3) return false;
  w.out.push({
    kind: 'caution',
    level: classLevels[cls.toLowerCase()]!,
    label: cls,
    text,
    location: locate(node, w),
  });
  return true;
}

function list(node: DomElement, depth: number, w: Walk, steps: boolean): void {
  const ordered = node.name.toLowerCase() === 'ol';
  const start = Number.parseInt(node.attribs.start ?? '1', 10) || 1;
  elementChildren(node)
    .filter((li) => li.name.toLowerCase() === 'li')
    .forEach((li, i) => {
      const own = li.children.filter((c) => !(isElement(c) && ['ul', 'ol'].includes(c.name.toLowerCase())));
      const text = collapse(own.map(inlineOf).join(''));
      const location = locate(li, w);
      const c = classifyLine(text);
      if (c?.kind === 'step' && !/^[0-9０-９]/.test(c.marker)) {
        w.out.push({ kind: 'step', number: c.number, marker: c.marker, text, location });
      } else if (c?.kind === 'caution') {
        w.out.push({ kind: 'caution', level: c.level, label: c.label, text, location });
      } else if (ordered && steps) {
        const number = start + i;
        w.out.push({ kind: 'step', number, marker: `${number}.`, text, location });
      } else if (text !== '') {
        w.out.push({ kind: 'list-item', depth, ordered, text, location });
      }
      // A list nested under "点検手順（この順に実施）：" holds that procedure's steps.
      for (const c of li.children) {
        if (isElement(c) && ['ul', 'ol'].includes(c.name.toLowerCase()))
          list(c, depth + 1, w, isProcedureLead(text));
      }
    });
}

function table(node: DomElement, w: Walk): BlockDraft {
  const rowElements = tableRows(node);
  const thead = new Set(elementChildren(node, 'thead').flatMap((t) => elementChildren(t, 'tr')));
  const rows: TableCell[][] = rowElements.map((tr) =>
    elementChildren(tr)
      .filter((c) => c.name === 'td' || c.name === 'th')
      .map((cell) => {
        const rowSpan = Number.parseInt(cell.attribs.rowspan ?? '1', 10) || 1;
        const colSpan = Number.parseInt(cell.attribs.colspan ?? '1', 10) || 1;
        return {
          text: blockText(cell),
          ...(rowSpan > 1 ? { rowSpan } : {}),
          ...(colSpan > 1 ? { colSpan } : {}),
          ...(cell.name === 'th' || thead.has(tr) ? { header: true } : {}),
        };
      }),
  );
  let headerRows = 0;
  while (
    headerRows < rows.length &&
    rows[headerRows]!.length > 0 &&
    rows[headerRows]!.every((c) => c.header === true)
  ) {
    headerRows++;
  }
  const body = rows.slice(headerRows);
  const headerColumns = body.length > 0 && body.every((r) => r[0]?.header === true) ? 1 : 0;
  const captionElement = findFirst(node, 'caption');
  const caption = captionElement === undefined ? undefined : inlineText(captionElement);
  return {
    kind: 'table',
    rows,
    headerRows,
    headerColumns,
    text: tableText(rows, caption),
    location: locate(node, w),
    ...(caption ? { caption } : {}),
  };
}

// Rows of this table only (thead, tbody, tfoot or direct), not of tables nested in its cells.
function tableRows(node: DomElement): DomElement[] {
  return elementChildren(node).flatMap((c) => {
    if (c.name === 'tr') return [c];
    if (c.name === 'thead' || c.name === 'tbody' || c.name === 'tfoot') return elementChildren(c, 'tr');
    return [];
  });
}

function addInline(text: string, node: DomNode, w: Walk): void {
  const start = node.startIndex ?? w.pending?.end ?? 0;
  const end = node.endIndex === null ? start : node.endIndex + 1;
  if (w.pending === undefined) {
    if (text.trim() === '') return;
    w.pending = { text, start, end };
  } else {
    w.pending = { text: w.pending.text + text, start: w.pending.start, end: Math.max(w.pending.end, end) };
  }
}

function flush(w: Walk): void {
  const p = w.pending;
  w.pending = undefined;
  if (p === undefined) return;
  const text = collapse(p.text);
  if (text === '') return;
  w.out.push(
    w.classifier.block(text, {
      span: [p.start, p.end],
      lines: [lineAt(w.lineStarts, p.start), lineAt(w.lineStarts, p.end - 1)],
    }),
  );
}

function locate(node: DomNode, w: Walk): Location {
  if (node.startIndex === null || node.endIndex === null) return {};
  const start = node.startIndex;
  const end = node.endIndex + 1;
  return { span: [start, end], lines: [lineAt(w.lineStarts, start), lineAt(w.lineStarts, end - 1)] };
}

/** Text of inline content: ruby readings dropped, <br> as newline, whitespace collapsed. */
function inlineText(node: DomElement): string {
  return collapse(node.children.map(inlineOf).join(''));
}

function inlineOf(node: DomNode): string {
  if (!isElement(node)) return node.type === 'text' && 'data' in node ? node.data : '';
  const name = node.name.toLowerCase();
  if (name === 'br') return lineBreak;
  if (name === 'rt' || name === 'rp' || dropped.has(name)) return '';
  const inner = node.children.map(inlineOf).join('');
  return inline.has(name) ? inner : `${lineBreak}${inner}${lineBreak}`;
}

/** Text of a block container: its blocks on separate lines. */
function blockText(node: DomElement): string {
  return collapse(node.children.map(inlineOf).join(''));
}

function rawText(node: DomNode): string {
  if (!isElement(node)) return node.type === 'text' && 'data' in node ? node.data : '';
  return node.name === 'br' ? '\n' : node.children.map(rawText).join('');
}

// Source line breaks inside Japanese text are layout: dropped between non-ASCII characters, a space
// elsewhere. Breaks that mean something (<br>, block boundaries) travel as U+2028 and become "\n".
const lineBreak = '\u2028';

function collapse(text: string): string {
  return text
    .replace(/([\u00a0-\uffff])[ \t\r\n\f]*[\r\n][ \t\r\n\f]*(?=[\u00a0-\uffff])/g, '$1')
    .replace(/[ \t\r\n\f]+/g, ' ')
    .split(lineBreak)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}
