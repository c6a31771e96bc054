import { describe, expect, it } from 'vitest';
import type { Ruling } from './graphics.js';
import type { TextRun } from './runs.js';
import { tablesOf } from './tables.js';

const h = (at: number, from: number, to: number): Ruling => ({ axis: 'h', at, from, to });
const v = (at: number, from: number, to: number): Ruling => ({ axis: 'v', at, from, to });

/** A run of text centred in the cell between (x0, top) and (x1, bottom). */
function cell(text: string, x0: number, top: number, x1: number, bottom: number): TextRun {
  const cx = (x0 + x1) / 2;
  const cy = (top + bottom) / 2;
  return {
    text,
    x0: cx - 5,
    x1: cx + 5,
    top: cy - 4,
    bottom: cy + 4,
    baseline: cy + 3,
    size: 8,
    bold: false,
    vertical: false,
  };
}

/** Column lines at x 0, 100, 200, 300; row lines at y 0, 20, 40, 60. */
const xs = [0, 100, 200, 300];

describe('ruled tables: header rows', () => {
  it('reads 仕様 over 最小 | 最大 as a two-row header beside 項目 running down both rows', () => {
    const rulings = [
      h(0, 0, 300),
      h(20, 100, 300), // 項目 spans rows 0–1: no line under it in column 0
      h(40, 0, 300),
      h(60, 0, 300),
      ...xs.map((x) => v(x, 0, 60)).filter((r) => r.at !== 200),
      v(200, 20, 60), // 仕様 spans columns 1–2 in row 0
    ];
    const runs = [
      cell('項目', 0, 0, 100, 40),
      cell('仕様', 100, 0, 300, 20),
      cell('最小', 100, 20, 200, 40),
      cell('最大', 200, 20, 300, 40),
      cell('圧力', 0, 40, 100, 60),
      cell('0.3', 100, 40, 200, 60),
      cell('0.5', 200, 40, 300, 60),
    ];
    const [table] = tablesOf(rulings, runs).tables;
    expect(table?.headerRows).toBe(2);
    expect(table?.rows[2]?.some((c) => c.header)).toBe(false);
  });

  it('keeps one header row when a label runs down the whole first column', () => {
    const rulings = [
      h(0, 0, 300),
      h(20, 100, 300),
      h(40, 100, 300),
      h(60, 0, 300),
      ...xs.map((x) => v(x, 0, 60)),
    ];
    const runs = [
      cell('製造部', 0, 0, 100, 60),
      cell('項目', 100, 0, 200, 20),
      cell('値', 200, 0, 300, 20),
      cell('圧力', 100, 20, 200, 40),
      cell('0.5', 200, 20, 300, 40),
      cell('温度', 100, 40, 200, 60),
      cell('70', 200, 40, 300, 60),
    ];
    const [table] = tablesOf(rulings, runs).tables;
    expect(table?.headerRows).toBe(1);
  });

  it('keeps one header row when the cell under a wide header cell is just as wide', () => {
    const rulings = [
      h(0, 0, 300),
      h(20, 0, 300),
      h(40, 0, 300),
      h(60, 0, 300),
      v(0, 0, 60),
      v(100, 0, 60),
      v(300, 0, 60),
      v(200, 40, 60), // only the last row splits columns 1–2
    ];
    const runs = [
      cell('No.', 0, 0, 100, 20),
      cell('ポイント', 100, 0, 300, 20),
      cell('1', 0, 20, 100, 40),
      cell('雇い入れ時の教育', 100, 20, 300, 40),
      cell('2', 0, 40, 100, 60),
      cell('座学', 100, 40, 200, 60),
      cell('実技', 200, 40, 300, 60),
    ];
    const [table] = tablesOf(rulings, runs).tables;
    expect(table?.headerRows).toBe(1);
  });
});

describe('ruled tables: charts', () => {
  // Five stacked bars, 20 pt tall with 10 pt between them, on an axis at x 0; each bar is cut into four
  // segments at its own places and each segment carries its value. Ruled like a table, but no two bars
  // share a column line.
  const cuts = [
    [60, 110, 230],
    [40, 150, 200],
    [90, 130, 250],
    [70, 170, 210],
    [50, 120, 260],
  ];
  const values = ['29.5', '13.0', '42.5', '17.5'];
  const bars = cuts.map((inner, i) => ({ top: i * 30, bottom: i * 30 + 20, edges: [0, ...inner, 300] }));

  it('leaves a stacked bar chart as text, not a table of its segments', () => {
    const rulings = [
      v(0, 0, 140),
      ...bars.flatMap((b) => [
        h(b.top, 0, 300),
        h(b.bottom, 0, 300),
        ...b.edges.slice(1).map((x) => v(x, b.top, b.bottom)),
      ]),
    ];
    const runs = bars.flatMap((b) =>
      values.map((value, j) => cell(value, b.edges[j]!, b.top, b.edges[j + 1]!, b.bottom)),
    );
    const { tables, rest } = tablesOf(rulings, runs);
    expect(tables).toEqual([]);
    expect(rest).toHaveLength(runs.length);
  });

  it('still reads a grid whose column lines run through every row as a table', () => {
    const rulings = [
      ...bars.flatMap((b) => [h(b.top, 0, 300), h(b.bottom, 0, 300)]),
      ...[0, 60, 110, 230, 300].map((x) => v(x, 0, 140)),
    ];
    const runs = bars.flatMap((b) =>
      values.map((value, j) => cell(value, [0, 60, 110, 230][j]!, b.top, [60, 110, 230, 300][j]!, b.bottom)),
    );
    const [table] = tablesOf(rulings, runs).tables;
    const withText = table?.rows.filter((r) => r.some((c) => c.text !== ''));
    expect(withText?.map((r) => r.map((c) => c.text))).toEqual(bars.map(() => values));
  });
});

describe("ruled tables: a chart's plot area", () => {
  const rulings = [0, 20, 40, 60].map((y) => h(y, 0, 300)).concat(xs.map((x) => v(x, 0, 60)));

  it('leaves a grid of a few scattered values (gridlines behind bars) to the text flow', () => {
    const runs = [
      cell('1,044', 0, 0, 100, 20),
      cell('△9.2', 200, 0, 300, 20),
      cell('(2023年：n=173)', 100, 20, 200, 40),
      cell('24.6%', 0, 40, 100, 60),
    ];
    const { tables, rest } = tablesOf(rulings, runs);
    expect(tables).toEqual([]);
    expect(rest.map((r) => r.text)).toEqual(['1,044', '△9.2', '(2023年：n=173)', '24.6%']);
  });

  it('keeps a grid whose cells name what they hold, even a blank inspection sheet', () => {
    const runs = [
      cell('点検項目', 0, 0, 100, 20),
      cell('結果', 100, 0, 200, 20),
      cell('油量', 0, 20, 100, 40),
      cell('圧力', 0, 40, 100, 60),
    ];
    const { tables } = tablesOf(rulings, runs);
    expect(tables).toHaveLength(1);
    expect(tables[0]?.rows.map((r) => r[0]?.text)).toEqual(['点検項目', '油量', '圧力']);
  });
});

describe('ruled tables: rows without rulings', () => {
  /** A 10 pt run from (x0, top). */
  const at = (text: string, x0: number, top: number): TextRun => ({
    text,
    x0,
    x1: x0 + 10 * [...text].length,
    top,
    bottom: top + 10,
    baseline: top + 9,
    size: 10,
    bold: false,
    vertical: false,
  });
  // Ruled down its columns and round its frame only, as the ingredient lists of a standard are.
  const frame = (bottom: number, header?: number): Ruling[] => [
    h(0, 0, 300),
    ...(header === undefined ? [] : [h(header, 0, 300)]),
    h(bottom, 0, 300),
    ...[0, 150, 220, 300].map((x) => v(x, 0, bottom)),
  ];

  it('splits the rows at the white across every column, not between the lines of one cell', () => {
    const runs = [
      at('成分名', 5, 5),
      at('上限', 155, 5),
      at('安息香酸', 5, 30),
      at('0.2', 155, 30),
      at('0.5', 225, 30),
      // a name over two lines, 4 pt apart, its value set between them
      at('1－(3,4－ジメト', 5, 55),
      at('キシフェニル)', 5, 69),
      at('7.0', 155, 62),
      at('感光素', 5, 94),
      at('0.0020', 155, 94),
    ];
    const [table] = tablesOf(frame(115, 20), runs).tables;
    expect(table?.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['成分名', '上限', ''],
      ['安息香酸', '0.2', '0.5'],
      ['1－(3,4－ジメトキシフェニル)', '7.0', ''],
      ['感光素', '0.0020', ''],
    ]);
    expect(table?.headerRows).toBe(1);
  });

  it('gives a list with no ruled header no header, and keeps the paragraphs of a cell together', () => {
    const list = tablesOf(frame(60), [
      at('安息香酸', 5, 5),
      at('0.2', 155, 5),
      at('感光素', 5, 30),
      at('0.0020', 155, 30),
    ]).tables[0];
    expect(list?.rows).toHaveLength(2);
    expect(list?.headerRows).toBe(0);
    // two paragraphs in the last column beside one label: the second starts no row of its own
    const notes = tablesOf(frame(90), [
      at('測定条件', 5, 5),
      at('暖機後', 155, 5),
      at('・異音の有無を確認', 225, 5),
      at('・振動を測る', 225, 45),
      at('後', 225, 60),
    ]).tables[0];
    expect(notes?.rows).toHaveLength(1);
  });
});
