import type { BlockKind } from '../document/index.js';

/** Where a chunk came from: the union of its blocks' locations (ranges, never a single point). */
export interface ChunkLocation {
  /** First and last 1-based page (PDF) or slide (PPTX). */
  readonly pages?: readonly [number, number];
  /** [start, end) UTF-16 offsets into the decoded source text, narrowed to the chunk's own part of a block. */
  readonly span?: readonly [number, number];
  /** First and last 1-based source line. */
  readonly lines?: readonly [number, number];
  /** First and last 0-based DOCX body paragraph. */
  readonly paragraphs?: readonly [number, number];
  /** XLSX/CSV sheets in reading order, without repeats. */
  readonly sheets?: readonly string[];
  /**
   * A1 ranges: one bounding rectangle per sheet (`ranges[i]` lies in `sheets[i]`), narrowed to the rows of
   * a split table's part. Ranges that do not parse as A1 are listed as given.
   */
  readonly ranges?: readonly string[];
}

/**
 * The finest cut at either end of a chunk: `block` (between blocks), `row` (between rows of a split table),
 * `sentence` (between whole sentences of a longer block). The rest only happen to one sentence longer than
 * the budget: `line` (at a line break inside it: lists or tables pasted as text), then `clause` (after 、 ,)
 * and `character` as the last resort. Rare, and reported by `midSentenceCuts`.
 */
export type ChunkCut = 'block' | 'row' | 'sentence' | 'line' | 'clause' | 'character';

export interface Chunk {
  /** UUID-shaped hash of source sha256 + block ids + part index: stable across re-refining an unchanged file. */
  readonly id: string;
  /** 0-based position in the document's chunk list. */
  readonly index: number;
  /** Original text for display: blocks joined by blank lines, tables as pipe rows. */
  readonly text: string;
  /** Deterministic header: document title › heading path › table caption. Counts against the budget. */
  readonly context: string;
  /** Leading part of `text` (UTF-16 units) repeated from the previous chunk when the budget asked for overlap. */
  readonly overlap: number;
  readonly blockIds: readonly string[];
  readonly kinds: readonly BlockKind[];
  readonly headingPath: readonly string[];
  /**
   * Where each section packed into this chunk starts in `text`, with its own heading path, when the chunk
   * holds several (short sections under `headingPath`): what a hit inside the text is under.
   */
  readonly sections?: readonly { readonly start: number; readonly headingPath: readonly string[] }[];
  readonly location: ChunkLocation;
  readonly source: { readonly uri: string; readonly sha256: string };
  /** The coarsest cut at either end of this chunk; anything finer than `sentence` cut inside a sentence. */
  readonly cut: ChunkCut;
  /** Optional LLM-written situating context (see `contextualise`); not counted against the budget. */
  readonly situatedContext?: string;
}

/** The string to embed or index: header, optional situating context, then the text. Budgeted without the LLM part. */
export function chunkContent(chunk: Pick<Chunk, 'context' | 'text' | 'situatedContext'>): string {
  return [chunk.context, chunk.situatedContext, chunk.text].filter((part) => part).join('\n\n');
}

/** How many chunks had to be cut inside a sentence, by cut kind: the "report it" of the last-resort splits. */
export function midSentenceCuts(chunks: readonly Chunk[]): {
  line: number;
  clause: number;
  character: number;
} {
  const count = (cut: ChunkCut) => chunks.filter((c) => c.cut === cut).length;
  return { line: count('line'), clause: count('clause'), character: count('character') };
}
