import {
  bigramTokens,
  charGramTokens,
  identifierTokens,
  loadMorphology,
  type MorphTokenizer,
  normalise,
  numberTokens,
  stripQuestionBoilerplate,
} from '../text/index.js';

/** Tokens of one text per lexical view. */
export type ViewTokens = Readonly<Record<string, readonly string[]>>;

/** Turns unit and query text into the lexical views an index stores and searches. */
export interface Analyzer {
  readonly views: readonly string[];
  unit(text: string): ViewTokens;
  query(text: string): ViewTokens;
}

/** Japanese (and mixed) prose: character bigrams, kuromoji base forms, numbers with units. */
export function japaneseAnalyzer(morph: MorphTokenizer): Analyzer {
  return {
    views: ['bigram', 'morph', 'numbers'],
    unit(text) {
      const n = normalise(text);
      return { bigram: bigramTokens(n), morph: morph(n), numbers: numberTokens(n) };
    },
    query(text) {
      const n = normalise(text);
      const topic = stripQuestionBoilerplate(n);
      return { bigram: bigramTokens(topic), morph: morph(topic), numbers: numberTokens(n) };
    },
  };
}

/** The Japanese analyzer once kuromoji's dictionary is loaded. */
export async function loadJapaneseAnalyzer(): Promise<Analyzer> {
  return japaneseAnalyzer(await loadMorphology());
}

/** English prose and source code: identifier-aware stemmed words and character 4-grams. */
export function codeAnalyzer(): Analyzer {
  const analyse = (text: string): ViewTokens => ({
    word: identifierTokens(text.normalize('NFKC')),
    char4: charGramTokens(text.normalize('NFKC')),
  });
  return { views: ['word', 'char4'], unit: analyse, query: analyse };
}
