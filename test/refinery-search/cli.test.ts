import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { type ProviderServer, startProviderServer } from './provider-server.js';

let root: string;
let store: string;
let server: ProviderServer;

const providerEnv = () => ({
  MUSUBI_EMBEDDINGS_URL: server.url,
  MUSUBI_EMBEDDINGS_MODEL: 'fake-e5',
  MUSUBI_RERANK_URL: server.url,
  MUSUBI_RERANK_MODEL: 'fake-reranker',
  MUSUBI_PROVIDER_TIMEOUT_MS: '500',
});

beforeAll(async () => {
  server = await startProviderServer();
  root = mkdtempSync(join(tmpdir(), 'musubi-search-cli-'));
  store = join(root, 'store');
  for (const [folder, name, text] of [
    [
      'pumps',
      'ポンプ分解手順.md',
      '# ポンプ分解手順\n\n①電源を遮断する。\n②羽根車を外し、メカニカルシールを点検する。\n',
    ],
    [
      'compressors',
      'コンプレッサー点検.md',
      '# コンプレッサー点検\n\n吐出圧力の判定基準は0.7MPa以下。安全弁を点検する。\n',
    ],
  ] as const) {
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, name), text);
  }
}, 30_000);
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('musubi refine --tag and search with filters and providers', () => {
  it('tags documents and embeds their chunks at refine time, once', async () => {
    let r = await runCli(['refine', join(root, 'pumps'), '--store', store, '--tag', '回転機'], {
      env: providerEnv(),
    });
    expect(r.stderr).toMatch(/embedded \d+ chunks with fake-e5/);
    expect(r.code).toBe(0);
    r = await runCli(['refine', join(root, 'compressors'), '--store', store], { env: providerEnv() });
    expect(r.code).toBe(0);
    const sent = server.embedded.length;
    expect(sent).toBeGreaterThan(0);
    r = await runCli(['refine', join(root, 'pumps'), join(root, 'compressors'), '--store', store], {
      env: providerEnv(),
    });
    expect(r.code).toBe(0);
    expect(server.embedded.length).toBe(sent); // nothing new to embed
  }, 120_000);

  it('filters by tag and date, and explains every view including dense and rerank', async () => {
    let r = await runCli(['search', '点検', '--store', store, '--tag', '回転機', '--json']);
    expect(r.code).toBe(0);
    const tagged = JSON.parse(r.stdout) as { hits: { uri: string; tags: string[] }[] };
    expect(tagged.hits.length).toBeGreaterThan(0);
    expect(tagged.hits.every((h) => h.uri === 'pumps/ポンプ分解手順.md' && h.tags.includes('回転機'))).toBe(
      true,
    );
    r = await runCli(['search', '点検', '--store', store, '--date-from', '2999', '--json']);
    expect(JSON.parse(r.stdout).hits).toEqual([]);
    r = await runCli(['search', 'pump seal 点検', '--store', store, '--explain', '--k', '2'], {
      env: providerEnv(),
    });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.stdout).toMatch(/explain: .*bigram [\d.]+.*dense [\d.]+.*rerank 0\.900/);
    expect(r.stdout).toMatch(/source: markdown, sha256 [0-9a-f]{12}…/);
    expect(r.stdout).toMatch(/【点検】/);
  }, 60_000);

  it('answers lexically with one warning line when the providers fail', async () => {
    server.mode.embeddings = 'error';
    server.mode.rerank = 'hang';
    try {
      const r = await runCli(['search', '羽根車の点検', '--store', store, '--explain'], {
        env: providerEnv(),
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/ポンプ分解手順\.md/);
      expect(r.stdout).not.toMatch(/dense|rerank/);
      expect(r.stderr).toMatch(/warning: dense retrieval skipped/);
      expect(r.stderr).toMatch(/warning: reranking skipped/);
    } finally {
      server.mode.embeddings = 'ok';
      server.mode.rerank = 'ok';
    }
  }, 60_000);

  it('refuses a malformed date or an empty tag in one line', async () => {
    let r = await runCli(['search', '点検', '--store', store, '--date-to', '来月']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--date-to must be a date/);
    r = await runCli(['search', '点検', '--store', store, '--tag', '']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--tag must not be empty/);
  }, 60_000);
});
