import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicResult, formatReport, runBenchmark } from '../../src/refinery/eval/index.js';

const datasetsDir = path.resolve(process.cwd(), '../shared/datasets');

describe('anthropic-contextual code retrieval (cookbook Pass@k)', () => {
  let result: AnthropicResult;

  beforeAll(async () => {
    result = (await runBenchmark('anthropic-contextual', { datasetsDir })) as AnthropicResult;
    process.stdout.write(`${formatReport(result)}\n`);
  }, 110_000);

  it('indexes the 737 pre-made chunks and all 248 queries', () => {
    expect(result.units).toBe(737);
    expect(result.halves.tuning.system.n + result.halves.test.system.n).toBe(248);
  });

  it('reaches Pass@20 ≥ 92 without a model on both halves', () => {
    expect(result.halves.test.system.recall[20]).toBeGreaterThanOrEqual(92);
    expect(result.halves.tuning.system.recall[20]).toBeGreaterThanOrEqual(92);
  });

  it('beats word BM25 with bootstrap intervals above zero', () => {
    expect(result.halves.test.delta.recall20.low).toBeGreaterThan(0);
    expect(result.halves.test.delta.mrr10.low).toBeGreaterThan(0);
  });
});
