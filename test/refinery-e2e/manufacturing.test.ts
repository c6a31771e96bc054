import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runManufacturingPdfs } from '../../src/refinery/eval/manufacturing.js';
import { repoRoot } from '../support/cli.js';

const datasetsDir = join(repoRoot, '..', 'shared', 'datasets');

describe('end to end on the 12 raw manufacturing PDFs (parse with OCR → chunk → index)', () => {
  it(
    'meets the R@5 floor on the even-numbered questions and beats the LangChain pipeline',
    async () => {
      const r = await runManufacturingPdfs({ datasetsDir, ocr: true });
      expect(r.files).toBe(12);
      expect(r.halves.tuning.system.n + r.halves.test.system.n).toBe(53);
      expect(r.needsOcrPages, 'every page without a text layer was OCR’d').toBe(0);
      expect(r.ocrPages).toBeGreaterThan(0);
      const test = r.halves.test;
      expect(test.system.recall[5] ?? 0).toBeGreaterThanOrEqual(90);
      expect(test.system.recall[20] ?? 0).toBeGreaterThanOrEqual(test.baseline.recall[20] ?? 0);
      expect(test.system.mrr10).toBeGreaterThanOrEqual(test.baseline.mrr10);
    },
    20 * 60_000,
  );
});
