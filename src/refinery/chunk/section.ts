import type { Block } from '../document/index.js';

/** A heading's run of content: the blocks under one heading path, in reading order. */
export interface Section {
  readonly path: readonly string[];
  readonly blocks: readonly Block[];
}

function pathOf(block: Block): readonly string[] {
  return block.kind === 'heading' ? [...block.headingPath, block.text.trim()] : block.headingPath;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

export function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => part === path[i]);
}

function isEmpty(block: Block): boolean {
  return block.kind === 'table' ? block.rows.length === 0 : block.text.trim() === '';
}

/**
 * Blocks grouped by heading path. A section holding nothing but headings (a chapter title straight before
 * its first subsection) is folded into the next section when that one lies under it, so no chunk is a bare
 * chapter title.
 */
export function sections(blocks: readonly Block[]): Section[] {
  const grouped: { path: readonly string[]; blocks: Block[] }[] = [];
  for (const block of blocks) {
    if (isEmpty(block)) continue;
    const path = pathOf(block);
    const last = grouped.at(-1);
    if (last && block.kind !== 'heading' && samePath(last.path, path)) last.blocks.push(block);
    else grouped.push({ path, blocks: [block] });
  }
  const out: Section[] = [];
  let pending: Block[] = [];
  grouped.forEach((section, i) => {
    const next = grouped[i + 1];
    const onlyHeadings = section.blocks.every((b) => b.kind === 'heading');
    if (onlyHeadings && next && startsWith(next.path, section.path)) {
      pending = [...pending, ...section.blocks];
      return;
    }
    out.push({ path: section.path, blocks: [...pending, ...section.blocks] });
    pending = [];
  });
  return out;
}
