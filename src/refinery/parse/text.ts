/**
 * Plain text: paragraphs separated by blank lines; numbered steps (①, (1), 手順1, 1.), cautions (注意：…) and
 * numbered headings (第1章, 1.1) start their own block even without a blank line. Continuation lines join the
 * block above. Each block records its character span and lines in the decoded text.
 */
import type { Parser } from '../document/index.js';
import {
  type BlockDraft,
  buildBlocks,
  bulletOf,
  classifyLine,
  createTextClassifier,
} from '../structure/index.js';
import { decodeText } from './encoding.js';
import { EmptyFile } from './errors.js';
import { type SourceLine, splitLines } from './lines.js';

export const parseText: Parser = async (bytes, source) => {
  const { text, encoding } = decodeText(bytes, source.uri);
  if (text.trim() === '') throw new EmptyFile(source.uri);
  const drafts = textDrafts(text);
  const title = titleOf(drafts);
  return {
    source,
    metadata: title === undefined ? { encoding } : { encoding, title },
    blocks: buildBlocks(title === undefined ? drafts : titledOutline(drafts)),
  };
};

/** Blocks of a decoded text, spans into `text`. Exposed for formats that embed plain text. */
export function textDrafts(text: string): BlockDraft[] {
  const classifier = createTextClassifier({ headings: true });
  return groupLines(splitLines(text)).map((group) => {
    const first = group[0]!;
    const last = group[group.length - 1]!;
    const start = first.start + (first.text.length - first.text.trimStart().length);
    const end = last.start + last.text.trimEnd().length;
    const draft = classifier.block(text.slice(start, end), {
      span: [start, end],
      lines: [first.number, last.number],
    });
    // The classifier sees the text without its indentation; nesting comes from the line as written.
    return draft.kind === 'list-item' ? { ...draft, depth: bulletOf(first.text)?.depth ?? 0 } : draft;
  });
}

function groupLines(lines: readonly SourceLine[]): SourceLine[][] {
  const groups: SourceLine[][] = [];
  let current: SourceLine[] | undefined;
  let closed = false;
  for (const line of lines) {
    if (line.text.trim() === '') {
      current = undefined;
      continue;
    }
    const c = classifyLine(line.text);
    const bullet = c === null && bulletOf(line.text) !== undefined;
    if (current !== undefined && c === null && !bullet && !closed) {
      current!.push(line);
      continue;
    }
    current = [line];
    groups.push(current);
    // A heading is one line: what follows it starts a new block.
    closed = c?.kind === 'heading';
  }
  return groups;
}

/**
 * A title line above chapters reads as the document's top heading: it becomes a level-1 heading and the
 * chapters move one level down, so every section's heading path starts at the title. A titled note without
 * headings keeps its first line as a paragraph (there is no outline to put it on).
 */
function titledOutline(drafts: readonly BlockDraft[]): BlockDraft[] {
  const [first, ...rest] = drafts;
  const levels = rest.flatMap((d) => (d.kind === 'heading' ? [d.level] : []));
  if (first?.kind !== 'paragraph' || levels.length === 0) return [...drafts];
  const shift = Math.min(...levels) <= 1 ? 1 : 0;
  return [
    { kind: 'heading', level: 1, text: first.text, location: first.location },
    ...rest.map((d) => (d.kind === 'heading' ? { ...d, level: d.level + shift } : d)),
  ];
}

/** A short one-line paragraph before any heading is the document's title (the usual cover line). */
function titleOf(drafts: readonly BlockDraft[]): string | undefined {
  const first = drafts[0];
  if (first?.kind !== 'paragraph' || first.text.includes('\n') || [...first.text].length > 60)
    return undefined;
  return first.text;
}
