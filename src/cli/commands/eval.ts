import { resolve } from 'node:path';
import { Command } from 'commander';
// The names alone for the description; the benchmarks (and their datasets' code) load when one runs.
import { type BenchmarkName, benchmarkNames } from '../../refinery/eval/names.js';
import { type GlobalOptions, printJson, runCommand } from '../run.js';

export function evalCommand(globals: () => GlobalOptions): Command {
  return new Command('eval')
    .description(`run a retrieval benchmark (${benchmarkNames.join(', ')}) and print its report`)
    .argument('<benchmark>', 'benchmark name')
    .option('--datasets <dir>', 'folder holding the benchmark datasets', '../shared/datasets')
    .option('--json', 'output the result as JSON')
    .option('--no-ocr', 'manufacturing-pdfs: leave pages without a text layer unread instead of OCRing them')
    .action(async (name: string, flags: { datasets: string; json?: boolean; ocr: boolean }) => {
      await runCommand(globals(), async () => {
        const { formatReport, runBenchmark, UnknownBenchmark } = await import('../../refinery/eval/index.js');
        if (!(benchmarkNames as readonly string[]).includes(name)) throw new UnknownBenchmark(name);
        const result = await runBenchmark(name as BenchmarkName, {
          datasetsDir: resolve(flags.datasets),
          ocr: flags.ocr,
          log: (message) => process.stderr.write(`${message}\n`),
        });
        if (flags.json) printJson(result);
        else process.stdout.write(`${formatReport(result)}\n`);
      });
    });
}
