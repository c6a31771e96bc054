import { formatChunkBenchmark } from '../chunk/bench/run.js';
import type { AllganizeResult } from './allganize.js';
import type { AnthropicResult } from './anthropic.js';
import type { Interval } from './bootstrap.js';
import type { ChunkedResult } from './chunked.js';
import type { ManufacturingResult } from './manufacturing.js';
import type { HalfResult, MetricSummary } from './retrieval-run.js';

export type BenchmarkResult = AllganizeResult | AnthropicResult | ManufacturingResult | ChunkedResult;

const pct = (v: number | undefined) => (v ?? 0).toFixed(1).padStart(5);
const frac = (v: number) => v.toFixed(3).padStart(6);

function row(label: string, m: MetricSummary): string {
  const cells = [1, 5, 10, 20].map((k) => pct(m.recall[k])).join(' │ ');
  return `${label.padEnd(26)}│ ${String(m.n).padStart(3)} │ ${cells} │ ${frac(m.mrr10)} │ ${frac(m.ndcg10)}`;
}

function interval(name: string, i: Interval, scale: number, digits: number): string {
  const f = (v: number) => (v * scale).toFixed(digits);
  const verdict = i.low > 0 ? 'above zero' : i.high < 0 ? 'below zero' : 'includes zero';
  return `  Δ ${name}: ${f(i.delta)} [${f(i.low)}, ${f(i.high)}] (${verdict})`;
}

function half(name: string, h: HalfResult, recallName: string): string[] {
  const header = `${name.padEnd(26)}│   n │ ${[1, 5, 10, 20].map((k) => `${recallName}${k}`.padStart(5)).join(' │ ')} │ MRR@10 │ nDCG10`;
  const lines = [header, row('  system', h.system), row('  baseline', h.baseline)];
  for (const [label, values] of Object.entries(h.by)) {
    for (const [value, m] of Object.entries(values)) lines.push(row(`  ${label}=${value}`, m));
  }
  lines.push(
    interval(`${recallName}20 (points)`, h.delta.recall20, 1, 1),
    interval('MRR@10', h.delta.mrr10, 1, 3),
  );
  return lines;
}

/** A readable plain-text table of a benchmark result (halves, breakdowns, intervals, timings). */
export function formatReport(result: BenchmarkResult): string {
  const recallName = result.benchmark === 'anthropic-contextual' ? 'P@' : 'R@';
  const title =
    'chunkers' in result
      ? `${result.benchmark} chunk retrieval (chunk must contain the answer) — system = structure chunks ${result.size} (${result.chunks}, mean ${Math.round(result.meanChunkChars)} chars) in the SQLite FTS5 index; baseline = LangChain 1000/200 (${result.baselineChunks}, mean ${Math.round(result.baselineMeanChars)} chars) + ${result.baselineName}`
      : result.benchmark === 'allganize'
        ? `allganize-ja page retrieval — ${result.units} pages; system = bigram + morph + numbers + best passage, doc prior, neighbours (SQLite FTS5); baseline = char-bigram BM25`
        : result.benchmark === 'manufacturing-pdfs'
          ? `allganize-ja end to end on ${result.files} raw PDFs (${result.pages} pages, OCR ${result.ocr ? `on: ${result.ocrPages} pages, text in images on ${result.figurePages}` : 'off'}) — ${result.chunks} structure chunks (mean ${Math.round(result.meanChunkChars)} chars); page-span relevance; baseline = pdf.js text + LangChain 1000/200 (${result.baselineChunks} chunks) + char-bigram BM25; parse ${Math.round(result.parseMs / 1000)} s`
          : `anthropic-contextual code retrieval — ${result.units} chunks; Pass@k = golden found / golden; baseline = word BM25`;
  return [
    title,
    ...half('tuning (odd questions)', result.halves.tuning, recallName),
    ...half('test (even questions)', result.halves.test, recallName),
    `index ${Math.round(result.indexMs)} ms; query latency p50 ${result.latencyMs.p50.toFixed(1)} ms, p95 ${result.latencyMs.p95.toFixed(1)} ms`,
    ...('weights' in result ? [`weights ${JSON.stringify(result.weights)}`] : []),
    ...('chunkers' in result
      ? [
          '',
          `chunking alone — every chunking on one plain BM25 (recall = a chunk containing the answer in the top k):`,
          formatChunkBenchmark(result.chunkers),
        ]
      : []),
  ].join('\n');
}
