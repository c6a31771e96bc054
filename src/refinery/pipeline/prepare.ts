/**
 * The part of refining that runs in a parse worker right after parsing: chunking, and tokenising every
 * chunk exactly as the corpus will index it. Tokenising (kuromoji above all) costs as much as parsing;
 * done here it uses every core instead of queueing on the thread that writes the store.
 */
import { type Chunk, chunkByStructure, chunkContent } from '../chunk/index.js';
import type { Document } from '../document/index.js';
import { type Analyzer, loadJapaneseAnalyzer, type ViewTokens } from '../index/index.js';

export interface PrepareOptions {
  readonly chunkSize: number;
  /** Tokenise with the default Japanese analyzer (the caller indexes with that same analyzer). */
  readonly analyse: boolean;
}

/** One indexed text and its tokens, as `Analyzer.unit` and `Analyzer.passages` give them. */
export interface AnalysedText {
  readonly text: string;
  readonly unit: ViewTokens;
  readonly passages: readonly ViewTokens[];
}

export interface Prepared {
  readonly chunks: readonly Chunk[];
  /** Empty when analysis was not asked for. */
  readonly analysed: readonly AnalysedText[];
}

/** The worker step (see `AfterParse`): chunks of `doc` and, when asked, their tokens. */
export async function prepareDocument(doc: Document, options: PrepareOptions): Promise<Prepared> {
  const chunks = chunkByStructure(doc, { size: options.chunkSize });
  if (!options.analyse || chunks.length === 0) return { chunks, analysed: [] };
  const analyzer = await loadJapaneseAnalyzer(); // the dictionary is loaded once per worker
  const analysed = chunks.map((chunk): AnalysedText => {
    const text = chunkContent(chunk);
    return { text, unit: analyzer.unit(text), passages: analyzer.passages?.(text) ?? [] };
  });
  return { chunks, analysed };
}

/** An analyzer that answers from tokens computed elsewhere while `withPrepared` runs. */
export interface PreparedAnalyzer extends Analyzer {
  /** Runs `use` (synchronously) with `analysed` served by text; any other text goes to the base analyzer. */
  withPrepared<T>(analysed: readonly AnalysedText[], use: () => T): T;
}

/** Wraps `base` so that texts analysed in a worker are not analysed again. */
export function preparedAnalyzer(base: Analyzer): PreparedAnalyzer {
  let ready = new Map<string, AnalysedText>();
  return {
    views: base.views,
    ...(base.passageViews === undefined ? {} : { passageViews: base.passageViews }),
    unit: (text) => ready.get(text)?.unit ?? base.unit(text),
    ...(base.passages === undefined
      ? {}
      : {
          passages: (text: string) =>
            (ready.get(text)?.passages as ViewTokens[] | undefined) ?? base.passages!(text),
        }),
    query: (text) => base.query(text),
    withPrepared(analysed, use) {
      ready = new Map(analysed.map((a) => [a.text, a]));
      try {
        return use();
      } finally {
        ready = new Map();
      }
    },
  };
}
