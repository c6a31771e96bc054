import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChunkBenchmark } from '../../src/refinery/chunk/bench/index.js';

const datasetsDir = join(process.cwd(), '..', 'shared', 'datasets');

describe('runChunkBenchmark', () => {
  it('compares the structure chunker with LangChain on JSQuAD articles, every answer findable', async () => {
    const report = await runChunkBenchmark('jsquad', { datasetsDir, size: 1000 });
    const [ours, , langchain] = report.methods;
    expect(report.methods.map((m) => m.method)).toEqual([
      'structure 1000 (header + text)',
      'structure 1000 (text only)',
      'langchain recursive 1000/200',
    ]);
    expect(ours!.questions).toBeGreaterThan(3900);
    // Paragraph-aligned chunks never cut an answer span; no sentence of Wikipedia needs a mid-sentence cut.
    expect(ours!.answerable).toBe(ours!.questions);
    expect(ours!.midSentenceCuts).toBe(0);
    expect(ours!.meanIndexedChars).toBeLessThanOrEqual(1000);
    expect(ours!.recall[20]).toBeGreaterThan(0.95);
    expect(langchain!.recall[20]).toBeGreaterThan(0.95);
  });

  it('scores our chunks, LangChain and the precomputed LumberChunker sets on the Emma questions', async () => {
    const report = await runChunkBenchmark('lumberchunker-emma', { datasetsDir });
    expect(report.methods).toHaveLength(7);
    for (const m of report.methods) {
      expect(m.questions).toBe(30);
      expect(m.recall[20]).toBeGreaterThanOrEqual(m.recall[1]);
    }
    expect(report.methods.find((m) => m.method.startsWith('lumberchunker gemini'))!.chunks).toBe(476);
  });

  it('rejects an unknown benchmark name with a typed error', async () => {
    await expect(runChunkBenchmark('nope', { datasetsDir })).rejects.toMatchObject({
      code: 'chunk.unknown-benchmark',
      kind: 'invalid',
    });
  });
});
