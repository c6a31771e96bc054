/**
 * The 12 manufacturing PDFs of the allganize-ja set (shared/ beside the checkout): every page counted,
 * headings found, no whitespace left between two CJK characters, and parse speed reported (not asserted).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Block, Document } from '../../src/refinery/document/index.js';
import { cjkGap, createPdfParser, type PageOcr, systemOcr } from '../../src/refinery/parse/pdf/index.js';
import { ParsePool } from '../../src/refinery/parse/worker/index.js';

const dir = new URL('../../../shared/datasets/allganize-ja/pdfs-manufacturing/', import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));

// Page counts as pdfinfo reports them; foodkaku5 is set in Type 3 fonts without a Unicode map and
// 190619_06 draws pages 10–20 as outlines: those pages have no usable text layer.
const expected: readonly (readonly [string, number, readonly number[]])[] = [
  ['000040369.pdf', 48, []],
  ['000251332.pdf', 35, []],
  ['001182445.pdf', 21, []],
  ['110329-1a.pdf', 65, [24, 56]],
  ['190619_06.pdf', 20, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]],
  ['20220518_2.pdf', 16, []],
  ['foodkaku5.pdf', 17, Array.from({ length: 17 }, (_, i) => i + 1)],
  ['gaiyo.pdf', 37, []],
  ['index-11.pdf', 32, []],
  ['iot_guideline.pdf', 19, []],
  ['keshouhin-standard.pdf', 11, []],
  ['tekiseitorihiki-21.pdf', 44, []],
];

const textOf = (b: Block): string[] =>
  b.kind === 'table' ? [b.text, b.caption ?? '', ...b.rows.flat().map((c) => c.text)] : [b.text];

describe('the 12 allganize-ja manufacturing PDFs', () => {
  const parse = createPdfParser({ ocr: null });
  const timing = { pages: 0, textPages: 0, ms: 0, files: 0 };

  it.each(expected)(
    '%s: %i pages, headings, no space between CJK characters',
    async (name, pages, noText) => {
      const bytes = read(name);
      const started = performance.now();
      const doc: Document = await parse(bytes, { uri: name, format: 'pdf', sha256: '', bytes: bytes.length });
      timing.ms += performance.now() - started;
      timing.pages += pages;
      timing.textPages += pages - noText.length;
      timing.files += 1;
      expect(doc.metadata.pages).toBe(pages);
      expect(doc.metadata.needsOcr ?? []).toEqual(noText);
      const gaps = doc.blocks.flatMap(textOf).filter((t) => cjkGap.test(t));
      expect(gaps).toEqual([]);
      if (noText.length < pages)
        expect(doc.blocks.filter((b) => b.kind === 'heading').length).toBeGreaterThan(0);
      for (const b of doc.blocks) expect(b.location.page).toBeGreaterThanOrEqual(1);
    },
  );

  it('parses all of them and reports pages per second', () => {
    expect(timing.files).toBe(12);
    expect(timing.pages).toBe(365);
    const perSecond = timing.textPages / (timing.ms / 1000);
    console.info(
      `PDF parse speed: ${perSecond.toFixed(1)} text-layer pages/s (${timing.textPages} pages in ${(timing.ms / 1000).toFixed(1)} s, OCR off)`,
    );
  });

  it('reads two pages of the Type 3 PDF through tesseract and leaves the rest flagged', async () => {
    const ocr = await systemOcr();
    expect(ocr, 'install poppler-utils, tesseract-ocr and tesseract-ocr-jpn').toBeDefined();
    let ocrMs = 0;
    const firstTwo: PageOcr = async (pdf, pages) => {
      const started = performance.now();
      const lines = await ocr!(pdf, pages.slice(0, 2));
      ocrMs += performance.now() - started;
      return lines;
    };
    const bytes = read('foodkaku5.pdf');
    const doc = await createPdfParser({ ocr: firstTwo })(bytes, {
      uri: 'foodkaku5.pdf',
      format: 'pdf',
      sha256: '',
      bytes: bytes.length,
    });
    console.info(`OCR: ${(ocrMs / 2000).toFixed(2)} s/page (foodkaku5.pdf pages 1–2, 300 dpi, jpn)`);
    expect(doc.metadata.ocrPages).toEqual([1, 2]);
    expect(doc.metadata.needsOcr).toEqual(Array.from({ length: 15 }, (_, i) => i + 3));
    const text = doc.blocks
      .filter((b) => (b.location.page ?? 0) <= 2)
      .map((b) => b.text)
      .join('');
    expect(text).toMatch(/ベビーフード/);
    expect(doc.blocks.flatMap(textOf).filter((t) => cjkGap.test(t))).toEqual([]);
  }, 120_000);

  it('parses all of them through a two-worker pool and reports pages per second', async () => {
    // The registry's PDF parser OCRs when tesseract is installed; the speed reported is the text layer's.
    const textLayer = new URL('../../src/refinery/parse/pdf/index.ts', import.meta.url).href;
    const pool = new ParsePool({
      size: 2,
      timeoutMs: 100_000,
      maxOldGenerationSizeMb: 1024,
      parsers: { 'pdf-text': { module: textLayer, export: 'parsePdfTextLayer' } },
    });
    try {
      const started = performance.now();
      const docs = await Promise.all(
        expected.map(([name]) => {
          const bytes = read(name);
          return pool.parse(bytes, { uri: name, format: 'pdf-text', sha256: '', bytes: bytes.length });
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const textPages = expected.reduce((n, [, pages, noText]) => n + pages - noText.length, 0);
      console.info(
        `PDF parse speed, 2 workers: ${(textPages / seconds).toFixed(1)} text-layer pages/s (${seconds.toFixed(1)} s)`,
      );
      expect(docs.map((d) => d.metadata.pages)).toEqual(expected.map(([, pages]) => pages));
    } finally {
      await pool.close();
    }
  }, 180_000);
});
