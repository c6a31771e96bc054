import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ftsSafe, indexRows, joinedRow, loadJapaneseAnalyzer } from '../../src/refinery/index/index.js';
import { bySentence, deferredJapaneseAnalyzer, refine } from '../../src/refinery/pipeline/index.js';
import { loadMorphology } from '../../src/refinery/text/index.js';
import { consistency, copySamples, expectConsistent } from './corpus-check.js';

/**
 * Every full-text row's tokens, by table, sorted: which rowid a document gets depends on which parse finishes
 * first, so rows are compared as a multiset rather than by rowid.
 */
function ftsRows(store: string): Record<string, unknown[]> {
  const db = new Sqlite(join(store, 'refinery.db'), { readonly: true });
  try {
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%' ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    return Object.fromEntries(
      tables.map((t) => [t, (db.prepare(`SELECT tokens FROM "${t}"`).pluck().all() as string[]).sort()]),
    );
  } finally {
    db.close();
  }
}

describe('tokenising in the parse workers', () => {
  const inWorkers = copySamples();
  const onMainThread = copySamples();
  beforeAll(async () => {
    await refine([inWorkers.samples], { store: inWorkers.store, config: { workers: 1 } });
    await refine([onMainThread.samples], {
      store: onMainThread.store,
      analyzer: await loadJapaneseAnalyzer(), // a given analyzer runs on the calling thread
      config: { workers: 1 },
    });
  }, 300_000); // two refines of every sample; slow when the machine is shared

  it('stores exactly the index rows the calling thread would have written', () => {
    const worker = ftsRows(inWorkers.store);
    expect(Object.keys(worker).length).toBeGreaterThan(3);
    expect(Object.values(worker).every((rows) => rows.length > 0)).toBe(true);
    expect(worker).toEqual(ftsRows(onMainThread.store));
    expectConsistent(consistency(inWorkers.store));
  });
});

describe('indexRows', () => {
  it('writes each view as its tokens spelled for FTS5 and space-joined, and one row per passage window', async () => {
    const analyzer = await loadJapaneseAnalyzer();
    const text = `ポンプの吐出弁を閉じ、潤滑油は3,000時間ごとに交換する。 C++ 3.5kg\n${'配管の点検を行う。'.repeat(60)}`;
    const rows = indexRows(analyzer, text);
    const unit = analyzer.unit(text);
    expect(rows.views).toEqual(analyzer.views.map((v) => (unit[v] ?? []).map(ftsSafe).join(' ')));
    expect(rows.views.every((row) => row.length > 0)).toBe(true);
    const windows = analyzer.passages!(text);
    expect(windows.length).toBeGreaterThan(2);
    expect(rows.passages).toEqual([windows.map((w) => (w['bigram'] ?? []).map(ftsSafe).join(' '))]);
  });

  it('joins a document row from its chunks in order, a chunk without tokens adding nothing', () => {
    const a = { views: ['ポン ンプ', 'ポンプ'], passages: [] };
    const empty = { views: ['', ''], passages: [] };
    const b = { views: ['吐出', ''], passages: [] };
    expect(joinedRow([a, empty, b], 0)).toBe('ポン ンプ 吐出');
    expect(joinedRow([a, empty, b], 1)).toBe('ポンプ');
    expect(joinedRow([], 0)).toBe('');
  });
});

describe('bySentence', () => {
  it('gives the words kuromoji gives for the whole text, with repeated pieces served from memory', async () => {
    const morph = await loadMorphology();
    const memo = bySentence(morph);
    const header = '概要 › ものづくり企業の人材育成、デジタル化に対応した人材の確保・育成 › ';
    const texts = [
      `${header}定期昇給\n\n85.2％、74.0％`,
      `${header}賞与（一時金）の増額。ポンプの吐出弁を閉じ、電源を切る。`,
      `${header}賞与（一時金）の増額。ポンプの吐出弁を閉じ、電源を切る。`,
      '、。、',
      '',
      '句読点のない長い一文 Latin words and 3.5kg',
    ];
    for (const t of texts) expect(memo(t)).toEqual(morph(t));
    expect(memo(texts[1]!).length).toBeGreaterThan(5);
  });
});

describe('deferredJapaneseAnalyzer', () => {
  it('knows its views before loading and tokenises like the Japanese analyzer once loaded', async () => {
    const base = await loadJapaneseAnalyzer();
    const deferred = deferredJapaneseAnalyzer();
    expect(deferred.analyzer.views).toEqual(base.views);
    expect(deferred.analyzer.passageViews).toEqual(base.passageViews);
    expect(() => deferred.analyzer.unit('吐出弁')).toThrow(/before it was loaded/);
    await deferred.load();
    const text = 'ポンプの吐出弁を閉じる。潤滑油は3,000時間ごとに交換する';
    expect(deferred.analyzer.unit(text)).toEqual(base.unit(text));
  });
});
