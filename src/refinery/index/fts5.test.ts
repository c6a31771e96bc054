import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMorphology, normalise } from '../text/index.js';
import { japaneseAnalyzer } from './analyzers.js';
import { createMemoryTermIndex } from './bm25.js';
import { createFtsTermIndex, ftsSafe } from './fts5.js';

const pages = [
  '①電源スイッチを切り、ポンプを停止する。②吐出バルブを閉める。',
  '潤滑油の交換周期は３，０００時間です。油量を点検してください。',
  'ポンプの吐出圧力が低下した場合は、吸込側のストレーナを清掃する。',
  '定期点検：モータの絶縁抵抗を測定する（５００Ｖメガー）。',
  'IoT機器のセキュリティ対策について、ガイドラインを参照。',
];

describe('FTS5 term index', () => {
  it('stores bigram, kuromoji and number tokens intact', async () => {
    const db = new Database(':memory:');
    const analyzer = japaneseAnalyzer(await loadMorphology());
    const index = createFtsTermIndex(db, 't');
    const tokens = pages.flatMap((p) => Object.values(analyzer.unit(p)).flat());
    index.put([{ row: 1, tokens }]);
    db.exec(`CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')`);
    const stored = new Set((db.prepare('SELECT term FROM v').pluck().all() as string[]).sort());
    expect(stored).toEqual(new Set(tokens.map(ftsSafe)));
    expect(index.tokensOf(1)).toEqual(tokens);
  });

  it('spells out exactly the characters unicode61 would split at, on every BMP character', () => {
    // The pattern ftsSafe documents, applied to every character: its fast path for plain tokens must agree.
    const spelled = (c: string) =>
      /^[\p{L}\p{N}\p{M}]$/u.test(c) && c !== '\u02ad' ? c : `\u02ad${c.codePointAt(0)!.toString(16)}\u02ad`;
    const differ: string[] = [];
    for (let code = 0x20; code < 0xd800; code++) {
      const c = String.fromCharCode(code);
      if (ftsSafe(c) !== spelled(c) || ftsSafe(`あ${c}z`) !== `あ${spelled(c)}z`) differ.push(c);
    }
    expect(differ).toEqual([]);
    expect(ftsSafe('ポンプ')).toBe('ポンプ');
    expect(ftsSafe('3.5kg')).toBe('3\u02ad2e\u02ad5kg');
    expect(ftsSafe('ー・')).toBe('ー\u02ad30fb\u02ad');
  });

  it('keeps tokens with dots and percent signs as one term', () => {
    const db = new Database(':memory:');
    const index = createFtsTermIndex(db, 't');
    index.put([
      { row: 1, tokens: ['3.5kg', '35%'] },
      { row: 2, tokens: ['3', '5kg', '35'] },
    ]);
    expect(index.search(['3.5kg'], 10).map((h) => h.row)).toEqual([1]);
    expect(index.search(['35%'], 10).map((h) => h.row)).toEqual([1]);
  });

  it('gives the same BM25 scores as the in-memory index on Japanese pages', async () => {
    const morph = await loadMorphology();
    const db = new Database(':memory:');
    for (const view of ['bigram', 'morph'] as const) {
      const analyzer = japaneseAnalyzer(morph);
      const fts = createFtsTermIndex(db, `t_${view}`);
      const memory = createMemoryTermIndex();
      const rows = pages.map((p, i) => ({ row: i + 1, tokens: analyzer.unit(p)[view] ?? [] }));
      fts.put(rows);
      memory.put(rows);
      for (const query of ['ポンプの吐出圧力が下がったときの点検', '潤滑油の交換時間', 'モータ 絶縁']) {
        const q = analyzer.query(query)[view] ?? [];
        const expected = memory.search(q, 10);
        const actual = fts.search(q, 10);
        expect(actual.map((h) => h.row)).toEqual(expected.map((h) => h.row));
        actual.forEach((h, i) => {
          expect(h.score).toBeCloseTo(expected[i]!.score, 6);
        });
      }
    }
  });

  it('replaces a row instead of duplicating it', () => {
    const db = new Database(':memory:');
    const index = createFtsTermIndex(db, 't');
    index.put([{ row: 1, tokens: ['点検'] }]);
    index.put([{ row: 1, tokens: ['清掃'] }]);
    expect(index.search([normalise('点検')], 10)).toEqual([]);
    expect(index.search(['清掃'], 10).map((h) => h.row)).toEqual([1]);
  });

  it('removes rows and ranges, and sees writes made after its postings were cached', () => {
    const db = new Database(':memory:');
    const index = createFtsTermIndex(db, 't');
    index.put([
      { row: 1, tokens: ['点検', 'ポンプ'] },
      { row: 2, tokens: ['点検'] },
      { row: 8192, tokens: ['点検'] },
      { row: 8193, tokens: ['点検'] },
    ]);
    // Row 1 is longer, so it scores lowest.
    expect(index.search(['点検'], 10).map((h) => h.row)).toEqual([2, 8192, 8193, 1]);
    index.remove(2);
    index.remove(8192, 8192 + 4096);
    expect(index.search(['点検'], 10).map((h) => h.row)).toEqual([1]);
    // A write through another statement of the same connection, and one through another connection.
    db.prepare(`INSERT INTO t(rowid, tokens) VALUES (3, '点検 点検')`).run();
    expect(index.search(['点検'], 10).map((h) => h.row)).toEqual([3, 1]);
    const memory = createMemoryTermIndex();
    memory.put([
      { row: 1, tokens: ['点検', 'ポンプ'] },
      { row: 3, tokens: ['点検', '点検'] },
    ]);
    expect(index.search(['点検', 'ポンプ'], 10)).toEqual(memory.search(['点検', 'ポンプ'], 10));
  });

  it('sees a commit by another connection to the same file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-fts5-'));
    try {
      const file = join(dir, 'index.db');
      const reader = new Database(file);
      const index = createFtsTermIndex(reader, 't');
      index.put([{ row: 1, tokens: ['清掃'] }]);
      expect(index.search(['清掃'], 10).map((h) => h.row)).toEqual([1]);
      const writer = new Database(file);
      writer.prepare(`INSERT INTO t(rowid, tokens) VALUES (2, '清掃 清掃')`).run();
      writer.close();
      expect(index.search(['清掃'], 10).map((h) => h.row)).toEqual([2, 1]);
      reader.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
