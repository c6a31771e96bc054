import { describe, expect, it } from 'vitest';
import { fieldRuns, marks, type PdfAnnotation } from './form-fields.js';
import type { Matrix } from './geometry.js';

// pdf.js's viewport at scale 1 for an A4 page: y flipped so the origin is the top-left corner.
const a4: Matrix = [1, 0, 0, -1, 0, 842];

/** A widget whose box is (x0, top)–(x1, bottom) in top-left points. */
const widget = (x0: number, top: number, x1: number, bottom: number, rest: Partial<PdfAnnotation>) =>
  ({ subtype: 'Widget', rect: [x0, 842 - bottom, x1, 842 - top], ...rest }) as PdfAnnotation;

describe('fieldRuns', () => {
  it("places a text field's value in its box, in its appearance's size, one run per line", () => {
    const runs = fieldRuns(
      [
        widget(100, 100, 250, 117, {
          fieldType: 'Tx',
          fieldValue: '2026年12月1日',
          defaultAppearanceData: { fontSize: 10 },
        }),
        widget(60, 300, 520, 340, {
          fieldType: 'Tx',
          fieldValue: '軸受から異音がある。\n来週、交換する。',
          defaultAppearanceData: { fontSize: 10 },
        }),
      ],
      a4,
    );
    expect(runs.map((r) => [r.text, r.size, r.x0, r.top])).toEqual([
      ['2026年12月1日', 10, 102, 103.5],
      ['軸受から異音がある。', 10, 62, 302],
      ['来週、交換する。', 10, 62, 314],
    ]);
    // within the field: 4 digits and 3 kanji at 10 pt, then the box's edge
    expect(runs[0]!.x1).toBe(102 + 10 * (4 * 0.5 + 1 + 2 * 0.5 + 1 + 1 * 0.5 + 1));
    expect(runs[1]!.x1).toBeLessThanOrEqual(520);
  });

  it('sizes an auto-sized field to its box', () => {
    const [run] = fieldRuns([widget(60, 100, 300, 120, { fieldType: 'Tx', fieldValue: '山田' })], a4);
    expect(run!.size).toBe(12);
    const [small] = fieldRuns([widget(60, 100, 300, 110, { fieldType: 'Tx', fieldValue: '山田' })], a4);
    expect(small!.size).toBe(7);
  });

  it('marks checkboxes and radio buttons as ticked or not, and skips push buttons', () => {
    const box = (rest: Partial<PdfAnnotation>) => widget(460, 150, 472, 162, { fieldType: 'Btn', ...rest });
    const runs = fieldRuns(
      [
        box({ checkBox: true, fieldValue: 'Yes', exportValue: 'Yes' }),
        box({ checkBox: true, fieldValue: 'Off', exportValue: 'Yes' }),
        box({ radioButton: true, fieldValue: 'Good', buttonValue: 'Good' }),
        box({ radioButton: true, fieldValue: 'Good', buttonValue: 'Bad' }),
        box({ pushButton: true, fieldValue: '' }),
      ],
      a4,
    );
    expect(runs.map((r) => r.text)).toEqual([marks.checked, marks.unchecked, marks.chosen, marks.unchosen]);
    expect(runs[0]).toMatchObject({ x0: 460, x1: 472, top: 150, bottom: 162 });
  });

  it("reads a list box's choices and a FreeText comment; skips hidden and empty fields", () => {
    const runs = fieldRuns(
      [
        widget(60, 100, 300, 117, { fieldType: 'Ch', fieldValue: ['良', '要観察'] }),
        { subtype: 'FreeText', rect: [380, 762, 520, 782], textContent: ['要再点検'] },
        widget(60, 200, 300, 217, { fieldType: 'Tx', fieldValue: '社内処理番号', hidden: true }),
        widget(60, 220, 300, 237, { fieldType: 'Tx', fieldValue: '   ' }),
        widget(60, 240, 300, 257, { fieldType: 'Tx', fieldValue: '' }),
        { subtype: 'Link', rect: [0, 0, 10, 10] },
      ],
      a4,
    );
    expect(runs.map((r) => r.text)).toEqual(['良、要観察', '要再点検']);
  });
});
