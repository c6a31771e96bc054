import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analyzer } from '../../src/refinery/index/index.js';
import { refine } from '../../src/refinery/pipeline/index.js';

/** Small Japanese documents in two folders, with known modification days. */
const files: Record<string, { text: string; mtime: string }> = {
  'manuals/pumps/ポンプ分解手順.md': {
    mtime: '2023-05-10',
    text: '# ポンプ分解手順\n\n## 準備\n\n①電源を遮断する。\n②吐出弁と吸込弁を閉じる。\n\n注意：残圧を抜いてから分解すること。\n\n## 分解\n\n羽根車を取り外し、メカニカルシールの摩耗を点検する。\n',
  },
  'manuals/compressors/コンプレッサー点検.md': {
    mtime: '2024-02-01',
    text: '# コンプレッサー点検\n\n吐出圧力の判定基準は0.7MPa以下とする。\n\n安全弁の作動を月次で確認する。ドレンを毎日排出する。\n',
  },
  'records/保全記録.txt': {
    mtime: '2024-11-20',
    text: '保全記録\n\n2024年11月 ポンプのメカニカルシールから漏れ。シールを交換した。\n点検記録は5年間保管する。\n',
  },
};

export interface Fixture {
  readonly root: string;
  readonly store: string;
}

export async function refinedFixture(analyzer: Analyzer): Promise<Fixture> {
  const root = mkdtempSync(join(tmpdir(), 'musubi-search-'));
  const docs = join(root, 'docs');
  for (const [path, { text, mtime }] of Object.entries(files)) {
    const file = join(docs, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
    const t = new Date(`${mtime}T12:00:00Z`);
    utimesSync(file, t, t);
  }
  const store = join(root, 'store');
  const summary = await refine([docs], { store, analyzer, config: { workers: 1 } });
  if (summary.failed > 0 || summary.added !== 3)
    throw new Error(`fixture refine: ${JSON.stringify(summary)}`);
  return { root, store };
}
