import { Command } from 'commander';
import { describeConfig } from '../../node/config.js';
import { configFrom, type GlobalOptions, printJson, runCommand } from '../run.js';

export function configCommand(globals: () => GlobalOptions): Command {
  return new Command('config')
    .description('print every configuration key with its value and where it came from')
    .option('--json', 'output as JSON')
    .action(async (flags: { json?: boolean }) => {
      const g = globals();
      await runCommand(g, async () => {
        const rows = describeConfig(configFrom(g));
        if (flags.json) return printJson(rows);
        const width = Math.max(...rows.map((r) => r.key.length));
        for (const r of rows) {
          const value = JSON.stringify(Array.isArray(r.value) ? r.value.join(',') : r.value);
          process.stdout.write(
            `${r.key.padEnd(width)}  ${value.padEnd(24)} ${r.source.padEnd(7)}  # ${r.description}\n`,
          );
        }
      });
    });
}
