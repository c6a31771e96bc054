import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMorphology } from '../text/index.js';
import { japaneseAnalyzer } from './analyzers.js';
import { japaneseWeights, type RankWeights } from './ranking.js';
import { createMemoryIndex, createSqliteIndex, type IndexUnit } from './unit-index.js';

const units: IndexUnit[] = [
  { id: 'pump#1', docId: 'pump', order: 1, text: 'ポンプ取扱説明書\n目次 1 安全 2 点検 3 故障' },
  { id: 'pump#2', docId: 'pump', order: 2, text: 'Fig. 1' },
  {
    id: 'pump#3',
    docId: 'pump',
    order: 3,
    text: '図1はポンプの構造を示す。羽根車、主軸、メカニカルシールから成る。',
  },
  {
    id: 'pump#4',
    docId: 'pump',
    order: 4,
    text: '吐出圧力が低下した場合はストレーナを清掃する。令和5年改訂。',
  },
  { id: 'motor#1', docId: 'motor', order: 1, text: 'モータの絶縁抵抗を測定する。2023年の点検記録。' },
  { id: 'motor#2', docId: 'motor', order: 2, text: 'モータの軸受にグリースを補給する。' },
];

describe('unit index', () => {
  it('ranks the page that answers the question first and explains every view', async () => {
    const index = createSqliteIndex(new Database(':memory:'), 'manuals', {
      analyzer: japaneseAnalyzer(await loadMorphology()),
      weights: japaneseWeights,
    });
    index.add(units);
    const [top] = index.search('吐出圧力が下がったらどうすればよいですか？', 3);
    expect(top?.unitId).toBe('pump#4');
    expect(top?.docId).toBe('pump');
    expect(Object.keys(top?.views ?? {}).sort()).toEqual([
      'bigram',
      'docPrior',
      'morph',
      'neighbour',
      'numbers',
      'passage',
    ]);
    const sum = Object.values(top?.views ?? {}).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(top?.score ?? 0, 9);
  });

  it('lifts a figure page with little text through its explaining neighbour', async () => {
    const index = createMemoryIndex({
      analyzer: japaneseAnalyzer(await loadMorphology()),
      weights: japaneseWeights,
    });
    index.add(units);
    const query = '羽根車とメカニカルシール';
    const withNeighbour = index.search(query, 6).map((h) => h.unitId);
    const without: RankWeights = { ...japaneseWeights, neighbour: 0 };
    const plain = index.search(query, 6, { weights: without }).map((h) => h.unitId);
    expect(withNeighbour.slice(0, 2)).toEqual(['pump#3', 'pump#2']);
    expect(plain).not.toContain('pump#2');
  });

  it('matches an era year in the question with the western year on the page', async () => {
    const index = createMemoryIndex({
      analyzer: japaneseAnalyzer(await loadMorphology()),
      weights: japaneseWeights,
    });
    index.add(units);
    expect(index.search('令和5年の点検記録', 1)[0]?.unitId).toBe('motor#1');
  });

  it('agrees with the in-memory index and survives reopening the database', async () => {
    const analyzer = japaneseAnalyzer(await loadMorphology());
    const db = new Database(':memory:');
    createSqliteIndex(db, 'manuals', { analyzer, weights: japaneseWeights }).add(units.slice(0, 3));
    const reopened = createSqliteIndex(db, 'manuals', { analyzer, weights: japaneseWeights });
    reopened.add(units.slice(3));
    const memory = createMemoryIndex({ analyzer, weights: japaneseWeights });
    memory.add(units);
    expect(reopened.size).toBe(units.length);
    for (const q of ['モータの絶縁抵抗', 'ポンプの構造', 'グリース補給']) {
      const a = reopened.search(q, 6);
      const b = memory.search(q, 6);
      expect(a.map((h) => h.unitId)).toEqual(b.map((h) => h.unitId));
      a.forEach((h, i) => {
        expect(h.score).toBeCloseTo(b[i]!.score, 6);
      });
    }
  });

  it('refuses a unit id that is already indexed and an unsafe index name', async () => {
    const analyzer = japaneseAnalyzer(await loadMorphology());
    const index = createMemoryIndex({ analyzer, weights: japaneseWeights });
    index.add(units.slice(0, 1));
    expect(() => index.add(units.slice(0, 1))).toThrow(/already indexed/);
    expect(() =>
      createSqliteIndex(new Database(':memory:'), 'x"; drop', { analyzer, weights: japaneseWeights }),
    ).toThrow(/index name/);
  });

  it('writes nothing when a batch repeats a unit id', async () => {
    const analyzer = japaneseAnalyzer(await loadMorphology());
    const index = createSqliteIndex(new Database(':memory:'), 'manuals', {
      analyzer,
      weights: japaneseWeights,
    });
    expect(() => index.add([units[0]!, units[1]!, units[0]!])).toThrow(/already indexed/);
    expect(index.size).toBe(0);
    expect(index.search('ポンプ', 5)).toEqual([]);
    index.add(units);
    expect(index.size).toBe(units.length);
  });
});

describe('unit index removal', () => {
  const replacement: IndexUnit[] = [
    {
      id: 'pump#v2-1',
      docId: 'pump',
      order: 1,
      text: 'ポンプ取扱説明書 第2版\n吸込側のストレーナを毎月清掃する。',
    },
    { id: 'pump#v2-2', docId: 'pump', order: 2, text: 'インペラの摩耗を点検する。' },
  ];

  for (const engine of ['sqlite', 'memory'] as const) {
    it(`replaces a document's units: remove then add (${engine})`, async () => {
      const analyzer = japaneseAnalyzer(await loadMorphology());
      const db = new Database(':memory:');
      const make = () =>
        engine === 'sqlite'
          ? createSqliteIndex(db, 'manuals', { analyzer, weights: japaneseWeights })
          : createMemoryIndex({ analyzer, weights: japaneseWeights });
      const index = make();
      index.add(units);
      expect(index.remove('pump')).toBe(4);
      expect(index.remove('pump')).toBe(0);
      expect(index.size).toBe(2);
      // Nothing of the old pages answers any more, not even through the document prior or passages.
      for (const hit of index.search('羽根車とメカニカルシール 吐出圧力', 10))
        expect(hit.docId).toBe('motor');
      index.add(replacement);
      expect(index.size).toBe(4);
      expect(index.search('インペラの点検', 1)[0]?.unitId).toBe('pump#v2-2');
      // The same answers as an index that only ever held the current units.
      const fresh = createMemoryIndex({ analyzer, weights: japaneseWeights });
      fresh.add([...units.filter((u) => u.docId === 'motor'), ...replacement]);
      for (const q of ['ストレーナの清掃', 'モータの絶縁抵抗', 'グリース', 'ポンプ']) {
        const a = index.search(q, 4);
        const b = fresh.search(q, 4);
        expect(new Set(a.map((h) => h.unitId))).toEqual(new Set(b.map((h) => h.unitId)));
        expect(a.map((h) => h.score)).toEqual(b.map((h) => expect.closeTo(h.score, 6)));
      }
      if (engine === 'sqlite') {
        const reopened = make();
        expect(reopened.size).toBe(4);
        reopened.add([{ id: 'pump#v3', docId: 'valve', order: 1, text: '弁の開閉' }]);
        expect(reopened.search('弁の開閉', 1)[0]?.unitId).toBe('pump#v3');
        expect(reopened.search('インペラの点検', 1)[0]?.unitId).toBe('pump#v2-2');
      }
    });
  }
});
