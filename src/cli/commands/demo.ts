import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { configFrom, type GlobalOptions, runCommand } from '../run.js';
import { refineSettingsFrom, refineWithOutput } from './refine.js';

/** The bundled sample documents (beside `src/` and `dist/` in the package). */
export const samplesDir = fileURLToPath(new URL('../../../samples/', import.meta.url));

/** Example searches: Japanese with 全角/半角 and kana variants, a table cell, English. */
export const demoQueries: readonly string[] = [
  'ポンプの分解前に何を確認する？',
  'ﾒｶﾆｶﾙｼｰﾙ 漏れ 修理',
  'コンプレッサー 吐出圧力 判定基準',
  'lockout before opening the valve',
];

export function demoCommand(globals: () => GlobalOptions): Command {
  return new Command('demo')
    .description('refine the bundled sample documents into a temporary (or --store) corpus and search it')
    .option('--k <n>', 'hits per example search', (v) => Number.parseInt(v, 10), 3)
    .action(async (flags: { k: number }) => {
      const g = globals();
      await runCommand(g, async () => {
        const loaded = configFrom(g);
        const store =
          loaded.sources.store === 'default'
            ? mkdtempSync(join(tmpdir(), 'musubi-demo-'))
            : loaded.values.store;
        process.stdout.write(`Refining the samples in ${samplesDir} into ${store}\n`);
        const summary = await refineWithOutput([samplesDir], store, refineSettingsFrom(loaded), false);
        const { RefineIncomplete } = await import('../../refinery/pipeline/index.js');
        if (summary.failed > 0) throw new RefineIncomplete(summary.failed, summary.failed + summary.added);
        const { openForSearch, printHits } = await import('./search-run.js');
        const corpus = await openForSearch(store, loaded.values.defaultParticipantId);
        try {
          for (const query of demoQueries) {
            process.stdout.write(`\n$ musubi search ${JSON.stringify(query)} --store ${store}\n`);
            printHits(corpus.search(query, { k: flags.k }), false);
          }
        } finally {
          corpus.close();
        }
        process.stdout.write(`\nTry your own: musubi search "<query>" --store ${store}\n`);
      });
    });
}
