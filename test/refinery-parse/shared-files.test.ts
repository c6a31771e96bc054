/**
 * Real files from the shared evaluation data (../shared beside the checkout): a Japanese troubleshooting
 * guide in Markdown, a 10,000-row CSV with a BOM, and an exported XLSX.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../../src/refinery/parse/index.js';
import { byKind } from './fixture.js';

const shared = join(process.cwd(), '..', 'shared', 'datasets');
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(join(shared, path)));

describe('shared evaluation files', () => {
  it('reads the Japanese troubleshooting guide: 点検手順 lists as steps of their item heading, 注記 as notes', async () => {
    const doc = await parseBytes(read('diag-bench/docs/a-guide.ja.md'), 'a-guide.ja.md');
    const steps = byKind(doc.blocks, 'step');
    expect(steps).toHaveLength(16);
    const heading = doc.blocks.find((b) => b.id === steps[0]!.procedure)!;
    expect(heading).toMatchObject({ kind: 'heading', level: 3, text: 'G-TWF 工具摩耗故障（TWF）' });
    expect(steps[0]!.text).toBe('主軸に装着している工具の工具摩耗時間（tool_wear_min）を確認する。');
    expect(steps.slice(0, 3).map((s) => s.number)).toEqual([1, 2, 3]);
    expect(byKind(doc.blocks, 'caution').every((c) => c.level === 'note' && c.label === '注記')).toBe(true);
    expect(byKind(doc.blocks, 'table')[0]!.rows[0]!.map((c) => c.text)).toEqual([
      '計測項目',
      'タグ',
      '単位',
      '備考',
    ]);
  });

  it('reads the AI4I CSV (UTF-8 with BOM) as one 10,001-row table with its header row', async () => {
    const doc = await parseBytes(read('ai4i2020/ai4i2020.csv'), 'ai4i2020.csv');
    const [table] = byKind(doc.blocks, 'table');
    expect(table!.rows).toHaveLength(10_001);
    expect(table!.headerRows).toBe(1);
    expect(table!.rows[0]![0]!.text).toBe('UDI');
    expect(table!.location).toMatchObject({ sheet: 'ai4i2020.csv', range: 'A1:N10001' });
  });

  it('reads an exported workbook as one header-row table over the used range', async () => {
    const doc = await parseBytes(read('lumberchunker-emma/Emma_-_Jane_Austen_Paragraph.xlsx'), 'emma.xlsx');
    const [table] = byKind(doc.blocks, 'table');
    expect(doc.blocks[0]).toMatchObject({ kind: 'heading', text: 'Sheet1' });
    expect(table!.rows[0]!.map((c) => c.text)).toEqual(['Chapter', 'Chunk']);
    expect(table!.headerRows).toBe(1);
    expect(table!.location.range).toMatch(/^A1:B\d+$/);
  });

  it('hands a PDF to the PDF parser through the same registry, loaded on first use', async () => {
    const doc = await parseBytes(read('diag-bench/docs/a-guide.ja.pdf'), 'a-guide.ja.pdf');
    expect(doc.source.format).toBe('pdf');
    expect(doc.blocks.length).toBeGreaterThan(10);
    expect(doc.blocks.every((b) => typeof b.location.page === 'number')).toBe(true);
  });
});
