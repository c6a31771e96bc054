import { appendFileSync, copyFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCorpus } from '../../src/refinery/corpus/index.js';
import { type Analyzer, loadJapaneseAnalyzer } from '../../src/refinery/index/index.js';
import { type RefineOptions, refine } from '../../src/refinery/pipeline/index.js';
import { repoRoot } from '../support/cli.js';
import { consistency, copySamples, expectConsistent, tempDir } from './corpus-check.js';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await loadJapaneseAnalyzer();
});

const options = (store: string, extra: Partial<RefineOptions> = {}): RefineOptions => ({
  store,
  analyzer,
  config: { workers: 1 },
  ...extra,
});

/** Chunk ids per document uri. */
function idsByDocument(store: string): Map<string, string[]> {
  const corpus = openCorpus({ dir: store, participantId: 'default' });
  try {
    const out = new Map<string, string[]>();
    for (const c of corpus.chunks()) out.set(c.source.uri, [...(out.get(c.source.uri) ?? []), c.id]);
    return out;
  } finally {
    corpus.close();
  }
}

function search(store: string, query: string, filters = {}) {
  const corpus = openCorpus({ dir: store, participantId: 'default', analyzer });
  try {
    return corpus.search(query, { k: 5, filters });
  } finally {
    corpus.close();
  }
}

describe('refine over the bundled samples', () => {
  const fixture = copySamples();
  beforeAll(async () => {
    await refine([fixture.samples], options(fixture.store));
  });

  it('stores every sample with its chunks and a consistent index', () => {
    const c = consistency(fixture.store);
    expect(c.documents).toBe(5);
    expect(c.failed).toBe(0);
    expect(c.chunks).toBeGreaterThanOrEqual(10);
    expectConsistent(c);
    const uris = [...idsByDocument(fixture.store).keys()].sort();
    expect(uris).toEqual([
      'samples/valve-maintenance-procedure.md',
      'samples/フォークリフト始業前点検.pdf',
      'samples/作業手順書_ポンプ分解点検.md',
      'samples/保全記録_2024.csv',
      'samples/点検表_コンプレッサー.html',
    ]);
  });

  it('finds a part number typed in full-width letters in the procedure, with its lines and heading path', () => {
    const [top] = search(fixture.store, 'ＭＳ－１５０－Ｊ');
    expect(top?.uri).toBe('samples/作業手順書_ポンプ分解点検.md');
    // The short sections before the procedure share one chunk under the document's title, so the section
    // that lists the part is named in the text, and the line range covers the part's line (16).
    expect(top?.text).toContain('3. 準備するもの');
    // The hit is under the section its highlight lies in, not only the chunk's shared path.
    expect(top?.headingPath).toContain('3. 準備するもの');
    expect(top?.kinds).toContain('list-item');
    const [first, last] = top!.location.lines!;
    expect(first).toBeLessThanOrEqual(16);
    expect(last).toBeGreaterThanOrEqual(16);
    expect(top?.location.lines).toEqual([1, 17]);
    // Highlighted in the text as written (half-width there), not in the folded form.
    const marked = top!.snippet.highlights.map(([s, e]) => top!.snippet.text.slice(s, e));
    expect(marked).toContain('MS-150-J');
  });

  it('finds half-width katakana in the Shift_JIS maintenance record, with sheet and range', () => {
    const [top] = search(fixture.store, 'ｸﾞﾗﾝﾄﾞﾊﾟｯｷﾝ 漏れ');
    expect(top?.uri).toBe('samples/保全記録_2024.csv');
    expect(top?.location.ranges?.[0]).toMatch(/^A\d+:H\d+$/);
    expect(top?.text).toContain('グランドパッキン');
    const marked = top!.snippet.highlights.map(([s, e]) => top!.snippet.text.slice(s, e));
    expect(marked).toContain('グランドパッキン');
  });

  it('finds the merged-header inspection table and the PDF steps on their page', () => {
    const [table] = search(fixture.store, 'ｺﾝﾌﾟﾚｯｻｰ 吐出圧力 判定基準');
    expect(table?.uri).toBe('samples/点検表_コンプレッサー.html');
    expect(table?.kinds).toContain('table');
    const [pdf] = search(fixture.store, 'フォークリフト　ブレーキの効き');
    expect(pdf?.uri).toBe('samples/フォークリフト始業前点検.pdf');
    // The steps on page 1, with the one-paragraph 第3章 on page 2 packed after them.
    expect(pdf?.location.pages).toEqual([1, 2]);
    expect(pdf?.text).toContain('③');
    expect(pdf?.text.indexOf('③')).toBeLessThan(pdf!.text.indexOf('第3章'));
  });

  it('applies file, folder and type filters before taking the top k', () => {
    const all = search(fixture.store, '空気圧縮機 潤滑油', { type: 'csv' });
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((h) => h.uri.endsWith('.csv'))).toBe(true);
    const pdfOnly = search(fixture.store, '確認する', { file: 'フォークリフト始業前点検.pdf' });
    expect(new Set(pdfOnly.map((h) => h.uri))).toEqual(new Set(['samples/フォークリフト始業前点検.pdf']));
    expect(search(fixture.store, '確認する', { folder: 'elsewhere' })).toEqual([]);
    expect(search(fixture.store, '確認する', { folder: 'samples' }).length).toBeGreaterThan(0);
  });
});

describe('incremental refine', () => {
  it('skips unchanged files keeping their chunk ids, replaces only a changed file, prunes a deleted one', async () => {
    const fixture = copySamples();
    await refine([fixture.samples], options(fixture.store));
    const before = idsByDocument(fixture.store);

    const again = await refine([fixture.samples], options(fixture.store));
    expect(again).toMatchObject({ added: 0, changed: 0, unchanged: 5, removed: 0, failed: 0 });
    expect(idsByDocument(fixture.store)).toEqual(before);

    const changedFile = join(fixture.samples, '作業手順書_ポンプ分解点検.md');
    appendFileSync(changedFile, '\n## 6. 記録の保管\n\n点検記録は保全課で5年間保管する。\n');
    const changed = await refine([fixture.samples], options(fixture.store));
    expect(changed).toMatchObject({ added: 0, changed: 1, unchanged: 4, removed: 0 });
    const afterChange = idsByDocument(fixture.store);
    const uri = 'samples/作業手順書_ポンプ分解点検.md';
    expect(afterChange.get(uri)).not.toEqual(before.get(uri));
    for (const [other, ids] of before) if (other !== uri) expect(afterChange.get(other)).toEqual(ids);
    expect(search(fixture.store, '記録の保管 5年間')[0]?.uri).toBe(uri);

    rmSync(join(fixture.samples, '点検表_コンプレッサー.html'));
    const pruned = await refine([fixture.samples], options(fixture.store));
    expect(pruned).toMatchObject({ removed: 1, unchanged: 4, documents: 4 });
    expect(idsByDocument(fixture.store).has('samples/点検表_コンプレッサー.html')).toBe(false);
    expect(search(fixture.store, '吐出圧力 判定基準').map((h) => h.uri)).not.toContain(
      'samples/点検表_コンプレッサー.html',
    );
    expectConsistent(consistency(fixture.store));
  });

  it('treats the same bytes at a new path as a rename: no re-parse, same chunk ids, old path gone', async () => {
    const fixture = copySamples();
    await refine([fixture.samples], options(fixture.store));
    const before = idsByDocument(fixture.store);
    renameSync(join(fixture.samples, '保全記録_2024.csv'), join(fixture.samples, '保全記録_2024年度.csv'));
    const summary = await refine([fixture.samples], options(fixture.store));
    expect(summary).toMatchObject({ renamed: 1, removed: 0, added: 0, unchanged: 4 });
    const after = idsByDocument(fixture.store);
    expect(after.get('samples/保全記録_2024年度.csv')).toEqual(before.get('samples/保全記録_2024.csv'));
    expect(after.has('samples/保全記録_2024.csv')).toBe(false);
    expectConsistent(consistency(fixture.store));
  });

  it('refines a byte-identical copy under another name with its own chunk ids', async () => {
    const fixture = copySamples();
    const copy = join(fixture.samples, 'copy.md');
    writeFileSync(copy, '# 写し\n\n① 電源を切る。\n② 弁を閉じる。\n');
    writeFileSync(join(fixture.samples, 'copy2.md'), '# 写し\n\n① 電源を切る。\n② 弁を閉じる。\n');
    const summary = await refine([fixture.samples], options(fixture.store));
    expect(summary).toMatchObject({ added: 7, failed: 0 });
    const ids = idsByDocument(fixture.store);
    expect(ids.get('samples/copy.md')).toHaveLength(ids.get('samples/copy2.md')!.length);
    expect(ids.get('samples/copy.md')).not.toEqual(ids.get('samples/copy2.md'));
  });
});

describe('bad inputs', () => {
  it('reports each bad file once with its reason and refines the others', async () => {
    const fixture = copySamples();
    writeFileSync(join(fixture.samples, 'broken.pdf'), '%PDF-1.7\nこれはPDFではありません。\n%%EOF\n');
    writeFileSync(join(fixture.samples, 'empty.txt'), '');
    writeFileSync(
      join(fixture.samples, 'photo.png'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]),
    );
    writeFileSync(join(fixture.samples, 'huge.txt'), '大きすぎるファイル。'.repeat(2000));
    writeFileSync(join(fixture.samples, '.hidden.md'), '# 隠しファイル\n');
    const summary = await refine(
      [fixture.samples],
      options(fixture.store, { config: { workers: 1, maxFileBytes: 20_000 } }),
    );
    const reasons = Object.fromEntries(summary.failures.map((f) => [f.uri.split('/').at(-1), f.reason]));
    expect(reasons).toEqual({
      'broken.pdf': 'corrupt',
      'empty.txt': 'empty',
      'photo.png': 'unsupported',
      'huge.txt': 'oversized',
    });
    for (const f of summary.failures) expect(f.message).not.toMatch(/\n/);
    expect(summary).toMatchObject({ added: 5, failed: 4, documents: 5 });
    const c = consistency(fixture.store);
    expect(c).toMatchObject({ documents: 5, failed: 4 });
    expectConsistent(c);
  });

  it('names a missing path as a failure and still refines the rest, never the store inside the folder', async () => {
    const fixture = copySamples();
    const inside = join(fixture.samples, 'store');
    const summary = await refine([fixture.samples, join(fixture.root, 'nowhere')], options(inside));
    expect(summary.failures.map((f) => f.reason)).toEqual(['missing']);
    expect(summary.added).toBe(5);
    const again = await refine([fixture.samples], options(inside));
    expect(again).toMatchObject({ added: 0, unchanged: 5, failed: 0 });
  });

  it('reports an encrypted PDF and a parser past its time limit', async () => {
    const dir = tempDir();
    copyFileSync(join(repoRoot, 'test/fixtures/pdf/encrypted.pdf'), join(dir, 'locked.pdf'));
    const locked = await refine([dir], options(join(dir, '.store')));
    expect(locked.failures.map((f) => [f.uri.split('/').at(-1), f.reason])).toEqual([
      ['locked.pdf', 'encrypted'],
    ]);
    const slow = await refine([join(repoRoot, 'samples/フォークリフト始業前点検.pdf')], {
      ...options(join(tempDir(), 'store')),
      config: { workers: 1, parseTimeoutMs: 1 },
    });
    expect(slow.failures).toEqual([expect.objectContaining({ reason: 'parser timeout' })]);
  });
});

describe('OCR modes', () => {
  /** Documents with a chunk holding the words that exist only as pixels in the fixtures' pictures. */
  const figureText = (store: string) => {
    const corpus = openCorpus({ dir: store, participantId: 'default' });
    try {
      const docs = corpus.chunks().filter((c) => c.text.includes('Discharge pressure'));
      return new Set(docs.map((c) => c.source.uri)).size;
    } finally {
      corpus.close();
    }
  };

  it('reads the text in PDF images and DOCX pictures by default, not with ocr scans or off, and redoes the files when the mode changes', async () => {
    const dir = tempDir();
    copyFileSync(join(repoRoot, 'test/fixtures/pdf/figure-image.pdf'), join(dir, 'report.pdf'));
    copyFileSync(join(repoRoot, 'test/fixtures/formats/pictures.docx'), join(dir, 'report.docx'));
    const store = join(dir, 'store');
    const files = [join(dir, 'report.pdf'), join(dir, 'report.docx')];
    await refine(files, options(store, { config: { workers: 1, ocr: 'scans' } }));
    expect(figureText(store)).toBe(0);
    const again = await refine(files, options(store));
    expect(again).toMatchObject({ changed: 2, failed: 0 });
    expect(figureText(store)).toBe(2);
    const off = await refine(files, options(store, { config: { workers: 1, ocr: 'off' } }));
    expect(off).toMatchObject({ changed: 2, failed: 0 });
    expect(figureText(store)).toBe(0);
  });

  it('refuses an unknown mode before touching the store', async () => {
    const dir = tempDir();
    const config = { workers: 1, ocr: 'yes' } as unknown as RefineOptions['config'];
    await expect(refine([dir], options(join(dir, 'store'), { config }))).rejects.toMatchObject({
      message: expect.stringMatching(/ocr must be all, scans or off/),
    });
  });
});

describe('tenancy', () => {
  it('keeps each participant’s documents, chunks and hits apart in one store', async () => {
    const a = copySamples();
    const store = join(tempDir(), 'shared-store');
    await refine([a.samples], { ...options(store), config: { workers: 1, participantId: 'maker-a' } });
    const other = tempDir();
    writeFileSync(join(other, '部品表.md'), '# 部品表\n\nメカニカルシール MS-150-J は在庫3個。\n');
    await refine([other], { ...options(store), config: { workers: 1, participantId: 'maker-b' } });
    const open = (participantId: string) => openCorpus({ dir: store, participantId, analyzer });
    const ca = open('maker-a');
    const cb = open('maker-b');
    try {
      expect(ca.counts()).toMatchObject({ documents: 5 });
      expect(cb.counts()).toMatchObject({ documents: 1 });
      const bHits = cb.search('MS-150-J').map((h) => h.uri);
      expect(bHits.length).toBeGreaterThan(0);
      expect(bHits.every((uri) => uri.endsWith('部品表.md'))).toBe(true);
      const aHits = ca.search('MS-150-J 在庫').map((h) => h.uri);
      expect(aHits.length).toBeGreaterThan(0);
      expect(aHits.some((uri) => uri.includes('部品表'))).toBe(false);
      expect(ca.chunks().every((c) => c.source.uri.startsWith('samples/'))).toBe(true);
    } finally {
      ca.close();
      cb.close();
    }
  });
});

describe('a corpus kept open', () => {
  it('sees documents refined after it was opened, by another connection', async () => {
    const fixture = copySamples();
    await refine([fixture.samples], options(fixture.store));
    const corpus = openCorpus({ dir: fixture.store, participantId: 'default', analyzer });
    try {
      expect(corpus.search('ベアリング 在庫 棚番').map((h) => h.uri)).not.toContain('samples/在庫表.md');
      writeFileSync(
        join(fixture.samples, '在庫表.md'),
        '# 在庫表\n\nベアリング 6205ZZ の在庫は棚番 B-12 に4個。\n',
      );
      await refine([fixture.samples], options(fixture.store));
      expect(corpus.search('ベアリング 在庫 棚番')[0]?.uri).toBe('samples/在庫表.md');
      expect(corpus.counts().documents).toBe(6);
    } finally {
      corpus.close();
    }
  });
});
