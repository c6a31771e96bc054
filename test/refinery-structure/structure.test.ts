/**
 * Structure quality over every committed fixture: each has a human-written golden (headings, steps, table
 * cells, reading order), and the parse — read back from its `show --json` tree — must keep the floors below.
 * The floors are today's figures; a gap the goldens document (see their "note") keeps a figure under 1.
 */
import { describe, expect, it } from 'vitest';
import {
  type StructureScore,
  scoreStructure,
  structureRates,
  sumScores,
} from '../../src/refinery/eval/structure.js';
import { systemFigureOcr, systemOcr } from '../../src/refinery/parse/pdf/index.js';
import { fixtureNames, loadGoldens, observeFixture } from './goldens.js';

const goldens = loadGoldens();

describe('structure goldens', () => {
  it('cover every fixture, and only fixtures', () => {
    expect(goldens.map((g) => g.fixture).sort()).toEqual(fixtureNames());
  });

  it('score the parsers above the floors', async () => {
    const ocr = await systemOcr();
    const figureOcr = await systemFigureOcr();
    expect(
      ocr,
      'scanned.pdf needs OCR: install poppler-utils, tesseract-ocr and tesseract-ocr-jpn',
    ).toBeDefined();
    expect(figureOcr, 'figure-image.pdf needs pdfimages (poppler-utils) and tesseract').toBeDefined();
    const scores: StructureScore[] = [];
    for (const golden of goldens) {
      const score = scoreStructure(
        golden,
        await observeFixture(golden.fixture, { pdf: { ocr: ocr!, figureOcr: figureOcr! } }),
      );
      scores.push(score);
      if (score.gaps.length > 0) console.info(`${golden.fixture}:\n  ${score.gaps.join('\n  ')}`);
    }
    const total = sumScores(scores);
    const rates = structureRates(total);
    console.info(
      `structure over ${goldens.length} fixtures: ${Object.entries(rates)
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(', ')}`,
    );
    expect(total.errors).toEqual({ expected: 3, matched: 3 });
    // Floors at today's figures (2026-12-07). Known gap: merged.xlsx's one-column 担当/山田 table has no header.
    expect(rates.headingPrecision).toBe(1);
    expect(rates.headingRecall).toBe(1);
    expect(rates.headingTextRecall).toBe(1);
    expect(rates.stepAccuracy).toBe(1);
    expect(rates.cellAccuracy).toBeGreaterThanOrEqual(0.99);
    expect(rates.orderAccuracy).toBe(1);
  }, 120_000);
});
