/**
 * The 12 manufacturing PDFs of allganize-ja (shared/ beside the checkout), text layer only (OCR off: it
 * would add minutes, and OCR'd pages are checked in test/refinery-pdf): no whitespace may be left between
 * two CJK characters anywhere in the parsed text. Offenders are listed with file, page and context.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cjkSpacingGaps } from '../../src/refinery/eval/structure.js';
import { createPdfParser } from '../../src/refinery/parse/pdf/index.js';

const dir = new URL('../../../shared/datasets/allganize-ja/pdfs-manufacturing/', import.meta.url);

describe('CJK spacing in the 12 manufacturing PDFs', () => {
  it('leaves no whitespace between two CJK characters (text layer, OCR off)', async () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.pdf'))
      .sort();
    expect(files).toHaveLength(12);
    const parse = createPdfParser({ ocr: null });
    const offenders: string[] = [];
    let checked = 0;
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(new URL(file, dir)));
      const doc = await parse(bytes, { uri: file, format: 'pdf', sha256: '', bytes: bytes.length });
      checked += doc.blocks.length;
      for (const gap of cjkSpacingGaps(doc.blocks))
        offenders.push(`${file} p${gap.page ?? '?'} ${gap.kind} ${gap.block}: ${gap.context}`);
    }
    expect(checked).toBeGreaterThan(1000);
    expect(offenders).toEqual([]);
  }, 240_000);

  it('finds a gap the way the check is meant to (the check itself can fail)', () => {
    const block = {
      id: 'b0',
      kind: 'paragraph' as const,
      text: '目 次 は English words keep spaces。\n次の行',
      headingPath: ['第1章　概要'],
      location: { page: 3 },
    };
    expect(cjkSpacingGaps([block]).map((g) => g.context)).toEqual([
      '⟦目 次⟧ は English w',
      '目 ⟦次 は⟧ English wor',
      ' keep spaces⟦。⏎次⟧の行',
      '第1⟦章　概⟧要',
    ]);
  });
});
