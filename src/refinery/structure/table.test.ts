import { describe, expect, it } from 'vitest';
import { detectHeaderRows, tableText } from './table.js';

const row = (...texts: string[]) => texts.map((text) => ({ text }));

describe('detectHeaderRows', () => {
  it('takes a row of labels above numbers as the header', () => {
    expect(detectHeaderRows([row('項目', '測定値'), row('振動', '１．９')])).toBe(1);
  });

  it('extends the header down over the row spans of its merged cells', () => {
    const first = [
      { text: '設備', rowSpan: 2 },
      { text: '測定値', colSpan: 2 },
    ];
    expect(detectHeaderRows([first, row('基準', '実測'), row('P-101', '2.8', '1.9')])).toBe(2);
  });

  it('reads a one-column label over its value as a labelled field, but not the first item of a list', () => {
    expect(detectHeaderRows([row('担当'), row('山田')])).toBe(1);
    expect(detectHeaderRows([row('山田'), row('佐藤'), row('鈴木')])).toBe(0);
    expect(detectHeaderRows([row('点検は毎月行う。'), row('異常なし')])).toBe(0);
  });

  it('finds no header when the first row has a number or an empty cell', () => {
    expect(detectHeaderRows([row('2026/11/20', '晴れ'), row('2026/11/21', '雨')])).toBe(0);
    expect(detectHeaderRows([row('品名', ''), row('ポンプ', '2')])).toBe(0);
    expect(detectHeaderRows([row('唯一の行')])).toBe(0);
  });
});

describe('tableText', () => {
  it('renders rows as lines with " | " between cells and the caption first', () => {
    expect(tableText([row('項目', '値'), row('温度', '45 ℃')], '表1')).toBe('表1\n項目 | 値\n温度 | 45 ℃');
  });
});
