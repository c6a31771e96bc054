import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { emmaFiles, loadEmma } from '../chunk/bench/emma.js';
import {
  type BenchChunk,
  type BenchQuestion,
  type ChunkBenchmarkReport,
  runChunkBenchmark,
} from '../chunk/bench/index.js';
import { jsquadFiles, loadJsquad } from '../chunk/bench/jsquad.js';
import { recursiveChunks } from '../chunk/bench/langchain.js';
import { chunkByStructure, chunkContent } from '../chunk/index.js';
import type { Document } from '../document/index.js';
import {
  type Analyzer,
  createMemoryIndex,
  createSqliteIndex,
  japaneseWeights,
  loadJapaneseAnalyzer,
  type RankWeights,
} from '../index/index.js';
import { type BenchmarkOptions, baselineWeights, bigramBaseline } from './allganize.js';
import { wordBaseline, wordBaselineWeights } from './anthropic.js';
import { InvalidDataset } from './errors.js';
import { collapseHits, compareRankers, type EvalQuery, type RetrievalComparison } from './retrieval-run.js';

export type ChunkedBenchmarkName = 'jsquad' | 'lumberchunker-emma';

export interface ChunkedResult extends RetrievalComparison {
  readonly benchmark: ChunkedBenchmarkName;
  /** Our chunk budget in characters, context header included. */
  readonly size: number;
  readonly chunks: number;
  readonly meanChunkChars: number;
  readonly baselineChunks: number;
  readonly baselineMeanChars: number;
  readonly baselineName: string;
  readonly indexMs: number;
  /** Every chunking (ours, LangChain's, precomputed sets) scored on one plain BM25: chunking alone compared. */
  readonly chunkers: ChunkBenchmarkReport;
}

interface Corpus {
  readonly documents: readonly { readonly group: string; readonly doc: Document; readonly text: string }[];
  readonly questions: readonly BenchQuestion[];
  /** The usual pipeline's BM25 for this language: char bigrams for Japanese, words for English. */
  readonly baseline: { readonly name: string; readonly analyzer: Analyzer; readonly weights: RankWeights };
}

/** A missing or unreadable dataset file is the caller's mistake (a wrong --datasets), named in one line. */
async function requireFiles(
  datasetsDir: string,
  { folder, files }: { folder: string; files: readonly string[] },
) {
  const dir = join(datasetsDir, folder);
  for (const file of files) {
    try {
      await access(join(dir, file), constants.R_OK);
    } catch {
      throw new InvalidDataset(file, `cannot be read from ${dir}`);
    }
  }
}

async function corpusOf(name: ChunkedBenchmarkName, datasetsDir: string): Promise<Corpus> {
  await requireFiles(datasetsDir, name === 'jsquad' ? jsquadFiles : emmaFiles);
  if (name === 'jsquad') {
    const { articles, questions } = await loadJsquad(datasetsDir);
    return {
      documents: articles.map((a, i) => ({ group: String(i), doc: a.doc, text: a.text })),
      questions,
      baseline: { name: 'char-bigram BM25', analyzer: bigramBaseline, weights: baselineWeights },
    };
  }
  const { doc, text, questions } = await loadEmma(datasetsDir);
  return {
    documents: [{ group: 'emma', doc, text }],
    questions,
    baseline: { name: 'word BM25', analyzer: wordBaseline, weights: wordBaselineWeights },
  };
}

const meanLength = (chunks: readonly BenchChunk[]) =>
  chunks.reduce((n, c) => n + c.text.length, 0) / Math.max(1, chunks.length);

/**
 * A chunk-must-contain benchmark end to end: our structure chunks in the product's index (SQLite FTS5,
 * Japanese analyzer, default weights) against LangChain's RecursiveCharacterTextSplitter 1000/200 with a plain
 * BM25. A hit is a chunk of the question's document that contains its answer; overlapping chunks that both
 * contain it count once, at the first.
 */
export async function runChunked(
  name: ChunkedBenchmarkName,
  options: BenchmarkOptions & { readonly size?: number },
): Promise<ChunkedResult> {
  const log = options.log ?? (() => {});
  const size = options.size ?? 1000;
  const corpus = await corpusOf(name, options.datasetsDir);
  log(`${name}: ${corpus.documents.length} documents, ${corpus.questions.length} questions`);

  const ours = corpus.documents.flatMap(({ group, doc }) =>
    chunkByStructure(doc, { size }).map((c) => ({
      id: `${group}#c${c.index}`,
      order: c.index,
      chunk: { content: chunkContent(c), text: c.text, group, span: c.location.span } satisfies BenchChunk,
    })),
  );
  const theirs = (
    await recursiveChunks(
      corpus.documents.map(({ group, text }) => ({ group, text })),
      1000,
    )
  ).map((chunk, i) => ({ id: `lc${i}`, order: i, chunk }));

  const started = performance.now();
  const db = new Database(':memory:');
  try {
    const index = createSqliteIndex(db, 'chunked', {
      analyzer: await loadJapaneseAnalyzer(),
      weights: options.weights ?? japaneseWeights,
    });
    index.add(ours.map(({ id, order, chunk }) => ({ id, docId: chunk.group, order, text: chunk.content })));
    const indexMs = performance.now() - started;
    const baseline = createMemoryIndex(corpus.baseline);
    baseline.add(theirs.map(({ id, order, chunk }) => ({ id, docId: chunk.group, order, text: chunk.text })));

    const chunkOf = new Map([...ours, ...theirs].map((u) => [u.id, u.chunk]));
    const questionOf = new Map<string, BenchQuestion>();
    const queries: EvalQuery[] = corpus.questions.map((q, i) => {
      const id = `q${i + 1}`;
      questionOf.set(id, q);
      return {
        id,
        text: q.query,
        relevant: new Set([id]),
        labels: {},
        half: i % 2 === 0 ? 'tuning' : 'test',
      };
    });
    // A hit of the question's document containing its answer becomes the question's id, so both chunkings
    // share one relevant set.
    const answered = (ids: readonly string[], question: EvalQuery, k: number) => {
      const q = questionOf.get(question.id)!;
      const answers = (id: string) => {
        const chunk = chunkOf.get(id);
        return chunk !== undefined && chunk.group === q.group && q.relevant(chunk);
      };
      return collapseHits(ids, answers, question.id, k);
    };
    const comparison = compareRankers(
      queries,
      (text, k, q) =>
        answered(
          index.search(text, k * 2).map((h) => h.unitId),
          q,
          k,
        ),
      (text, k, q) =>
        answered(
          baseline.search(text, k * 2).map((h) => h.unitId),
          q,
          k,
        ),
      () => performance.now(),
    );
    const chunkers = await runChunkBenchmark(name, { datasetsDir: options.datasetsDir, size });
    return {
      benchmark: name,
      size,
      chunks: ours.length,
      meanChunkChars: meanLength(ours.map((u) => u.chunk)),
      baselineChunks: theirs.length,
      baselineMeanChars: meanLength(theirs.map((u) => u.chunk)),
      baselineName: corpus.baseline.name,
      indexMs,
      chunkers,
      ...comparison,
    };
  } finally {
    db.close();
  }
}
