import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {
  type Analyzer,
  codeAnalyzer,
  codeWeights,
  createMemoryIndex,
  createSqliteIndex,
  type IndexUnit,
  type RankWeights,
} from '../index/index.js';
import type { BenchmarkOptions } from './allganize.js';
import { readJsonLines, readText } from './dataset.js';
import { InvalidDataset } from './errors.js';
import { compareRankers, type EvalQuery, type RetrievalComparison } from './retrieval-run.js';

export interface AnthropicResult extends RetrievalComparison {
  readonly benchmark: 'anthropic-contextual';
  readonly units: number;
  readonly indexMs: number;
  readonly weights: RankWeights;
}

const dir = 'anthropic-contextual';

/**
 * The Anthropic contextual-retrieval cookbook's code benchmark: 737 pre-made chunks of 90 source files,
 * Pass@k = golden chunks in the top k / golden chunks (recall@k, as the notebook computes it). Identifier-aware
 * words + character 4-grams + whole-file prior, against word BM25 on the raw chunks.
 */
export async function runAnthropicContextual(options: BenchmarkOptions): Promise<AnthropicResult> {
  const log = options.log ?? (() => {});
  const weights = options.weights ?? codeWeights;
  const root = `${options.datasetsDir}/${dir}`;
  const units = await loadChunks(root);
  const queries = await loadQueries(root);
  log(`anthropic-contextual: ${units.length} chunks, ${queries.length} queries`);
  const started = performance.now();
  const db = new Database(':memory:');
  try {
    const index = createSqliteIndex(db, 'anthropic', { analyzer: codeAnalyzer(), weights });
    index.add(units);
    const indexMs = performance.now() - started;
    const baseline = createMemoryIndex({ analyzer: wordBaseline, weights: wordBaselineWeights });
    baseline.add(units);
    const comparison = compareRankers(
      queries,
      (q, k) => index.search(q, k).map((h) => h.unitId),
      (q, k) => baseline.search(q, k).map((h) => h.unitId),
      () => performance.now(),
    );
    return { benchmark: 'anthropic-contextual', units: units.length, indexMs, weights, ...comparison };
  } finally {
    db.close();
  }
}

/** Lower-cased words, plain BM25: the cookbook's BM25 without its Elasticsearch analyser. */
export const wordBaseline: Analyzer = {
  views: ['word'],
  unit: (text) => ({ word: text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [] }),
  query: (text) => ({ word: text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [] }),
};
export const wordBaselineWeights: RankWeights = { views: { word: 1 }, docPrior: {}, neighbour: 0 };

interface RawChunk {
  readonly original_index: number;
  readonly content: string;
}
interface RawDocument {
  readonly original_uuid: string;
  readonly chunks: readonly RawChunk[];
}

async function loadChunks(root: string): Promise<IndexUnit[]> {
  const file = 'codebase_chunks.json';
  const parsed = JSON.parse(await readText(root, file)) as unknown;
  if (!Array.isArray(parsed)) throw new InvalidDataset(file, 'is not a list of documents');
  return (parsed as RawDocument[]).flatMap((doc) =>
    doc.chunks.map((chunk) => ({
      id: `${doc.original_uuid}:${chunk.original_index}`,
      docId: doc.original_uuid,
      order: chunk.original_index,
      text: chunk.content,
    })),
  );
}

async function loadQueries(root: string): Promise<EvalQuery[]> {
  const file = 'evaluation_set.jsonl';
  return (await readJsonLines(root, file)).map((record, i) => {
    const r = record as { query?: unknown; golden_chunk_uuids?: unknown };
    if (typeof r.query !== 'string' || !Array.isArray(r.golden_chunk_uuids)) {
      throw new InvalidDataset(file, `line ${i + 1} lacks query or golden_chunk_uuids`);
    }
    const golden = (r.golden_chunk_uuids as [string, number][]).map(([uuid, index]) => `${uuid}:${index}`);
    return {
      id: `q${i + 1}`,
      text: r.query,
      relevant: new Set(golden),
      labels: {},
      half: (i + 1) % 2 === 1 ? 'tuning' : 'test',
    };
  });
}
