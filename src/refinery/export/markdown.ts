import { pipeRow, tableGrid, textColumns } from '../chunk/index.js';
import type { Block, CautionBlock, Document, StepBlock, TableBlock } from '../document/index.js';

/**
 * The document as GitHub-flavoured Markdown: headings, steps as ordered lists, cautions as block quotes
 * led by their signal word, tables as pipe tables with merged cells repeated.
 */

/**
 * A paragraph line that happens to read as Markdown structure (a heading, quote, list item, rule or setext
 * underline) is escaped; anything else is left alone, since a backslash before a letter or digit is printed
 * as is ("29.5" must not become "\29.5"). An ordered-list marker is escaped on its dot: "1\. 本文".
 */
function escapeLineStarts(text: string): string {
  return text
    .replace(/^([ \t]*)([-*_=])(?=(?:[ \t]*\2)*[ \t]*$)/gm, '$1\\$2')
    .replace(/^([ \t]*)(#{1,6}|[+\-*])(?=[ \t]|$)/gm, '$1\\$2')
    .replace(/^([ \t]*)>/gm, '$1\\>')
    .replace(/^([ \t]*)(\d{1,9})([.)])(?=[ \t]|$)/gm, '$1$2\\$3');
}

function stepMarkdown(step: StepBlock): string {
  const body = step.text.startsWith(step.marker) ? step.text.slice(step.marker.length) : step.text;
  return `${step.number}. ${body.trim()}`;
}

function cautionMarkdown(caution: CautionBlock): string {
  const body = caution.text.startsWith(caution.label)
    ? caution.text.slice(caution.label.length)
    : caution.text;
  return `**${caution.label}** ${body.trim()}`
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

function tableMarkdown(table: TableBlock): string {
  const grid = textColumns(tableGrid(table));
  const width = grid[0]?.length ?? 0;
  // GFM needs exactly one header row: extra header rows become body rows, a header-less table gets blanks.
  const header = table.headerRows > 0 && grid.length > 0 ? grid[0]! : Array.from({ length: width }, () => '');
  const body = table.headerRows > 0 ? grid.slice(1) : grid;
  const lines = [pipeRow(header), `|${' --- |'.repeat(width)}`, ...body.map(pipeRow)];
  return table.caption ? `**${table.caption}**\n\n${lines.join('\n')}` : lines.join('\n');
}

function fenced(text: string, language = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

export function blockMarkdown(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(Math.min(6, Math.max(1, block.level)))} ${block.text.trim()}`;
    case 'step':
      return stepMarkdown(block);
    case 'caution':
      return cautionMarkdown(block);
    case 'table':
      return tableMarkdown(block);
    case 'code':
      return fenced(block.text, block.language);
    case 'list-item': {
      const body = block.text.replace(/^[・•●◦\-*]\s*/, '');
      return `${'  '.repeat(block.depth)}${block.ordered ? '1.' : '-'} ${body.trim()}`;
    }
    case 'figure':
    case 'paragraph':
      return escapeLineStarts(block.text);
  }
}

const isListLine = (block: Block): boolean => block.kind === 'step' || block.kind === 'list-item';

export function toMarkdown(doc: Document): string {
  const blocks = doc.blocks.filter((b) => (b.kind === 'table' ? b.rows.length > 0 : b.text.trim() !== ''));
  let out = '';
  blocks.forEach((block, i) => {
    const prev = blocks[i - 1];
    if (prev) out += prev.kind === block.kind && isListLine(block) ? '\n' : '\n\n';
    out += blockMarkdown(block);
  });
  return `${out}\n`;
}
