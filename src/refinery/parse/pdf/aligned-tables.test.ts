import { describe, expect, it } from 'vitest';
import { alignedTables } from './aligned-tables.js';
import type { Line } from './lines.js';

const piece = (text: string, x0: number, row: number): Line => {
  const top = 100 + row * 18;
  return {
    text,
    raw: text,
    x0,
    x1: x0 + 10 * [...text].length,
    top,
    bottom: top + 10,
    baseline: top + 9,
    size: 10,
    bold: false,
    runs: [],
  };
};

describe('alignedTables', () => {
  it('reads rows of short pieces starting at the same x positions as a table without rulings', () => {
    const lines = [
      piece('部品名', 60, 0),
      piece('数量', 250, 0),
      piece('交換周期', 400, 0),
      piece('Oリング', 60, 1),
      piece('2', 250, 1),
      piece('1年', 400, 1),
      piece('メカニカルシール', 60, 2),
      piece('1', 250, 2),
      piece('3年', 400, 2),
      piece('以上の部品は純正品を使用すること。', 60, 4),
    ];
    const { tables, rest } = alignedTables(lines, 595);
    expect(tables).toHaveLength(1);
    expect(tables[0]!.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['部品名', '数量', '交換周期'],
      ['Oリング', '2', '1年'],
      ['メカニカルシール', '1', '3年'],
    ]);
    expect(tables[0]!.rows[0]!.every((c) => c.header)).toBe(true);
    expect(rest.map((l) => l.text)).toEqual(['以上の部品は純正品を使用すること。']);
  });

  it('leaves prose alone', () => {
    const lines = [0, 1, 2, 3].map((r) =>
      piece('点検の結果は点検記録表に記入し、保全責任者の確認を受ける。', 60, r),
    );
    expect(alignedTables(lines, 595).tables).toEqual([]);
  });
});
