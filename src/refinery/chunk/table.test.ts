import { describe, expect, it } from 'vitest';
import { renderTable, repeatedLabelChars, tableGrid, textColumns } from './table.js';

describe('tables as pipe rows', () => {
  it('repeats merged cells into every position they cover', () => {
    const rows = [
      [
        { text: '区分', rowSpan: 2 },
        { text: '温度', colSpan: 2 },
      ],
      [{ text: '上限' }, { text: '下限' }],
      [{ text: '軸受' }, { text: '７０℃' }, { text: '５℃' }],
    ];
    expect(tableGrid({ rows })).toEqual([
      ['区分', '温度', '温度'],
      ['区分', '上限', '下限'],
      ['軸受', '７０℃', '５℃'],
    ]);
  });

  it('writes a long merged text once, so a chart read as a grid cannot multiply the table', () => {
    const legend =
      '図１ 2019年と2023年を比較した売上総額の変化（n=3,366）増加 やや増加 横ばい やや減少 減少 無回答';
    expect([...legend].length).toBeGreaterThan(repeatedLabelChars);
    const rows = [
      [
        { text: legend, colSpan: 3, rowSpan: 2 },
        { text: '区分', rowSpan: 2 },
      ],
      [],
      [{ text: '54.9' }, { text: '21.1' }, { text: '5.6' }, { text: '製造' }],
    ];
    expect(tableGrid({ rows })).toEqual([
      [legend, '', '', '区分'],
      ['', '', '', '区分'],
      ['54.9', '21.1', '5.6', '製造'],
    ]);
  });

  it('leaves out the columns that are empty in every row, and keeps an empty grid as it is', () => {
    const rows = [
      [{ text: '' }, { text: '項目' }, { text: '' }, { text: '値' }],
      [{ text: '' }, { text: '圧力' }, { text: '' }, { text: '0.5' }],
    ];
    expect(renderTable({ rows, headerRows: 1 })).toEqual({
      header: ['| 項目 | 値 |', '| --- | --- |'],
      body: ['| 圧力 | 0.5 |'],
    });
    expect(
      textColumns([
        ['', ''],
        ['', ''],
      ]),
    ).toEqual([
      ['', ''],
      ['', ''],
    ]);
  });

  it('writes header rows, one separator line, then body rows, escaping pipes and newlines', () => {
    const rows = [
      [{ text: '項目' }, { text: '値' }],
      [{ text: 'a|b' }, { text: '1\n2' }],
    ];
    expect(renderTable({ rows, headerRows: 1 })).toEqual({
      header: ['| 項目 | 値 |', '| --- | --- |'],
      body: ['| a\\|b | 1<br>2 |'],
    });
  });

  it('has no header lines when the table has no header row', () => {
    expect(renderTable({ rows: [[{ text: 'x' }]], headerRows: 0 }).header).toEqual([]);
  });
});
