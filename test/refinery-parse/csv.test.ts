import { describe, expect, it } from 'vitest';
import { decodeText, parseCsv, parseDelimited } from '../../src/refinery/parse/index.js';
import { byKind, fixtureBytes, parseFixture } from './fixture.js';

const rows = [
  ['品番', '品名', '数量', '備考'],
  ['P-101', '冷却ポンプ', '2', '予備品, 倉庫保管'],
  ['V-201', '吐出弁', '4', '表示札"赤"を使用'],
  ['S-301', 'メカニカルシール', '10', '交換周期：\r\n６か月'],
];

describe('CSV/TSV parser', () => {
  it.each([
    ['parts-sjis.csv', 'shift_jis'],
    ['parts-eucjp.csv', 'euc-jp'],
    ['parts-utf8bom.csv', 'utf-8'],
  ])(
    'reads %s (%s) into one table with quoted fields, escaped quotes and embedded newlines',
    async (name, encoding) => {
      const doc = await parseFixture(name);
      expect(doc.metadata.encoding).toBe(encoding);
      const [table] = byKind(doc.blocks, 'table');
      expect(doc.blocks).toHaveLength(1);
      expect(table!.rows.map((r) => r.map((c) => c.text))).toEqual(rows);
      expect(table!.headerRows).toBe(1);
      expect(table!.rows[0]!.every((c) => c.header)).toBe(true);
      expect(table!.location).toMatchObject({ sheet: name, range: 'A1:D4', lines: [1, 5] });
    },
  );

  it('reads a UTF-16LE TSV with BOM as Excel writes "Unicode text"', async () => {
    const doc = await parseFixture('inspection-utf16le.tsv');
    expect(doc.metadata.encoding).toBe('utf-16le');
    const [table] = byKind(doc.blocks, 'table');
    expect(table!.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['点検項目', '基準値', '測定値'],
      ['振動', '2.8 mm/s 以下', '1.9'],
      ['軸受温度', '70 ℃ 以下', '45'],
    ]);
    expect(table!.location).toMatchObject({ sheet: 'inspection-utf16le.tsv', range: 'A1:C3' });
  });

  it('records a span that slices back to the records, BOM excluded', async () => {
    const bytes = fixtureBytes('parts-utf8bom.csv');
    const { text } = decodeText(bytes, 'parts-utf8bom.csv');
    const [table] = byKind((await parseFixture('parts-utf8bom.csv')).blocks, 'table');
    const [start, end] = table!.location.span!;
    expect(text.slice(start, end)).toBe(text.trimEnd());
    expect(text.startsWith('品番')).toBe(true);
  });

  it('detects no header when the first row holds numbers', async () => {
    const doc = await parseCsv(new TextEncoder().encode('1,2\n3,4\n'), {
      uri: 'n.csv',
      format: 'csv',
      sha256: '',
      bytes: 0,
    });
    expect(byKind(doc.blocks, 'table')[0]!.headerRows).toBe(0);
  });

  it('refuses bytes that are no known encoding with one parse.encoding error', async () => {
    // 0xFF starts no character in UTF-8, Shift_JIS or EUC-JP.
    const garbage = new Uint8Array([0x41, 0x2c, ...new Array<number>(40).fill(0xff), 0x0a, 0x42]);
    const parsing = parseCsv(garbage, { uri: 'bad.csv', format: 'csv', sha256: '', bytes: garbage.length });
    await expect(parsing).rejects.toMatchObject({ code: 'parse.encoding', kind: 'invalid' });
    await expect(parsing).rejects.toThrow(/cannot decode bad\.csv .*shift_jis/);
  });

  it('refuses an empty CSV as parse.empty', async () => {
    await expect(
      parseCsv(new TextEncoder().encode(',,\n'), { uri: 'e.csv', format: 'csv', sha256: '', bytes: 3 }),
    ).rejects.toMatchObject({
      code: 'parse.empty',
    });
  });
});

describe('parseDelimited', () => {
  it('follows RFC 4180: quoted delimiters, doubled quotes, CRLF inside quotes, a last line without newline', () => {
    const records = parseDelimited('a,"b,c","d""e"\r\n"f\r\ng",h,', ',');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b,c', 'd"e'],
      ['f\r\ng', 'h', ''],
    ]);
  });
});

describe('decodeText', () => {
  it('keeps a Shift_JIS file cut in the middle of a character as Shift_JIS', () => {
    const bytes = fixtureBytes('parts-sjis.csv');
    const cut = bytes.subarray(0, bytes.length - 4); // drops \r\n, the quote and the second byte of 月
    const decoded = decodeText(cut, 'cut.csv');
    expect(decoded.encoding).toBe('shift_jis');
    expect(decoded.text.startsWith('品番,品名,数量,備考')).toBe(true);
  });

  it('keeps a UTF-8 file cut in the middle of a character, the broken bytes as U+FFFD', () => {
    const bytes = new TextEncoder().encode('品番,品名\nP-101,冷却ポンプ');
    const decoded = decodeText(bytes.subarray(0, bytes.length - 1), 'cut.csv');
    expect(decoded).toMatchObject({ encoding: 'utf-8', text: '品番,品名\nP-101,冷却ポン\uFFFD' });
  });

  it('tells Shift_JIS from EUC-JP on Japanese text', () => {
    expect(decodeText(fixtureBytes('parts-sjis.csv'), 's').encoding).toBe('shift_jis');
    expect(decodeText(fixtureBytes('parts-eucjp.csv'), 'e').encoding).toBe('euc-jp');
  });
});
