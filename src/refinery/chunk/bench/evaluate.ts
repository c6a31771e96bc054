import { bm25Index } from './bm25.js';
import { type RankScores, rankScores } from './metrics.js';

/** One chunk as a benchmark sees it, whichever chunker made it. */
export interface BenchChunk {
  /** What is indexed (for our chunker: header + text). */
  readonly content: string;
  /** The chunk's own text, where "contains the answer" is checked. */
  readonly text: string;
  /** The document it came from (an article, a book). */
  readonly group: string;
  /** [start, end) offsets into the document's text, when known. */
  readonly span?: readonly [number, number];
}

export interface BenchQuestion {
  readonly query: string;
  readonly group: string;
  readonly relevant: (chunk: BenchChunk) => boolean;
}

export interface MethodResult extends RankScores {
  readonly method: string;
  readonly chunks: number;
  /** Mean length of the chunks' own text, in characters. */
  readonly meanTextChars: number;
  /** Mean length of what is indexed (our context header included). */
  readonly meanIndexedChars: number;
  readonly questions: number;
  /** Questions for which some chunk contains the answer at all (the rest cannot be found by any ranking). */
  readonly answerable: number;
  /** Our chunker only: chunks cut inside a sentence (line, clause or character last resort). */
  readonly midSentenceCuts?: number;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

export function evaluateChunks(
  method: string,
  chunks: readonly BenchChunk[],
  questions: readonly BenchQuestion[],
  extra: { midSentenceCuts?: number } = {},
): MethodResult {
  const index = bm25Index(chunks.map((c) => c.content));
  const byGroup = new Map<string, number[]>();
  chunks.forEach((c, i) => {
    const list = byGroup.get(c.group) ?? [];
    list.push(i);
    byGroup.set(c.group, list);
  });
  const relevant = questions.map(
    (q) => new Set((byGroup.get(q.group) ?? []).filter((i) => q.relevant(chunks[i]!))),
  );
  const ranked = questions.map((q) => index.search(q.query, 20));
  return {
    method,
    chunks: chunks.length,
    meanTextChars: Math.round(mean(chunks.map((c) => c.text.length))),
    meanIndexedChars: Math.round(mean(chunks.map((c) => c.content.length))),
    questions: questions.length,
    answerable: relevant.filter((r) => r.size > 0).length,
    ...rankScores(ranked, relevant),
    ...extra,
  };
}

/** Where each LangChain chunk sits in the text, found the way LangChain's own splitter finds it. */
export function locateChunks(
  text: string,
  pieces: readonly string[],
): (readonly [number, number] | undefined)[] {
  let previous = -1;
  return pieces.map((piece) => {
    const at = text.indexOf(piece, previous + 1);
    if (at < 0) return undefined;
    previous = at;
    return [at, at + piece.length] as const;
  });
}
