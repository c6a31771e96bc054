/**
 * Markdown (CommonMark + GFM) via mdast: headings, paragraphs, lists (ordered lists become steps under a
 * procedure heading or when marked ①②), GFM tables with their header row, code, and block quotes that
 * carry a signal word (> 注意：…, > [!WARNING]) as cautions. Spans and lines come from mdast positions.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
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

type Root = ReturnType<typeof fromMarkdown>;
type MdNode = Root['children'][number];
type MdOf<T extends string> = Extract<MdNode, { type: T }>;
type Positioned = {
  position?: { start: { line: number; offset?: number }; end: { line: number; offset?: number } };
};

interface Walk {
  readonly source: string;
  readonly classifier: TextClassifier;
  readonly out: BlockDraft[];
  inProcedure: boolean;
}

export const parseMarkdown: Parser = async (bytes, source) => {
  const { text, encoding } = decodeText(bytes, source.uri);
  if (text.trim() === '') throw new EmptyFile(source.uri);
  const front = frontMatter(text);
  const tree = fromMarkdown(front.body, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const walk: Walk = {
    source: text,
    classifier: createTextClassifier({ headings: false }),
    out: [],
    inProcedure: false,
  };
  for (const node of tree.children) visit(node, walk);
  const title = front.title ?? walk.out.find((b) => b.kind === 'heading')?.text;
  return {
    source,
    metadata: title === undefined ? { encoding } : { encoding, title },
    blocks: buildBlocks(walk.out),
  };
};

function visit(node: MdNode, w: Walk): void {
  switch (node.type) {
    case 'heading': {
      const text = plain(node);
      w.classifier.heading(text);
      w.inProcedure = isProcedureTitle(text);
      w.out.push({ kind: 'heading', level: node.depth, text, location: locate(node) });
      return;
    }
    case 'paragraph':
      w.out.push(paragraph(node, w));
      return;
    case 'list': {
      const previous = w.out[w.out.length - 1];
      const lead = previous?.kind === 'paragraph' && isProcedureLead(previous.text);
      list(node, 0, w, w.inProcedure || lead);
      return;
    }
    case 'table':
      w.out.push(table(node));
      return;
    case 'code':
      w.out.push({
        kind: 'code',
        text: node.value,
        location: locate(node),
        ...(node.lang ? { language: node.lang } : {}),
      });
      return;
    case 'blockquote':
      blockquote(node, w);
      return;
    case 'footnoteDefinition': {
      // The note keeps its label where it is defined, as its references keep theirs: 「[1] 定格回転数における値。」
      const first = w.out.length;
      for (const c of node.children) visit(c, w);
      const draft = w.out[first];
      if (draft !== undefined && draft.kind !== 'table') {
        // A one-paragraph note is located by its whole definition, label included.
        const location = node.children.length === 1 ? locate(node) : draft.location;
        w.out[first] = { ...draft, text: `[${node.label ?? node.identifier}] ${draft.text}`, location };
      }
      return;
    }
    default:
      // html, thematicBreak, definition: no text worth keeping as a block.
      return;
  }
}

function paragraph(node: MdOf<'paragraph'>, w: Walk): BlockDraft {
  const only = node.children.length === 1 ? node.children[0] : undefined;
  if (only?.type === 'image')
    return { kind: 'figure', text: only.alt ?? only.title ?? '', location: locate(node) };
  return w.classifier.block(plain(node), locate(node));
}

function list(node: MdOf<'list'>, depth: number, w: Walk, steps: boolean): void {
  node.children.forEach((item, i) => {
    const text = item.children
      .filter((c) => c.type !== 'list')
      .map(plain)
      .join('\n');
    const location = itemLocation(item);
    const c = classifyLine(text);
    if (c?.kind === 'step' && !/^[0-9０-９]/.test(c.marker)) {
      w.out.push({ kind: 'step', number: c.number, marker: c.marker, text, location });
    } else if (c?.kind === 'caution') {
      w.out.push({ kind: 'caution', level: c.level, label: c.label, text, location });
    } else if (node.ordered === true && (steps || (depth === 0 && c?.kind === 'step'))) {
      const number = (node.start ?? 1) + i;
      w.out.push({ kind: 'step', number, marker: markerOf(item, w.source) ?? `${number}.`, text, location });
    } else {
      w.out.push({ kind: 'list-item', depth, ordered: node.ordered === true, text, location });
    }
    // A list nested under "点検手順（この順に実施）：" holds that procedure's steps.
    const nestedSteps = isProcedureLead(text);
    for (const child of item.children) if (child.type === 'list') list(child, depth + 1, w, nestedSteps);
  });
}

// An item's own span ends before its nested list, which becomes blocks of its own.
function itemLocation(item: MdOf<'list'>['children'][number]): Location {
  const own = item.children.filter((c) => c.type !== 'list');
  const last = own[own.length - 1]?.position;
  const start = item.position?.start;
  if (last === undefined || start === undefined) return locate(item);
  return locate({ position: { start, end: last.end } });
}

function markerOf(item: Positioned, source: string): string | undefined {
  const start = item.position?.start.offset;
  if (start === undefined) return undefined;
  return /^[0-9]{1,9}[.)]/.exec(source.slice(start, start + 12))?.[0];
}

function table(node: MdOf<'table'>): BlockDraft {
  const rows: TableCell[][] = node.children.map((row, r) =>
    row.children.map((cell) => (r === 0 ? { text: plain(cell), header: true } : { text: plain(cell) })),
  );
  return {
    kind: 'table',
    rows,
    headerRows: 1,
    headerColumns: 0,
    text: tableText(rows),
    location: locate(node),
  };
}

const alerts: Readonly<Record<string, CautionLevel>> = {
  CAUTION: 'caution',
  WARNING: 'warning',
  IMPORTANT: 'warning',
  NOTE: 'note',
  TIP: 'note',
};

function blockquote(node: MdOf<'blockquote'>, w: Walk): void {
  const text = node.children.map(plain).join('\n');
  const alert = /^\[!(CAUTION|WARNING|IMPORTANT|NOTE|TIP)\]\s*/i.exec(text);
  if (alert !== null) {
    const label = alert[1]!.toUpperCase();
    const body = text.slice(alert[0].length);
    w.out.push({ kind: 'caution', level: alerts[label]!, label, text: body, location: locate(node) });
    return;
  }
  const c = classifyLine(text.split('\n', 1)[0] ?? '');
  if (c?.kind === 'caution') {
    w.out.push({ kind: 'caution', level: c.level, label: c.label, text, location: locate(node) });
    return;
  }
  for (const child of node.children) visit(child, w);
}

function locate(node: Positioned): Location {
  const p = node.position;
  if (p === undefined) return {};
  const span =
    p.start.offset !== undefined && p.end.offset !== undefined
      ? { span: [p.start.offset, p.end.offset] as const }
      : {};
  return { ...span, lines: [p.start.line, p.end.line] };
}

/** The visible text of a node: inline markup dropped, hard breaks as newlines, images as their alt text. */
function plain(node: unknown): string {
  if (typeof node !== 'object' || node === null) return '';
  const n = node as { type?: string; value?: unknown; alt?: unknown; children?: unknown };
  if (n.type === 'break') return '\n';
  if (n.type === 'footnoteReference') {
    const ref = node as { label?: string; identifier?: string };
    return `[${ref.label ?? ref.identifier ?? ''}]`;
  }
  if (typeof n.value === 'string' && n.type !== 'html') return n.value;
  if (n.type === 'image' && typeof n.alt === 'string') return n.alt;
  if (Array.isArray(n.children)) return n.children.map(plain).join('');
  return '';
}

/**
 * YAML front matter (--- … ---) is metadata, not content. It is blanked rather than cut so that every
 * offset and line number mdast reports still points into the original text.
 */
function frontMatter(text: string): { body: string; title?: string } {
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  if (m === null) return { body: text };
  const body = m[0].replace(/[^\r\n]/g, ' ') + text.slice(m[0].length);
  const title = /^title:[ \t]*["']?(.*?)["']?[ \t]*$/m.exec(m[1]!)?.[1];
  return title ? { body, title } : { body };
}
