import type { HalfResult } from '../refinery/eval/index.js';
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
  if (e2e.benchmark === 'manufacturing-pdfs') {
    figures.push({
      name: `OCR: ${e2e.ocrPages} pages inside the 12-PDF parse`,
      value: e2e.parseMs / 1000,
      unit: 's (whole parse, 2 workers)',
    });
  }
  return figures;
}
