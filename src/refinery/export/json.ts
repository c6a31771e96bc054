import type { Block, Document, DocumentMetadata, SourceInfo } from '../document/index.js';

/** A block in the tree: headings hold the blocks (and sub-headings) under them. */
export type BlockNode = Block & { readonly children?: readonly BlockNode[] };

export interface DocumentTree {
  readonly source: SourceInfo;
  readonly metadata: DocumentMetadata;
  /** Blocks before the first heading, then the top-level headings. */
  readonly children: readonly BlockNode[];
}

/** The blocks nested under their headings by level; reading order is kept at every level. */
export function blockTree(doc: Document): DocumentTree {
  const root: BlockNode[] = [];
  // Open headings, outermost first, each with the children gathered so far.
  const open: { level: number; children: BlockNode[] }[] = [];
  const attach = (node: BlockNode): void => {
    (open.at(-1)?.children ?? root).push(node);
  };
  for (const block of doc.blocks) {
    if (block.kind !== 'heading') {
      attach(block);
      continue;
    }
    while (open.length > 0 && open.at(-1)!.level >= block.level) open.pop();
    const children: BlockNode[] = [];
    attach({ ...block, children });
    open.push({ level: block.level, children });
  }
  return { source: doc.source, metadata: doc.metadata, children: root };
}

export function toJson(doc: Document): string {
  return `${JSON.stringify(blockTree(doc), null, 2)}\n`;
}
