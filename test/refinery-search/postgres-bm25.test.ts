import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Analyzer,
  createMemoryTermIndex,
  createSqliteIndex,
  type Hit,
  japaneseWeights,
  loadJapaneseAnalyzer,
  type UnitIndex,
} from '../../src/refinery/index/index.js';
import {
  type AsyncUnitIndex,
  createPgTermIndex,
  createPostgresIndex,
  kyselyRunner,
  type SqlRunner,
} from '../../src/refinery/index/postgres/index.js';
import type { Database as StoreDatabase } from '../../src/store/index.js';
import { freshDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { allganizePages, allganizeQuestions, type Question } from './allganize-pages.js';

// PostgreSQL engines only: SQLite is the reference each one is compared with.
const engines = testEngines().filter((e) => e !== 'sqlite');

describe.each(engines.length > 0 ? engines : (['pglite'] as const))('BM25 on %s', (engine) => {
  let test: TestDatabase;
  let store: StoreDatabase;
  let sql: SqlRunner;
  let analyzer: Analyzer;

  beforeAll(async () => {
    test = await freshDatabase(engine);
    store = await test.open();
    sql = kyselyRunner(store.db as unknown as Kysely<unknown>);
    analyzer = await loadJapaneseAnalyzer();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await test?.dispose();
  });

  it('scores Japanese bigram rows exactly as the reference BM25 (FTS5’s formula)', async () => {
    const texts = [
      'ポンプの分解前に電源を遮断し、残圧がないことを確認する。',
      '羽根車の摩耗を点検し、規定値を超える場合は交換する。',
      '注意：運転中のポンプに手を触れないこと。吐出圧力を確認する。',
      'コンプレッサーの吐出圧力の判定基準は0.7MPa以下。',
      '点検記録は5年間保管する。',
    ];
    const rows = texts.map((t, i) => ({ row: i + 1, tokens: analyzer.unit(t)['bigram'] ?? [] }));
    const reference = createMemoryTermIndex();
    reference.put(rows);
    const pg = await createPgTermIndex(sql, 'check_bigram');
    await sql.transaction((tx) => pg.put(tx, rows));
    for (const q of ['ポンプの吐出圧力', '羽根車 交換', '点検記録の保管期間', '存在しない語句']) {
      const tokens = analyzer.query(q)['bigram'] ?? [];
      const want = reference.search(tokens, 10);
      const got = await pg.search(tokens, 10);
      expect(got.map((r) => r.row)).toEqual(want.map((r) => r.row));
      for (const [i, r] of got.entries()) expect(r.score).toBeCloseTo(want[i]!.score, 9);
    }
    // Replacing a row replaces its postings and length.
    await sql.transaction((tx) => pg.put(tx, [{ row: 5, tokens: analyzer.unit('ポンプ')['bigram'] ?? [] }]));
    reference.put([{ row: 5, tokens: analyzer.unit('ポンプ')['bigram'] ?? [] }]);
    const tokens = analyzer.query('ポンプ')['bigram'] ?? [];
    expect((await pg.search(tokens, 10)).map((r) => r.row)).toEqual(
      reference.search(tokens, 10).map((r) => r.row),
    );
    // Removing rows takes their postings and lengths out of N, df and the average length.
    await sql.transaction((tx) => pg.removeRange(tx, 1, 3));
    const rest = createMemoryTermIndex();
    rest.put(rows.slice(2, 4));
    rest.put([{ row: 5, tokens: analyzer.unit('ポンプ')['bigram'] ?? [] }]);
    for (const q of ['ポンプの吐出圧力', '点検記録']) {
      const t = analyzer.query(q)['bigram'] ?? [];
      const want = rest.search(t, 10);
      const got = await pg.search(t, 10);
      expect(got.map((r) => r.row)).toEqual(want.map((r) => r.row));
      for (const [i, r] of got.entries()) expect(r.score).toBeCloseTo(want[i]!.score, 9);
    }
  });

  describe('the five-view unit index over allganize-ja pages', () => {
    let sqlite: UnitIndex;
    let postgres: AsyncUnitIndex;
    let questions: Question[];
    const db = new Database(':memory:');
    afterAll(() => db.close());

    beforeAll(async () => {
      // Six documents (a few hundred pages) keep the test quick; the full corpus is the eval script's job.
      const pages = await allganizePages();
      const files = [...new Set(pages.map((p) => p.docId))].slice(0, 6);
      const units = pages.filter((p) => files.includes(p.docId));
      sqlite = createSqliteIndex(db, 'reference', { analyzer, weights: japaneseWeights });
      sqlite.add(units);
      postgres = await createPostgresIndex(sql, 'allganize', { analyzer, weights: japaneseWeights });
      // Two batches: documents grow across adds as they do in the SQLite index.
      const half = Math.floor(units.length / 2);
      await postgres.add(units.slice(0, half));
      await postgres.add(units.slice(half));
      const ids = new Set(units.map((u) => u.id));
      questions = (await allganizeQuestions()).filter((q) => [...q.relevant].some((r) => ids.has(r)));
    }, 300_000);

    it('holds the same units', () => {
      expect(postgres.size).toBe(sqlite.size);
      expect(postgres.size).toBeGreaterThan(100);
    });

    it('ranks every question’s top 10 as the SQLite FTS5 index does, with the same view scores', async () => {
      expect(questions.length).toBeGreaterThan(20);
      let compared = 0;
      for (const q of questions) {
        // 20 deep so a tie straddling rank 10 is seen whole on both sides.
        const want = sqlite.search(q.text, 20);
        const got = await postgres.search(q.text, 20);
        expect(tieGroups(got, 10), q.id).toEqual(tieGroups(want, 10));
        for (const [i, h] of got.slice(0, 10).entries()) {
          expect(h.score).toBeCloseTo(want[i]!.score, 6);
          // Tied units may swap places; their scores (checked above) agree, their views per unit too.
          const same = want.find((w) => w.unitId === h.unitId);
          if (!same) continue;
          for (const [view, s] of Object.entries(same.views)) expect(h.views[view]).toBeCloseTo(s, 6);
        }
        compared += Math.min(10, got.length);
      }
      expect(compared).toBe(questions.length * 10);
    }, 300_000);

    it('reopens from the database with the same answers', async () => {
      const reopened = await createPostgresIndex(sql, 'allganize', { analyzer, weights: japaneseWeights });
      expect(reopened.size).toBe(postgres.size);
      const q = questions[0]!.text;
      expect((await reopened.search(q, 5)).map((h) => h.unitId)).toEqual(
        (await postgres.search(q, 5)).map((h) => h.unitId),
      );
    });
  });
});

/**
 * The ranking as groups of units with equal scores (within 1e-9: the two engines sum floats in different
 * orders), down to the group holding rank `k`. Unit order inside a group is arbitrary, so each is sorted;
 * the last group is cut to the units both engines must have seen.
 */
function tieGroups(hits: readonly Hit[], k: number): string[][] {
  const groups: { score: number; ids: string[] }[] = [];
  for (const h of hits) {
    const last = groups.at(-1);
    if (last && Math.abs(last.score - h.score) <= 1e-9) last.ids.push(h.unitId);
    else if (groups.reduce((n, g) => n + g.ids.length, 0) < k)
      groups.push({ score: h.score, ids: [h.unitId] });
    else break;
  }
  return groups.map((g) => [...g.ids].sort());
}
