import { describe, expect, it } from 'vitest';
import type { Block, Document, TableCell } from '../document/index.js';
import { InvalidDataset } from './errors.js';
import {
  goldenCell,
  observe,
  observeError,
  parseGolden,
  type StructureGolden,
  scoreStructure,
  structureRates,
  sumScores,
  tableGrid,
} from './structure.js';

const at = { headingPath: [], location: {} };
const heading = (id: string, level: number, text: string): Block => ({
  id,
  kind: 'heading',
  level,
  text,
  ...at,
});
const para = (id: string, text: string): Block => ({ id, kind: 'paragraph', text, ...at });
const step = (id: string, number: number, text: string, procedure?: string): Block => ({
  id,
  kind: 'step',
  number,
  marker: String(number),
  text,
  ...(procedure ? { procedure } : {}),
  ...at,
});
const doc = (blocks: Block[]): Document => ({
  source: { uri: 'x', format: 'text', sha256: '', bytes: 0 },
  metadata: {},
  blocks,
});
const golden = (g: Partial<StructureGolden>): StructureGolden => ({
  fixture: 'x',
  headings: [],
  steps: [],
  tables: [],
  ...g,
});

describe('heading scores', () => {
  it('match folded text and compare levels as ranks, so a constant offset is not an error', () => {
    const g = golden({
      headings: [
        [1, '保守手順書'],
        [2, '第1章　総則'],
        [3, '1.1　目的'],
      ],
    });
    // The title is missing and every level is one higher: one miss, no level errors.
    const s = scoreStructure(g, observe(doc([heading('b0', 1, '第1章総則'), heading('b1', 2, '1.1 目的')])));
    expect(s.headings).toEqual({ golden: 3, found: 2, textMatched: 2, levelMatched: 2 });
    expect(s.gaps).toEqual(['heading missing: h1 保守手順書']);
  });

  it('count a chapter put level with the title as a level error, and an unexpected heading against precision', () => {
    const g = golden({
      headings: [
        [1, '保守手順書'],
        [2, '第1章'],
      ],
    });
    const seen = observe(
      doc([heading('b0', 1, '保守手順書'), heading('b1', 1, '第1章'), heading('b2', 2, '図1')]),
    );
    const rates = structureRates(scoreStructure(g, seen));
    expect(rates.headingPrecision).toBeCloseTo(1 / 3);
    expect(rates.headingRecall).toBeCloseTo(1 / 2);
    expect(rates.headingTextRecall).toBe(1);
  });
});

describe('step scores', () => {
  it('need the right number and procedure; a step that is not one counts against accuracy', () => {
    const g = golden({
      headings: [[1, '作業手順']],
      steps: [
        [1, '電源を切る', '作業手順'],
        [2, '弁を閉じる', '作業手順'],
      ],
    });
    const seen = observe(
      doc([
        heading('b0', 1, '作業手順'),
        step('b1', 1, '①電源を切る。', 'b0'),
        step('b2', 3, '②弁を閉じる。', 'b0'),
        step('b3', 4, '④ 余分な行'),
      ]),
    );
    const s = scoreStructure(g, seen);
    expect(s.steps).toEqual({ golden: 2, extra: 1, correct: 1 });
    expect(structureRates(s).stepAccuracy).toBeCloseTo(1 / 3);
  });
});

describe('table scores', () => {
  const want = [
    ['*設備{r2}', '*測定値{c2}'],
    ['*基準', '*実測'],
    ['P-101', '2.8', '1.9'],
  ];
  const table = (rows: readonly (readonly TableCell[])[]) =>
    ({ id: 't', kind: 'table', text: '', rows, headerRows: 2, headerColumns: 0, ...at }) as Block;

  it('read the golden cell syntax', () => {
    expect(goldenCell('*測定値{r2}{c3}')).toEqual({ text: '測定値', header: true, rowSpan: 2, colSpan: 3 });
    expect(goldenCell('2.8 mm/s')).toEqual({ text: '2.8 mm/s' });
  });

  it('lay spans out like HTML: a row-spanned anchor takes the slot below it', () => {
    const grid = tableGrid(want.map((r) => r.map(goldenCell)));
    expect(grid.get('1,0')).toBe('*設備@0,0');
    expect(grid.get('1,1')).toBe('*基準@1,1');
    expect(grid.get('0,2')).toBe('*測定値@0,1');
    expect(grid.size).toBe(9);
  });

  it('score slots: a lost merge and a lost header flag each cost their slots', () => {
    const right = table(want.map((r) => r.map(goldenCell)));
    expect(scoreStructure(golden({ tables: [{ rows: want }] }), observe(doc([right]))).cells).toEqual({
      compared: 9,
      correct: 9,
    });
    // 設備 not merged down (the slot below is an empty cell) and 基準 not a header.
    const wrong = table(
      [
        ['*設備', '*測定値{c2}'],
        ['', '基準', '*実測'],
        ['P-101', '2.8', '1.9'],
      ].map((r) => r.map(goldenCell)),
    );
    const s = scoreStructure(golden({ tables: [{ rows: want }] }), observe(doc([wrong])));
    expect(s.cells).toEqual({ compared: 9, correct: 7 });
  });

  it('count a missing table and an unexpected one in full', () => {
    const extra = table([[{ text: 'a' }, { text: 'b' }]]);
    const s = scoreStructure(golden({ tables: [] }), observe(doc([extra])));
    expect(s.cells).toEqual({ compared: 2, correct: 0 });
    const missing = scoreStructure(golden({ tables: [{ rows: want }] }), observe(doc([])));
    expect(missing.cells).toEqual({ compared: 9, correct: 0 });
  });
});

describe('reading-order scores', () => {
  const order = ['左段の一文目。', '左段の二文目。', '右段の一文目。', '右段の二文目。'];

  it('are perfect when columns are read one after the other, whatever the spacing', () => {
    const seen = observe(
      doc([para('b0', '左段の 一文目。左段の二文目。'), para('b1', '右段の一文目。\n右段の二文目。')]),
    );
    expect(scoreStructure(golden({ order }), seen).order).toEqual({ pairs: 6, correct: 6 });
  });

  it('drop when the columns are swapped, and lose every pair of a sentence cut apart by interleaved lines', () => {
    const swapped = observe(
      doc([para('b0', '右段の一文目。右段の二文目。'), para('b1', '左段の一文目。左段の二文目。')]),
    );
    expect(scoreStructure(golden({ order }), swapped).order).toEqual({ pairs: 6, correct: 2 });
    const interleaved = observe(
      doc([para('b0', '左段の一文右段の一文目。目。左段の二文目。右段の二文目。')]),
    );
    // 左段の一文目 is cut apart (its three pairs lost) and 右段の一文目 now comes before 左段の二文目.
    expect(scoreStructure(golden({ order }), interleaved).order).toEqual({ pairs: 6, correct: 2 });
  });
});

describe('errors, sums and golden files', () => {
  it('expect the refusal code a golden names', () => {
    const g: StructureGolden = { fixture: 'pdf/empty.pdf', error: 'parse.empty' };
    expect(scoreStructure(g, observeError('parse.empty')).errors).toEqual({ expected: 1, matched: 1 });
    const parsed = scoreStructure(g, observe(doc([para('b0', 'x')])));
    expect(parsed.errors).toEqual({ expected: 1, matched: 0 });
    expect(parsed.gaps).toEqual(['error: expected parse.empty, got none']);
  });

  it('leave a field out of the score when the golden leaves it out, but count everything found against []', () => {
    const seen = observe(doc([heading('b0', 1, '目次'), step('b1', 1, '１．本ガイドラインの背景')]));
    expect(scoreStructure(golden({ steps: undefined }), seen).steps).toEqual({
      golden: 0,
      extra: 0,
      correct: 0,
    });
    expect(scoreStructure(golden({ steps: [] }), seen).steps).toEqual({ golden: 0, extra: 1, correct: 0 });
  });

  it('sum counts across fixtures (micro-average)', () => {
    const a = scoreStructure(golden({ headings: [[1, 'a']] }), observe(doc([heading('b0', 1, 'a')])));
    const b = scoreStructure(golden({ headings: [[1, 'b']] }), observe(doc([])));
    const total = sumScores([a, b]);
    expect(total.headings).toEqual({ golden: 2, found: 1, textMatched: 1, levelMatched: 1 });
    expect(structureRates(total).headingRecall).toBe(0.5);
    expect(structureRates(sumScores([])).cellAccuracy).toBe(1);
  });

  it('reject a golden file with nothing to score, a malformed field or duplicate order snippets, naming the file', () => {
    expect(() => parseGolden('g.json', { fixture: 'x' })).toThrow(InvalidDataset);
    expect(() => parseGolden('g.json', { fixture: 'x', headings: 'h1 目次' })).toThrow(
      /"headings" must be an array/,
    );
    expect(() => parseGolden('g.json', { fixture: 'x', headings: [], steps: [], tables: [] })).not.toThrow();
    expect(() =>
      parseGolden('g.json', { fixture: 'x', headings: [], steps: [], tables: [], order: ['a b', 'ab'] }),
    ).toThrow(/g\.json: "order" snippets must be unique/);
  });
});
