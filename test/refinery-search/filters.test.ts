import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Corpus, openCorpus, type SearchFilters } from '../../src/refinery/corpus/index.js';
import { loadJapaneseAnalyzer } from '../../src/refinery/index/index.js';
import { type Fixture, refinedFixture } from './corpus-fixture.js';

let fixture: Fixture;
let corpus: Corpus;

beforeAll(async () => {
  const analyzer = await loadJapaneseAnalyzer();
  fixture = await refinedFixture(analyzer);
  corpus = openCorpus({ dir: fixture.store, participantId: 'default', analyzer });
}, 120_000);
afterAll(() => {
  corpus?.close();
  rmSync(fixture.root, { recursive: true, force: true });
});

const uris = (query: string, filters: SearchFilters = {}) => [
  ...new Set(corpus.search(query, { k: 20, filters }).map((h) => h.uri)),
];

describe('search filters on a Japanese corpus', () => {
  it('finds every document without filters', () => {
    expect(uris('ポンプ 点検 吐出').sort()).toEqual([
      'docs/manuals/compressors/コンプレッサー点検.md',
      'docs/manuals/pumps/ポンプ分解手順.md',
      'docs/records/保全記録.txt',
    ]);
  });

  it('narrows by folder, file and type', () => {
    expect(uris('ポンプ 点検 吐出', { folder: 'manuals' }).sort()).toEqual([
      'docs/manuals/compressors/コンプレッサー点検.md',
      'docs/manuals/pumps/ポンプ分解手順.md',
    ]);
    expect(uris('ポンプ 点検 吐出', { folder: 'manuals/pumps' })).toEqual([
      'docs/manuals/pumps/ポンプ分解手順.md',
    ]);
    expect(uris('ポンプ 点検 吐出', { file: '保全記録.txt' })).toEqual(['docs/records/保全記録.txt']);
    expect(uris('ポンプ 点検 吐出', { type: 'txt' })).toEqual(['docs/records/保全記録.txt']);
  });

  it('narrows by tags set after refining, which need all to match and fold width and case', () => {
    corpus.setTags(['docs/manuals/pumps/ポンプ分解手順.md', 'docs/records/保全記録.txt'], ['ポンプ', 'ＱＡ']);
    corpus.setTags(['docs/manuals/compressors/コンプレッサー点検.md'], ['qa']);
    expect(corpus.tagsOf('docs/records/保全記録.txt')).toEqual(['qa', 'ポンプ']);
    expect(uris('ポンプ 点検 吐出', { tags: ['ポンプ'] }).sort()).toEqual([
      'docs/manuals/pumps/ポンプ分解手順.md',
      'docs/records/保全記録.txt',
    ]);
    expect(uris('ポンプ 点検 吐出', { tags: ['QA'] })).toHaveLength(3);
    expect(uris('ポンプ 点検 吐出', { tags: ['qa', 'ポンプ'], folder: 'records' })).toEqual([
      'docs/records/保全記録.txt',
    ]);
    expect(uris('ポンプ 点検 吐出', { tags: ['存在しないタグ'] })).toEqual([]);
    const hit = corpus.search('メカニカルシール', { k: 1, filters: { tags: ['ポンプ'] } })[0]!;
    expect(hit.tags).toEqual(['qa', 'ポンプ']);
  });

  it('narrows by the document date (file modification day here), inclusive at each precision', () => {
    expect(uris('ポンプ 点検 吐出', { dateFrom: '2024' }).sort()).toEqual([
      'docs/manuals/compressors/コンプレッサー点検.md',
      'docs/records/保全記録.txt',
    ]);
    expect(uris('ポンプ 点検 吐出', { dateTo: '2023-05' })).toEqual(['docs/manuals/pumps/ポンプ分解手順.md']);
    expect(uris('ポンプ 点検 吐出', { dateFrom: '2024-02-01', dateTo: '2024-02-01' })).toEqual([
      'docs/manuals/compressors/コンプレッサー点検.md',
    ]);
    expect(uris('ポンプ 点検 吐出', { dateFrom: '2024/11', dateTo: '2024-12-31' })).toEqual([
      'docs/records/保全記録.txt',
    ]);
    expect(corpus.search('羽根車', { k: 1 })[0]!.date).toBe('2023-05-10');
  });

  it('prefers the date printed in the document (its metadata) over the file’s', () => {
    const uri = 'docs/records/保全記録.txt';
    const stored = corpus.document(uri)!;
    const doc = corpus.parsed(uri)!;
    corpus.putDocument(
      {
        uri,
        sha256: stored.sha256,
        format: stored.format,
        bytes: stored.bytes,
        mtimeMs: stored.mtimeMs,
        pipeline: stored.pipeline,
        refinedAt: stored.refinedAt,
      },
      { ...doc, metadata: { ...doc.metadata, date: '2019-07' } },
      corpus.chunks(uri),
    );
    expect(uris('ポンプ 点検 吐出', { dateTo: '2019-12-31' })).toEqual([uri]);
    expect(uris('ポンプ 点検 吐出', { dateFrom: '2019-07-20', dateTo: '2019-07' })).toEqual([uri]);
    expect(uris('ポンプ 点検 吐出', { dateFrom: '2024-11' })).toEqual([]);
    expect(corpus.search('保管', { k: 1 })[0]!.date).toBe('2019-07');
  });

  it('refuses malformed or reversed dates with a clear error', () => {
    expect(() => corpus.search('ポンプ', { filters: { dateFrom: '昨日' } })).toThrow(
      /--date-from must be a date/,
    );
    expect(() => corpus.search('ポンプ', { filters: { dateFrom: '2024-13-40' } })).toThrow(/--date-from/);
    expect(() => corpus.search('ポンプ', { filters: { dateFrom: '2025', dateTo: '2024' } })).toThrow(
      /after --date-to/,
    );
    expect(() => corpus.search('ポンプ', { filters: { tags: [' '] } })).toThrow(/--tag must not be empty/);
  });

  it('gives each hit its provenance and a snippet highlighted in the original text', () => {
    const [hit] = corpus.search('ﾒｶﾆｶﾙｼｰﾙの摩耗', { k: 1 });
    expect(hit!.uri).toBe('docs/manuals/pumps/ポンプ分解手順.md');
    expect(hit!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(hit!.blockIds.length).toBeGreaterThan(0);
    expect(hit!.headingPath).toContain('分解');
    const marked = hit!.snippet.highlights.map(([s, e]) => hit!.snippet.text.slice(s, e));
    expect(marked.join(' ')).toContain('メカニカルシール');
    expect(hit!.text.slice(hit!.snippet.start, hit!.snippet.start + hit!.snippet.text.length)).toBe(
      hit!.snippet.text,
    );
  });
});
