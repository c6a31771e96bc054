/**
 * Search latency in a running process: `npx vite-node test/refinery-pipeline/search-latency.ts <store>`.
 * Prints the time to open the corpus with the dictionary loaded, then p50/p95 over the demo queries
 * (and variants) repeated. Timings are reported, not asserted.
 */
import { openCorpus } from '../../src/refinery/corpus/index.js';
import { loadJapaneseAnalyzer } from '../../src/refinery/index/index.js';

const store = process.argv[2] ?? '.musubi';
const queries = [
  'ポンプの分解前に何を確認する？',
  'ﾒｶﾆｶﾙｼｰﾙ 漏れ 修理',
  'コンプレッサー 吐出圧力 判定基準',
  'lockout before opening the valve',
  'フォークリフト　ブレーキの効き',
  'ＭＳ－１５０－Ｊ',
  '羽根車 交換',
  '点検記録の保管期間',
];

const t0 = performance.now();
const analyzer = await loadJapaneseAnalyzer();
const corpus = openCorpus({ dir: store, participantId: 'default', analyzer });
const first = corpus.search(queries[0]!, { k: 10 });
const ready = performance.now() - t0;
const times: number[] = [];
for (let round = 0; round < 25; round++) {
  for (const q of queries) {
    const t = performance.now();
    corpus.search(q, { k: 10 });
    times.push(performance.now() - t);
  }
}
times.sort((a, b) => a - b);
const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
const counts = corpus.counts();
corpus.close();
console.log(
  `${store}: ${counts.documents} documents, ${counts.chunks} chunks; dictionary + first search ${ready.toFixed(0)} ms` +
    ` (${first.length} hits); ${times.length} searches p50 ${at(0.5)} ms, p95 ${at(0.95)} ms`,
);
