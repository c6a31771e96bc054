import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli, spawnCli } from '../support/cli.js';
import { consistency, copySamples, expectConsistent, tempDir } from './corpus-check.js';

/** Everything on stderr is exactly these one-line messages (no stack traces). */
function stderrLines(stderr: string): string[] {
  expect(stderr).not.toMatch(/\n\s+at /);
  return stderr.trim() === '' ? [] : stderr.trim().split('\n');
}

describe('musubi refine / search / show / export (built CLI)', () => {
  const fixture = copySamples();
  beforeAll(async () => {
    expect(existsSync(cliPath), 'run `npm run build` first').toBe(true);
    const r = await runCli(['refine', fixture.samples, '--store', fixture.store]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('prints one line per refined file and a summary, with no progress bar when not on a terminal', async () => {
    const other = copySamples();
    const r = await runCli(['refine', other.samples, '--store', other.store]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('added '))).toHaveLength(5);
    expect(lines.at(-1)).toMatch(
      /^5 added, 0 changed, 0 unchanged, 0 renamed, 0 removed, 0 failed — 5 documents, \d+ chunks in /,
    );
    expect(r.stdout + r.stderr).not.toContain('\u001b[');
    expect(r.stdout + r.stderr).not.toContain('\r');
    const again = await runCli(['refine', other.samples, '--store', other.store, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, unchanged: 5, failed: 0, documents: 5 });
  });

  it('lists each bad file on one line, refines the rest and exits non-zero', async () => {
    const bad = copySamples();
    writeFileSync(join(bad.samples, 'broken.pdf'), '%PDF-1.7\nこれはPDFではありません。\n%%EOF\n');
    writeFileSync(join(bad.samples, 'empty.md'), '');
    writeFileSync(join(bad.samples, 'archive.7z'), Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]));
    writeFileSync(join(bad.samples, 'big.txt'), 'あ'.repeat(10_000));
    const r = await runCli([
      'refine',
      bad.samples,
      '--store',
      bad.store,
      '--json',
      '--max-file-bytes',
      '20000',
    ]);
    expect(r.code).toBe(2);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ added: 5, failed: 4 });
    const lines = stderrLines(r.stderr);
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.includes('broken.pdf'))).toMatch(/corrupt/);
    expect(lines.find((l) => l.includes('empty.md'))).toMatch(/empty/);
    expect(lines.find((l) => l.includes('archive.7z'))).toMatch(/unsupported/);
    expect(lines.find((l) => l.includes('big.txt'))).toMatch(/oversized/);
    expect(lines.at(-1)).toMatch(/^musubi: 4 of 9 files could not be refined/);
  });

  it('searches with highlights, provenance and --explain view scores', async () => {
    const r = await runCli(['search', 'ｸﾞﾗﾝﾄﾞﾊﾟｯｷﾝ 漏れ', '--store', fixture.store, '--k', '3', '--explain']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1\. samples\/保全記録_2024\.csv \(保全記録_2024\.csv!A\d+:H\d+/);
    expect(r.stdout).toContain('【グランドパッキン】');
    expect(r.stdout).toMatch(/explain: bigram [\d.]+ {2}morph [\d.]+/);
    const json = await runCli(['search', '吐出圧力', '--store', fixture.store, '--json', '--type', 'html']);
    const { hits } = JSON.parse(json.stdout);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]).toMatchObject({
      uri: 'samples/点検表_コンプレッサー.html',
      headingPath: expect.any(Array),
    });
    expect(hits[0].snippet.highlights.length).toBeGreaterThan(0);
  });

  it('refuses a filter date it cannot read, exit 2, and filters by a good one', async () => {
    const bad = await runCli(['search', 'ポンプ', '--since', 'yesterday-ish', '--store', fixture.store]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since .*must be a date/);
    const future = await runCli(['search', 'ポンプ', '--since', '2999-01-01', '--store', fixture.store]);
    expect(future.code, future.stderr).toBe(0);
    expect(future.stdout).toMatch(/no hits/);
  });

  it('says in one line that a store is missing or empty, exit 3', async () => {
    const missing = await runCli(['search', 'ポンプ', '--store', join(tempDir(), 'none')]);
    expect(missing.code).toBe(3);
    expect(stderrLines(missing.stderr)).toEqual([
      expect.stringMatching(/^musubi: no refined documents in .*none/),
    ]);
    const onlyBad = tempDir();
    writeFileSync(join(onlyBad, 'empty.txt'), '');
    const store = join(tempDir(), 'store');
    expect((await runCli(['refine', onlyBad, '--store', store])).code).toBe(2);
    const empty = await runCli(['search', 'ポンプ', '--store', store]);
    expect(empty.code).toBe(3);
    expect(stderrLines(empty.stderr)).toEqual([expect.stringMatching(/holds no refined documents/)]);
  });

  it('shows the block tree of a document by file name, as text and JSON', async () => {
    const r = await runCli(['show', '作業手順書_ポンプ分解点検.md', '--store', fixture.store]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^samples\/作業手順書_ポンプ分解点検\.md “渦巻ポンプ 分解点検作業手順書” \(markdown/,
    );
    expect(r.stdout).toMatch(/\n {4}## 4\. 分解手順\n/);
    expect(r.stdout).toMatch(/\n {6}→ ① 吸込弁と吐出弁を全閉/);
    expect(r.stdout).toMatch(/\n {6}⚠ .*注意/);
    const json = JSON.parse(
      (await runCli(['show', 'valve-maintenance-procedure.md', '--json', '--store', fixture.store])).stdout,
    );
    expect(json.source.uri).toBe('samples/valve-maintenance-procedure.md');
    expect(json.children[0]).toMatchObject({ kind: 'heading', children: expect.any(Array) });
    const unknown = await runCli(['show', 'nothing.md', '--store', fixture.store]);
    expect(unknown.code).toBe(3);
    expect(stderrLines(unknown.stderr)).toHaveLength(1);
  });

  it("shows a slide deck's boxes one after another, each item with one bullet, and its chart as a figure", async () => {
    const store = join(tempDir(), 'store');
    const slides = new URL('../fixtures/pdf/slides.pdf', import.meta.url).pathname;
    expect((await runCli(['refine', slides, '--store', store])).code).toBe(0);
    const r = await runCli(['show', 'slides.pdf', '--store', store]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /\n {4}## 事例１電機メーカー\n {6}• 保全記録を電子化し、点検の結果を全工場で共有した。\n/,
    );
    expect(r.stdout).not.toContain('• •');
    expect(r.stdout).toMatch(/\n {6}▣ \(件\) \| 1,200 \| 1,480/);
  });

  it('exports JSONL records with pageContent and metadata, Markdown and JSON', async () => {
    const r = await runCli(['export', '--format', 'jsonl', '--store', fixture.store]);
    expect(r.code, r.stderr).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.length).toBe(consistency(fixture.store).chunks);
    for (const rec of records) {
      expect(typeof rec.pageContent).toBe('string');
      expect(rec.metadata.source).toMatch(/^samples\//);
      expect(rec.id).toBe(rec.id_);
    }
    expect(records.find((x) => x.metadata.source.endsWith('.pdf')).metadata.page_start).toBe(1);
    const out = join(tempDir(), 'corpus.md');
    expect(
      (await runCli(['export', '--format', 'markdown', '--out', out, '--store', fixture.store])).code,
    ).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('# 渦巻ポンプ 分解点検作業手順書');
    const json = JSON.parse(
      (await runCli(['export', '--format', 'json', '--doc', '保全記録_2024.csv', '--store', fixture.store]))
        .stdout,
    );
    expect(json).toHaveLength(1);
    expect(json[0].source.format).toBe('csv');
    expect((await runCli(['export', '--format', 'xml', '--store', fixture.store])).code).toBe(2);
  });
});

describe('refine killed with SIGKILL', () => {
  it('leaves no orphans, and a rerun completes the corpus', async () => {
    const root = tempDir();
    const docs = join(root, 'docs');
    mkdirSync(docs);
    const count = 300;
    for (let i = 0; i < count; i++) {
      writeFileSync(
        join(docs, `手順書_${String(i).padStart(3, '0')}.md`),
        `# 設備${i}号機 点検手順\n\n## 手順\n\n① 設備${i}号機の電源を遮断する。\n② 圧力が${i % 7}MPaであることを確認する。\n\n> **注意** 回転部に触れないこと。\n\n## 記録\n\n点検番号 K-${i} を記録する。\n`,
      );
    }
    const store = join(root, 'store');
    const run = spawnCli(process.execPath, [cliPath, 'refine', docs, '--store', store]);
    await run.waitFor(/(^added .*\n){3}/m, 60_000);
    run.signal('SIGKILL');
    await run.exited;
    expect(run.stdout()).not.toMatch(/ added, .* failed — /); // killed before the summary
    const partial = consistency(store);
    expectConsistent(partial);
    expect(partial.documents).toBeGreaterThanOrEqual(3);
    expect(partial.documents).toBeLessThan(count);

    const rerun = await runCli(['refine', docs, '--store', store, '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    expect(summary.added + summary.unchanged).toBe(count);
    expect(summary.unchanged).toBeGreaterThanOrEqual(partial.documents);
    const full = consistency(store);
    expectConsistent(full);
    expect(full.documents).toBe(count);
    expect(full.chunks).toBe(summary.chunks);
  });
});

describe('musubi demo and eval', () => {
  it('demo refines the samples and prints hits for every example search', async () => {
    const store = join(tempDir(), 'demo');
    const r = await runCli(['demo', '--store', store]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/5 added, .* 0 failed/);
    const searches = r.stdout.split('\n$ musubi search ').slice(1);
    expect(searches).toHaveLength(4);
    for (const s of searches) expect(s).toMatch(/\n1\. samples\/\S+/);
    expect(searches[1]).toMatch(/\n1\. samples\/保全記録_2024\.csv/);
    expect(searches[2]).toMatch(/\n1\. samples\/点検表_コンプレッサー\.html/);
    expect(searches[3]).toMatch(/\n1\. samples\/valve-maintenance-procedure\.md/);
  });

  it('eval names an unknown benchmark in one line', async () => {
    const r = await runCli(['eval', 'no-such-benchmark']);
    expect(r.code).toBe(3);
    expect(stderrLines(r.stderr)).toEqual([expect.stringMatching(/no-such-benchmark/)]);
  });
});
