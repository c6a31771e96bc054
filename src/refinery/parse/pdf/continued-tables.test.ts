import { describe, expect, it } from 'vitest';
import type { TableCell } from '../../document/index.js';
import type { BlockDraft } from '../../structure/index.js';
import { withCarriedHeaders } from './continued-tables.js';

const cells = (...texts: string[]): TableCell[] => texts.map((text) => ({ text }));
const table = (
  page: number,
  rows: TableCell[][],
  headerRows: number,
  more: { caption?: string; x0?: number; top?: number } = {},
): BlockDraft => ({
  kind: 'table',
  rows,
  headerRows,
  headerColumns: 0,
  ...(more.caption === undefined ? {} : { caption: more.caption }),
  text: '',
  location: { page, bbox: [more.x0 ?? 60, more.top ?? 80, 520, 700] },
});
const header = [cells('成分名', '上限').map((c) => ({ ...c, header: true }))];

describe('withCarriedHeaders', () => {
  it('gives a table carried on to the next page its header and caption, page after page', () => {
    const out = withCarriedHeaders([
      table(9, [...header, cells('安息香酸', '0.2')], 1, { caption: '別表第4' }),
      table(10, [cells('感光素', '0.0020')], 0),
      table(11, [cells('サリチル酸', '0.2')], 0),
    ]);
    for (const t of out.slice(1)) {
      expect(t).toMatchObject({ headerRows: 1, caption: '別表第4' });
      expect(t.kind === 'table' && t.rows[0]).toEqual(header[0]);
    }
    expect(out[1]!.text).toBe('別表第4\n| 成分名 | 上限 |\n| 感光素 | 0.0020 |');
    expect(out[2]!.location.page).toBe(11);
  });

  it('leaves a table with its own header or caption, another width, a block between, or a page skipped', () => {
    const first = table(9, [...header, cells('安息香酸', '0.2')], 1);
    const cases: BlockDraft[][] = [
      [first, table(10, [...header, cells('感光素', '0.0020')], 1)],
      [first, table(10, [cells('感光素', '0.0020')], 0, { caption: '表2' })],
      [first, table(10, [cells('感光素', '0.0020', '-')], 0)],
      [first, table(10, [cells('感光素', '0.0020')], 0, { x0: 90 })],
      [first, { kind: 'paragraph', text: '注', location: { page: 10 } }, table(10, [cells('a', 'b')], 0)],
      [first, table(11, [cells('感光素', '0.0020')], 0)],
    ];
    for (const drafts of cases) expect(withCarriedHeaders(drafts)).toEqual(drafts);
  });
});
