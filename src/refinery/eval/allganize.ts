import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {
  type Analyzer,
  createMemoryIndex,
  createSqliteIndex,
  type IndexUnit,
  japaneseWeights,
  loadJapaneseAnalyzer,
  type RankWeights,
} from '../index/index.js';
import { numberField, readJsonLines, readText, stringField } from './dataset.js';
import { InvalidDataset } from './errors.js';
import {
  compareRankers,
  type EvalQuery,
  type MetricSummary,
  type RetrievalComparison,
  scoreQuery,
  summarise,
} from './retrieval-run.js';

export interface BenchmarkOptions {
  /** The folder holding `allganize-ja/`, `anthropic-contextual/` … (`../shared/datasets` in CI). */
  readonly datasetsDir: string;
  readonly log?: (message: string) => void;
  /** Ranking weights to evaluate instead of the defaults (tuning on the odd half). */
  readonly weights?: RankWeights;
  /** manufacturing-pdfs: OCR pages without a usable text layer (needs tesseract + pdftoppm). Default true. */
  readonly ocr?: boolean;
}

export interface AllganizeResult extends RetrievalComparison {
  readonly benchmark: 'allganize';
  readonly units: number;
  readonly indexMs: number;
  readonly weights: RankWeights;
}

const dir = 'allganize-ja';

/**
 * Page retrieval over the 2,126 PDF pages of Allganize RAG-Evaluation-Dataset-JA: the five-view SQLite FTS5
 * index against a char-bigram BM25 baseline, odd questions for tuning and even ones for test.
 */
export async function runAllganize(options: BenchmarkOptions): Promise<AllganizeResult> {
  const log = options.log ?? (() => {});
  const weights = options.weights ?? japaneseWeights;
  const root = `${options.datasetsDir}/${dir}`;
  const units = await loadPages(root);
  const queries = await loadQueries(root);
  log(`allganize: ${units.length} pages, ${queries.length} questions`);

  const started = performance.now();
  const analyzer = await loadJapaneseAnalyzer();
  const db = new Database(':memory:');
  try {
    const index = createSqliteIndex(db, 'allganize', { analyzer, weights });
    index.add(units);
    const indexMs = performance.now() - started;
    log(`allganize: indexed in ${Math.round(indexMs)} ms`);
    const baseline = createMemoryIndex({ analyzer: bigramBaseline, weights: baselineWeights });
    baseline.add(units);
    const comparison = compareRankers(
      queries,
      (q, k) => index.search(q, k).map((h) => h.unitId),
      (q, k) => baseline.search(q, k).map((h) => h.unitId),
      () => performance.now(),
    );
    return { benchmark: 'allganize', units: units.length, indexMs, weights, ...comparison };
  } finally {
    db.close();
  }
}

/**
 * The tuning loop: indexes the pages once and scores each weight set on the odd-numbered (tuning) questions
 * only — the test half is never ranked here, so a sweep cannot choose by it. Weight sets differ only at
 * search time, so a sweep of many costs one indexing (~40 s) plus ~1 s per set.
 */
export async function sweepAllganize(
  options: Pick<BenchmarkOptions, 'datasetsDir' | 'log'>,
  variants: Readonly<Record<string, RankWeights>>,
): Promise<Record<string, MetricSummary>> {
  const log = options.log ?? (() => {});
  const root = `${options.datasetsDir}/${dir}`;
  const units = await loadPages(root);
  const tuning = (await loadQueries(root)).filter((q) => q.half === 'tuning');
  const db = new Database(':memory:');
  try {
    const index = createSqliteIndex(db, 'allganize', {
      analyzer: await loadJapaneseAnalyzer(),
      weights: japaneseWeights,
    });
    index.add(units);
    log(`allganize sweep: ${units.length} pages indexed, ${tuning.length} tuning questions`);
    const out: Record<string, MetricSummary> = {};
    for (const [name, weights] of Object.entries(variants)) {
      out[name] = summarise(
        tuning.map((q) =>
          scoreQuery(
            index.search(q.text, 20, { weights }).map((h) => h.unitId),
            q.relevant,
          ),
        ),
      );
    }
    return out;
  } finally {
    db.close();
  }
}

/** The usual pipeline: NFKC + lower-case, every character bigram of title + text, plain BM25. */
export const bigramBaseline: Analyzer = {
  views: ['bigram'],
  unit: (text) => ({ bigram: plainBigrams(text) }),
  query: (text) => ({ bigram: plainBigrams(text) }),
};
export const baselineWeights: RankWeights = { views: { bigram: 1 }, docPrior: {}, neighbour: 0 };

function plainBigrams(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.normalize('NFKC').toLowerCase().split(/\s+/)) {
    const chars = Array.from(word);
    if (chars.length === 1) tokens.push(word);
    for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i]! + chars[i + 1]!);
  }
  return tokens;
}

async function loadPages(root: string): Promise<IndexUnit[]> {
  const file = 'corpus.jsonl';
  return (await readJsonLines(root, file)).map((r) => ({
    id: stringField(r, '_id', file),
    docId: stringField(r, 'file', file),
    order: numberField(r, 'page', file),
    context: stringField(r, 'title', file),
    text: stringField(r, 'text', file),
  }));
}

async function loadQueries(root: string): Promise<EvalQuery[]> {
  const relevant = new Map<string, Set<string>>();
  for (const line of (await readText(root, 'qrels.tsv')).split('\n').slice(1)) {
    const [query, unit, score] = line.split('\t');
    if (!query || !unit || Number(score) <= 0) continue;
    relevant.set(query, (relevant.get(query) ?? new Set()).add(unit));
  }
  const file = 'queries.jsonl';
  return (await readJsonLines(root, file)).map((r) => {
    const id = stringField(r, '_id', file);
    const number = Number(id.replace(/\D/g, ''));
    if (!Number.isInteger(number)) throw new InvalidDataset(file, `query id ${id} has no number`);
    return {
      id,
      text: stringField(r, 'text', file),
      relevant: relevant.get(id) ?? new Set<string>(),
      labels: { domain: stringField(r, 'domain', file), context: stringField(r, 'context_type', file) },
      half: number % 2 === 1 ? 'tuning' : 'test',
    };
  });
}
