import { describe, expect, it } from 'vitest';
import { byKind, outline, parseFixture } from './fixture.js';

describe('XLSX parser', () => {
  it('splits a sheet into tables at empty rows and columns, each with sheet and A1 range', async () => {
    const doc = await parseFixture('merged.xlsx');
    expect(outline(doc.blocks)).toEqual([
      'h1 点検記録',
      'table 2h 4r',
      'table 1h 2r', // 担当 over 山田: a labelled field
      'table 1h 2r',
      'h1 備考',
      'paragraph 次回点検は６か月後。',
    ]);
    expect(byKind(doc.blocks, 'table').map((t) => t.location)).toEqual([
      { sheet: '点検記録', range: 'A1:D4' },
      { sheet: '点検記録', range: 'F1:F2' },
      { sheet: '点検記録', range: 'A6:B7' },
    ]);
    expect(doc.blocks[5]!).toMatchObject({ headingPath: ['備考'], location: { sheet: '備考', range: 'B2' } });
  });

  it("puts each cell's note after the table holding the cell, named by the cell and its value", async () => {
    const doc = await parseFixture('notes.xlsx');
    expect(outline(doc.blocks)).toEqual([
      'h1 点検記録',
      'table 1h 3r',
      'paragraph [C2 2.8] 校正後に再測定した値。',
      'paragraph [C3 70] 山田:\n基準65℃を超過。\n軸受交換を手配済み。',
    ]);
    expect(doc.blocks[3]!).toMatchObject({
      headingPath: ['点検記録'],
      location: { sheet: '点検記録', range: 'C3' },
    });
  });

  it('keeps merged header cells as spans and detects the two header rows', async () => {
    const [table] = byKind((await parseFixture('merged.xlsx')).blocks, 'table');
    expect(table!.headerRows).toBe(2);
    expect(table!.rows).toEqual([
      [
        { text: '設備', rowSpan: 2, header: true },
        { text: '点検項目', rowSpan: 2, header: true },
        { text: '測定値', colSpan: 2, header: true },
      ],
      [
        { text: '基準', header: true },
        { text: '実測', header: true },
      ],
      [{ text: 'P-101' }, { text: '振動' }, { text: '2.8' }, { text: '1.9' }],
      [{ text: 'P-101' }, { text: '軸受温度' }, { text: '70' }, { text: '45' }],
    ]);
    expect(table!.headingPath).toEqual(['点検記録']);
  });

  it('reads a 方眼紙 form as a title, "label: value" paragraphs and its checklist table, with their ranges', async () => {
    const doc = await parseFixture('hougan.xlsx');
    expect(doc.blocks.map((b) => [b.kind, b.text, b.location.range])).toEqual([
      ['heading', '点検票', undefined],
      ['heading', '設備点検票', 'A1:T1'],
      ['paragraph', '設備名: 冷却ポンプ P-101', 'A3:J3'],
      ['paragraph', '点検日: 2026年11月20日', 'K3:T3'],
      ['paragraph', '点検者: 山田 太郎', 'A4:J4'],
      ['paragraph', '天候: 晴れ', 'K4:T4'],
      ['paragraph', '判定: 異常なし', 'A5:T5'],
      [
        'table',
        '点検項目 | 基準 | 結果\n振動 | 2.8 mm/s 以下 | 1.9 mm/s\n軸受温度 | 70 ℃ 以下 | 45 ℃',
        'A7:T9',
      ],
    ]);
    expect(doc.blocks[2]!.headingPath).toEqual(['点検票', '設備点検票']);
    const [checklist] = byKind(doc.blocks, 'table');
    expect(checklist!.headerRows).toBe(1);
    expect(checklist!.rows[0]!.every((c) => c.header === true)).toBe(true);
  });
});
