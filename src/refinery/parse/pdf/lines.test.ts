import { describe, expect, it } from 'vitest';
import { linesOf } from './lines.js';
import type { TextRun } from './runs.js';

const size = 12;
const run = (text: string, x0: number, baseline = 100): TextRun => ({
  text,
  x0,
  x1: x0 + [...text].length * size,
  top: baseline - size,
  bottom: baseline,
  baseline,
  size,
  bold: false,
  vertical: false,
});

describe('linesOf: where a row splits', () => {
  it('keeps a marker set off by a tab on the line it heads (contents entries, steps, chapters)', () => {
    // The space a wide gap leaves stays only where one side is not CJK: no space between two CJK characters.
    // As 000040369.pdf's contents page draws it: "1．" at 85, the title 17.6 pt (1.5 em) further right.
    const rows = [
      [run('1．', 85), run('リユース部品を利用するメリット', 85 + 2 * size + 17.6)],
      [run('第1章', 85, 130), run('総則', 85 + 3 * size + 30, 130)],
      [run('①', 85, 160), run('電源を切る。', 85 + size + 24, 160)],
      [run('手順3', 85, 190), run('登録認証機関を選ぶ', 85 + 3 * size + 36, 190)],
    ];
    expect(linesOf(rows.flat()).map((l) => l.text)).toEqual([
      '1．リユース部品を利用するメリット',
      '第1章総則',
      '① 電源を切る。',
      '手順3 登録認証機関を選ぶ',
    ]);
  });

  it('keeps a bullet glyph drawn a tab apart on the line of its text', () => {
    // gaiyo.pdf: "•" at x 22.9, its 16 pt text from x 50 (a gap of 1.3 em), in another font.
    const rows = [run('•', 22.9), run('近年、国内投資の重要性が高まる一方', 50)];
    expect(linesOf(rows).map((l) => l.text)).toEqual(['• 近年、国内投資の重要性が高まる一方']);
  });

  it('still splits table cells: a number, a bare decimal or a far-off cell is no marker', () => {
    const cells = [
      [run('1', 85), run('ポンプ', 85 + size + 24)],
      [run('1.5', 85, 130), run('2.0', 85 + 3 * size + 24, 130)],
      [run('1．', 85, 160), run('遠くの欄', 85 + 2 * size + 6 * size, 160)],
    ];
    expect(linesOf(cells.flat()).map((l) => l.text)).toEqual([
      '1',
      'ポンプ',
      '1.5',
      '2.0',
      '1．',
      '遠くの欄',
    ]);
  });
});

describe('linesOf: raised reference marks', () => {
  it('puts a small raised ※ into the line it is set over, not on a line of its own', () => {
    // As iot_guideline.pdf p. 4 sets it: 12 pt lines 20 pt apart, an 8 pt "※" raised over the second one.
    const mark: TextRun = { ...run('※', 260, 185.7), size: 8, top: 173.7, x1: 268 };
    const runs = [
      run('例えば、スマートスピーカーによる音声アシスタント機能を通じ家電製品が遠隔', 71, 172.9),
      mark,
      run('操作されるなど、製品安全４法', 91.9, 193),
      run('対象製品も新たなサービスと連携し', 272, 193),
    ];
    expect(linesOf(runs).map((l) => l.text)).toEqual([
      '例えば、スマートスピーカーによる音声アシスタント機能を通じ家電製品が遠隔',
      '操作されるなど、製品安全４法※対象製品も新たなサービスと連携し',
    ]);
  });

  it('leaves a small label that overlaps no larger line where it is', () => {
    const runs = [run('本文の行', 71, 100), { ...run('注1', 300, 140), size: 8, top: 132 }];
    expect(linesOf(runs).map((l) => l.text)).toEqual(['本文の行', '注1']);
  });
});
