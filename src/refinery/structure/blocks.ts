/**
 * Turns a parser's blocks-in-reading-order (without ids or heading paths) into final blocks: ids `b0…`,
 * heading paths from the heading levels, and each step's procedure (the heading it sits under).
 * Parsers only say what they saw; the tree is derived here once, the same way for every format.
 */
import type { Block } from '../document/index.js';

type DraftOf<B> = B extends Block ? Omit<B, 'id' | 'headingPath' | 'procedure'> : never;

/** A block as a parser emits it: everything but the fields derived from its position. */
export type BlockDraft = DraftOf<Block>;

export interface BuildOptions {
  /** Titles that enclose the whole document (e.g. a sheet name), prepended to every heading path. */
  readonly rootPath?: readonly string[];
  /** First id number; lets a caller append blocks built separately. Default 0. */
  readonly firstId?: number;
}

interface OpenHeading {
  readonly id: string;
  readonly level: number;
  readonly title: string;
}

/** Assigns ids in reading order, heading paths (outermost first, own title excluded) and step procedures. */
export function buildBlocks(drafts: readonly BlockDraft[], options: BuildOptions = {}): Block[] {
  const root = options.rootPath ?? [];
  const first = options.firstId ?? 0;
  const open: OpenHeading[] = [];
  return drafts.map((draft, i): Block => {
    const id = `b${first + i}`;
    if (draft.kind === 'heading') {
      while (open.length > 0 && open[open.length - 1]!.level >= draft.level) open.pop();
      const headingPath = [...root, ...open.map((h) => h.title)];
      open.push({ id, level: draft.level, title: headingTitle(draft.text) });
      return { ...draft, id, headingPath };
    }
    const headingPath = [...root, ...open.map((h) => h.title)];
    if (draft.kind === 'step') {
      const procedure = open[open.length - 1]?.id;
      return procedure === undefined
        ? { ...draft, id, headingPath }
        : { ...draft, id, headingPath, procedure };
    }
    return { ...draft, id, headingPath };
  });
}

/** The title a heading contributes to paths: its text on one line, whitespace collapsed. */
export function headingTitle(text: string): string {
  return text.replace(/[ \t\r\n]+/g, ' ').trim();
}
