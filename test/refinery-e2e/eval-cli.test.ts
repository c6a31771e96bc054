import { describe, expect, it } from 'vitest';
import { benchmarkNames } from '../../src/refinery/eval/names.js';
import { runCli } from '../support/cli.js';

// `musubi eval` as a user runs it, from the repo root with the datasets beside the checkout.
describe('musubi eval from the command line', () => {
  it('reads the 12 PDFs without OCR when asked: pages without a text layer are counted, none OCR’d', async () => {
    const r = await runCli(['eval', 'manufacturing-pdfs', '--no-ocr', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      ocr: boolean;
      ocrPages: number;
      needsOcrPages: number;
      files: number;
    };
    expect(result).toMatchObject({ ocr: false, ocrPages: 0, files: 12 });
    expect(result.needsOcrPages).toBeGreaterThan(0);
    expect(r.stderr).toContain('OCR off');
  }, 300_000);

  it('runs a chunk-must-contain benchmark and prints both comparisons', async () => {
    const r = await runCli(['eval', 'lumberchunker-emma']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('lumberchunker-emma chunk retrieval');
    expect(r.stdout).toContain('chunking alone');
    expect(r.stdout).toMatch(/\| lumberchunker gemini \(precomputed\) \| 476 \|/);
  }, 120_000);

  it('says in one line which dataset file it cannot read, exit 2, for every benchmark', async () => {
    for (const name of benchmarkNames) {
      const r = await runCli(['eval', name, '--datasets', '/nonexistent/datasets']);
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).toContain('cannot be read from /nonexistent/datasets/');
      expect(r.stderr, name).not.toContain('internal error');
    }
  }, 60_000);

  it('names an unknown benchmark in one line and exits 3 (not found)', async () => {
    const r = await runCli(['eval', 'squad']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('squad');
  });
});
