import { InvalidInput } from '../../../errors/index.js';
import { runEmma } from './emma.js';
import type { MethodResult } from './evaluate.js';
import { runJsquad } from './jsquad.js';
import { CUTOFFS } from './metrics.js';

export const CHUNK_BENCHMARKS = ['jsquad', 'lumberchunker-emma'] as const;
export type ChunkBenchmarkName = (typeof CHUNK_BENCHMARKS)[number];

export interface ChunkBenchmarkOptions {
  /** The folder holding `jsquad/` and `lumberchunker-emma/` (in CI: `../shared/datasets`). */
  readonly datasetsDir: string;
  /** Our chunker's budget in characters, context header included. Default 1000, LangChain's chunk size. */
  readonly size?: number;
}

export interface ChunkBenchmarkReport {
  readonly benchmark: ChunkBenchmarkName;
  readonly size: number;
  readonly methods: readonly MethodResult[];
}

/** Our structure-aware chunker against LangChain's RecursiveCharacterTextSplitter (1000/200) on one BM25. */
export async function runChunkBenchmark(
  name: string,
  { datasetsDir, size = 1000 }: ChunkBenchmarkOptions,
): Promise<ChunkBenchmarkReport> {
  if (name === 'jsquad') return { benchmark: name, size, methods: await runJsquad(datasetsDir, size) };
  if (name === 'lumberchunker-emma')
    return { benchmark: name, size, methods: await runEmma(datasetsDir, size) };
  throw new InvalidInput('chunk.unknown-benchmark', `unknown chunk benchmark ${JSON.stringify(name)}`, {
    name,
    known: CHUNK_BENCHMARKS,
  });
}

const pct = (x: number) => (100 * x).toFixed(1);

/** The report as a Markdown table: chunk count, mean length, recall@k and DCG@k. */
export function formatChunkBenchmark(report: ChunkBenchmarkReport): string {
  const head = [
    'method',
    'chunks',
    'mean chars',
    'answerable',
    ...CUTOFFS.map((k) => `R@${k}`),
    ...CUTOFFS.map((k) => `DCG@${k}`),
  ];
  const rows = report.methods.map((m) => [
    m.method,
    String(m.chunks),
    String(m.meanTextChars),
    `${m.answerable}/${m.questions}`,
    ...CUTOFFS.map((k) => pct(m.recall[k])),
    ...CUTOFFS.map((k) => pct(m.dcg[k])),
  ]);
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
