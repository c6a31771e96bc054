import { readFileSync } from 'node:fs';
import type { Block, TableCell } from '../refinery/document/index.js';

/** One node of opendataloader-pdf's JSON output (the fields read here). */
interface OdlNode {
  readonly type?: string;
  readonly content?: string;
  readonly 'heading level'?: number;
  readonly 'page number'?: number;
  readonly 'numbering style'?: string;
  readonly 'row span'?: number;
  readonly 'column span'?: number;
  readonly pdfua_tag?: string;
  readonly kids?: readonly OdlNode[];
  readonly 'list items'?: readonly OdlNode[];
  readonly rows?: readonly { readonly cells?: readonly OdlNode[] }[];
}

/**
 * opendataloader-pdf's JSON as our blocks, as generously as it allows: headings keep their level, items of
 * a numbered list become steps under the heading before them (numbered from their marker), tables keep spans
 * (TH cells are headers), text blocks and list-item children are read in order; images and running
 * headers/footers are dropped.
 */
export function readOdl(file: string): { pages: number; blocks: Block[] } {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { 'number of pages'?: number; kids?: OdlNode[] };
  const blocks: Block[] = [];
  let heading: string | undefined;
  const at = (n: OdlNode) => ({
    id: `b${blocks.length}`,
    headingPath: [],
    location: n['page number'] ? { page: n['page number'] } : {},
  });
  const textOf = (n: OdlNode): string => n.content ?? (n.kids ?? []).map(textOf).join('');
  const cell = (n: OdlNode): TableCell => ({
    text: textOf(n),
    ...(n.pdfua_tag === 'TH' ? { header: true } : {}),
    ...((n['row span'] ?? 1) > 1 ? { rowSpan: n['row span'] } : {}),
    ...((n['column span'] ?? 1) > 1 ? { colSpan: n['column span'] } : {}),
  });
  const walk = (n: OdlNode, numbered = false): void => {
    switch (n.type) {
      case 'heading':
        heading = `b${blocks.length}`;
        blocks.push({ ...at(n), kind: 'heading', level: n['heading level'] ?? 1, text: n.content ?? '' });
        return;
      case 'paragraph':
      case 'caption':
        blocks.push({ ...at(n), kind: 'paragraph', text: n.content ?? '' });
        return;
      case 'list': {
        const ordered = !/bullet|none/i.test(n['numbering style'] ?? 'none');
        for (const item of n['list items'] ?? []) walk(item, ordered);
        return;
      }
      case 'list item':
        blocks.push(listItem(n, numbered));
        for (const kid of n.kids ?? []) walk(kid);
        return;
      case 'table': {
        const rows = (n.rows ?? []).map((r) => (r.cells ?? []).map(cell));
        const text = rows.map((r) => r.map((c) => c.text).join(' | ')).join('\n');
        blocks.push({ ...at(n), kind: 'table', rows, text, headerRows: 0, headerColumns: 0 });
        return;
      }
      case 'image':
      case 'header':
      case 'footer':
        return;
      default:
        for (const kid of n.kids ?? []) walk(kid);
    }
  };
  const listItem = (n: OdlNode, numbered: boolean): Block => {
    const text = n.content ?? '';
    const marker = /^\s*([\d①-⑳⑴-⒇]+)/.exec(text.normalize('NFKC').replace(/[()（）]/g, ''));
    if (!numbered || !marker) return { ...at(n), kind: 'list-item', text, depth: 0, ordered: numbered };
    const number = Number(marker[1]);
    return {
      ...at(n),
      kind: 'step',
      text,
      number,
      marker: marker[1]!,
      ...(heading ? { procedure: heading } : {}),
    };
  };
  for (const kid of json.kids ?? []) walk(kid);
  return { pages: json['number of pages'] ?? 0, blocks };
}
