import { resolve } from 'node:path';
import { formatChunkBenchmark, runChunkBenchmark } from './run.js';

// Edge script: `npx vite-node src/refinery/chunk/bench/main.ts -- jsquad [size]` from the repo root.
const args = process.argv.slice(2).filter((a) => a !== '--');
const [name = 'jsquad', size = '1000'] = args;
const datasetsDir = resolve(process.cwd(), '..', 'shared', 'datasets');
const report = await runChunkBenchmark(name, { datasetsDir, size: Number(size) });
process.stdout.write(`${name} (structure budget ${report.size} chars)\n${formatChunkBenchmark(report)}\n`);
