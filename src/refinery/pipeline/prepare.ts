/**
 * The part of refining that runs in a parse worker right after parsing: chunking, and tokenising every
 * chunk into the rows the corpus will index. Tokenising (kuromoji above all) costs as much as parsing;
 * done here it uses every core instead of queueing on the thread that writes the store.
 */
import { type Chunk, chunkByStructure, chunkContent } from '../chunk/index.js';
import type { Document } from '../document/index.js';
import { type Analyzer, type IndexRows, indexRows, japaneseAnalyzer } from '../index/index.js';
import { loadMorphology, type MorphTokenizer } from '../text/index.js';
import { AnalyzerNotLoaded } from './errors.js';

export interface PrepareOptions {
  readonly chunkSize: number;
  /** Tokenise with the default Japanese analyzer (the caller indexes with that same analyzer). */
  readonly analyse: boolean;
}

export interface Prepared {
  readonly chunks: readonly Chunk[];
  /** Each chunk's index rows; empty when analysis was not asked for. */
  readonly rows: readonly IndexRows[];
}

/** The worker step (see `AfterParse`): chunks of `doc` and, when asked, their index rows. */
export async function prepareDocument(doc: Document, options: PrepareOptions): Promise<Prepared> {
  const chunks = chunkByStructure(doc, { size: options.chunkSize });
  if (!options.analyse || chunks.length === 0) return { chunks, rows: [] };
  const analyzer = await workerAnalyzer(); // the dictionary is loaded once per worker
  return { chunks, rows: chunks.map((chunk) => indexRows(analyzer, chunkContent(chunk))) };
}

let workerAnalysis: Promise<Analyzer> | undefined;

/** The worker's Japanese analyzer, its kuromoji results kept by sentence (see `bySentence`). */
function workerAnalyzer(): Promise<Analyzer> {
  workerAnalysis ??= loadMorphology().then((morph) => japaneseAnalyzer(bySentence(morph)));
  return workerAnalysis;
}

// Sentences kept per worker before the memo starts afresh (a bounded working set).
const sentenceMemo = 20_000;

/**
 * kuromoji cuts its input after every 、 and 。 and tokenises each piece alone, so a text's words are its
 * pieces' words in order, and a piece met again (a context header repeated on every chunk of a section)
 * need not be tokenised again: same words, less than half the work on table-heavy documents.
 */
export function bySentence(morph: MorphTokenizer): MorphTokenizer {
  let memo = new Map<string, readonly string[]>();
  return (text) => {
    const words: string[] = [];
    let from = 0;
    while (from < text.length) {
      const cut = nextCut(text, from);
      const piece = text.slice(from, cut);
      let found = memo.get(piece);
      if (found === undefined) {
        found = morph(piece);
        if (memo.size >= sentenceMemo) memo = new Map();
        memo.set(piece, found);
      }
      for (const w of found) words.push(w);
      from = cut;
    }
    return words;
  };
}

/** Just past the next 、 or 。 from `from`, or the end (kuromoji's `splitByPunctuation`). */
function nextCut(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3001 || c === 0x3002) return i + 1;
  }
  return text.length;
}

/**
 * The Japanese analyzer of the thread that stores: its views are known at once, its dictionary is loaded
 * only by `load()`, which refine awaits when a text comes without tokens made in a worker (a renamed file
 * chunked again). The workers tokenise everything else, so the thread that feeds them no longer spends a
 * core-second and a half loading kuromoji before the first file is handed out.
 */
export function deferredJapaneseAnalyzer(): { readonly analyzer: Analyzer; load(): Promise<void> } {
  let morph: MorphTokenizer | undefined;
  const analyzer = japaneseAnalyzer((text) => {
    if (morph === undefined) throw new AnalyzerNotLoaded();
    return morph(text);
  });
  return {
    analyzer,
    async load() {
      morph ??= await loadMorphology();
    },
  };
}
