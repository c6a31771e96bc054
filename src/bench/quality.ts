import type { HalfResult, QueryOutcome } from '../refinery/eval/index.js';
import { runBenchmark } from '../refinery/eval/index.js';
import type { Figure } from './measure.js';

/** Deterministic retrieval quality (test halves) next to the same-run baselines, as docs/benchmarks.md records them. */
export async function qualityFigures(datasetsDir: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  const add = (label: string, h: HalfResult, recallName: string) => {
    for (const k of [5, 20] as const) {
      figures.push({
        name: `${label}: ${recallName}@${k} (test half, n=${h.system.n})`,
        value: h.system.recall[k] ?? 0,
        unit: '%',
        baseline: { name: 'baseline', value: h.baseline.recall[k] ?? 0 },
      });
    }
    figures.push({
      name: `${label}: MRR@10 (test half)`,
      value: h.system.mrr10,
      unit: '',
      baseline: { name: 'baseline', value: h.baseline.mrr10 },
      note: `Δ MRR@10 95% CI [${h.delta.mrr10.low.toFixed(3)}, ${h.delta.mrr10.high.toFixed(3)}], Δ ${recallName}@20 CI [${h.delta.recall20.low.toFixed(1)}, ${h.delta.recall20.high.toFixed(1)}]`,
    });
  };
  const allganize = await runBenchmark('allganize', { datasetsDir });
  add('allganize-ja page retrieval vs char-bigram BM25', allganize.halves.test, 'R');
  const anthropic = await runBenchmark('anthropic-contextual', { datasetsDir });
  add('anthropic-contextual vs word BM25', anthropic.halves.test, 'Pass');
  const e2e = await runBenchmark('manufacturing-pdfs', { datasetsDir });
  add(
    '12 raw manufacturing PDFs with OCR vs pdf.js + LangChain 1000/200 + bigram BM25',
    e2e.halves.test,
    'R',
  );
  const textLayerOnly = await runBenchmark('manufacturing-pdfs', { datasetsDir, ocr: false });
  add(
    '12 raw manufacturing PDFs without OCR vs pdf.js + LangChain 1000/200 + bigram BM25',
    textLayerOnly.halves.test,
    'R',
  );
  // Nothing is tuned on the chunk-must-contain sets and Emma has 30 questions: both halves together.
  for (const [name, label] of [
    ['jsquad', 'JSQuAD articles, structure chunks in our index vs LangChain 1000/200 + bigram BM25'],
    ['lumberchunker-emma', 'Emma (GutenQA), structure chunks in our index vs LangChain 1000/200 + word BM25'],
  ] as const) {
    const result = await runBenchmark(name, { datasetsDir });
    figures.push(...allQuestions(label, result.queries));
  }
  if (e2e.benchmark === 'manufacturing-pdfs') {
    figures.push({
      name: `OCR: ${e2e.ocrPages} scanned pages and the text in images on ${e2e.figurePages} pages, inside the 12-PDF parse`,
      value: e2e.parseMs / 1000,
      unit: 's (whole parse, 2 workers)',
    });
  }
  return figures;
}

/** R@5, R@20 and MRR@10 over every question, from each question's rank of its one answer (0: not in the top 20). */
function allQuestions(label: string, queries: readonly QueryOutcome[]): Figure[] {
  const share = (ranks: number[], k: number) =>
    (100 * ranks.filter((r) => r > 0 && r <= k).length) / ranks.length;
  const mrr = (ranks: number[]) =>
    ranks.reduce((s, r) => s + (r > 0 && r <= 10 ? 1 / r : 0), 0) / ranks.length;
  const ours = queries.map((q) => q.rank);
  const theirs = queries.map((q) => q.baselineRank);
  return [
    ...([5, 20] as const).map((k) => ({
      name: `${label}: R@${k} (all ${queries.length} questions)`,
      value: share(ours, k),
      unit: '%',
      baseline: { name: 'baseline', value: share(theirs, k) },
    })),
    {
      name: `${label}: MRR@10 (all questions)`,
      value: mrr(ours),
      unit: '',
      baseline: { name: 'baseline', value: mrr(theirs) },
    },
  ];
}
