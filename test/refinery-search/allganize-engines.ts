/**
 * The allganize-ja page-retrieval evaluation on both engines: the SQLite FTS5 index and the PostgreSQL index
 * (BM25 in SQL), same analyzer and weights, every question. Prints each engine's metrics per half, index
 * time, p50 latency, and how many top-20 lists are identical.
 *
 *   npx vite-node test/refinery-search/allganize-engines.ts                  # PGlite in a temp dir
 *   npx vite-node test/refinery-search/allganize-engines.ts postgres://…     # a PostgreSQL server (empty db)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { quantile, scoreQuery, summarise } from '../../src/refinery/eval/index.js';
import {
  createPostgresIndex,
  createSqliteIndex,
  japaneseWeights,
  kyselyRunner,
  loadJapaneseAnalyzer,
} from '../../src/refinery/index/index.js';
import { openDatabase, type StoreTarget } from '../../src/store/index.js';
import { allganizePages, allganizeQuestions } from './allganize-pages.js';

const url = process.argv[2];
const dir = url ? undefined : mkdtempSync(join(tmpdir(), 'musubi-allganize-pg-'));
const target: StoreTarget = url ? { engine: 'postgres', url } : { engine: 'pglite', dataDir: dir! };

const pages = await allganizePages();
const questions = await allganizeQuestions();
const analyzer = await loadJapaneseAnalyzer();

let started = performance.now();
const sqliteDb = new Database(':memory:');
const sqlite = createSqliteIndex(sqliteDb, 'allganize', { analyzer, weights: japaneseWeights });
sqlite.add(pages);
const sqliteMs = performance.now() - started;

const store = await openDatabase(target);
started = performance.now();
const postgres = await createPostgresIndex(
  kyselyRunner(store.db as unknown as Kysely<unknown>),
  'allganize',
  {
    analyzer,
    weights: japaneseWeights,
  },
);
for (let at = 0; at < pages.length; at += 200) await postgres.add(pages.slice(at, at + 200));
const postgresMs = performance.now() - started;

const runs = { sqlite: [] as string[][], [target.engine]: [] as string[][] };
const latency = { sqlite: [] as number[], [target.engine]: [] as number[] };
for (const q of questions) {
  let t = performance.now();
  runs.sqlite.push(sqlite.search(q.text, 20).map((h) => h.unitId));
  latency.sqlite.push(performance.now() - t);
  t = performance.now();
  runs[target.engine]!.push((await postgres.search(q.text, 20)).map((h) => h.unitId));
  latency[target.engine]!.push(performance.now() - t);
}

const pct = (n: number) => n.toFixed(2);
console.log(`allganize-ja: ${pages.length} pages, ${questions.length} questions`);
console.log(`index time: sqlite ${Math.round(sqliteMs)} ms, ${target.engine} ${Math.round(postgresMs)} ms`);
for (const [engine, ranked] of Object.entries(runs)) {
  for (const half of ['test', 'tuning'] as const) {
    const scores = questions.flatMap((q, i) => (q.half === half ? [scoreQuery(ranked[i]!, q.relevant)] : []));
    const s = summarise(scores);
    console.log(
      `${engine.padEnd(8)} ${half.padEnd(6)} n=${s.n} R@1 ${pct(s.recall[1]!)} R@5 ${pct(s.recall[5]!)} ` +
        `R@10 ${pct(s.recall[10]!)} R@20 ${pct(s.recall[20]!)} MRR@10 ${s.mrr10.toFixed(4)} nDCG@10 ${s.ndcg10.toFixed(4)}`,
    );
  }
  const l = latency[engine]!;
  console.log(
    `${engine.padEnd(8)} search p50 ${quantile(l, 0.5).toFixed(1)} ms, p95 ${quantile(l, 0.95).toFixed(1)} ms`,
  );
}
const same = runs.sqlite.filter((r, i) => r.join() === runs[target.engine]![i]!.join()).length;
console.log(`identical top-20 lists: ${same} of ${questions.length}`);

sqliteDb.close();
await store.close();
if (dir) rmSync(dir, { recursive: true, force: true });
