/**
 * Brute-force dense scoring time at corpus scale (timings reported, never asserted):
 *   npx vite-node test/refinery-search/dense-latency.ts [chunks] [dims]
 */
import { performance } from 'node:perf_hooks';
import { denseScores } from '../../src/refinery/corpus/vectors.js';
import { seededRandom } from '../../src/refinery/eval/index.js';

const chunks = Number(process.argv[2] ?? 2126);
const dims = Number(process.argv[3] ?? 1024);
const random = seededRandom(7);
const vector = () => Float32Array.from({ length: dims }, () => random() - 0.5);
const stored = {
  rows: Array.from({ length: chunks }, (_, i) => i + 1),
  vectors: Array.from({ length: chunks }, vector),
};
const times: number[] = [];
for (let i = 0; i < 50; i++) {
  const t = performance.now();
  denseScores(vector(), stored, () => true, 100);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(
  `${chunks} chunks × ${dims} dims: p50 ${times[25]!.toFixed(2)} ms, p95 ${times[47]!.toFixed(2)} ms`,
);
