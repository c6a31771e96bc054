import { Command, InvalidArgumentError } from 'commander';
import { type GlobalOptions, runCommand } from '../run.js';
import { positiveInt } from './refine.js';

export interface SearchFlags {
  readonly k: number;
  readonly json?: boolean;
  readonly explain?: boolean;
  readonly file?: string;
  readonly folder?: string;
  readonly type?: string;
  readonly tag?: readonly string[];
  readonly since?: string;
  readonly dateFrom?: string;
  readonly dateTo?: string;
  /** `--no-dense` / `--no-rerank` turn a configured provider off for one search. */
  readonly dense: boolean;
  readonly rerank: boolean;
}

function dateArg(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('must be a date such as 2026-01-31');
  return value;
}

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

export function searchCommand(globals: () => GlobalOptions): Command {
  return new Command('search')
    .description('search the refined corpus (BM25 over Japanese-aware views)')
    .argument('<query>', 'what to look for, in any mix of Japanese and English')
    .option('--k <n>', 'number of hits', positiveInt, 10)
    .option('--json', 'output as JSON')
    .option('--explain', 'show each view’s contribution to the score')
    .option('--file <name>', 'only this document (uri, uri suffix or file name)')
    .option('--folder <path>', 'only documents under this folder')
    .option('--type <format>', 'only this format (pdf, docx, xlsx, markdown, csv, html …)')
    .option('--tag <tag>', 'only documents with this tag (repeatable: all must match)', collect, [])
    .option('--since <date>', 'only documents refined at or after this date', dateArg)
    .option('--date-from <date>', 'only documents dated on or after this (2024, 2024-04, 2024-04-01)')
    .option(
      '--date-to <date>',
      'only documents dated on or before this (the date printed in them, else mtime)',
    )
    .option('--no-dense', 'skip the configured embeddings provider for this search')
    .option('--no-rerank', 'skip the configured reranker for this search')
    .action(async (query: string, flags: SearchFlags) => {
      const g = globals();
      await runCommand(g, async () => {
        // The corpus, the dictionary and any provider client load only when a search runs.
        const { runSearch } = await import('./search-run.js');
        await runSearch(query, flags, g);
      });
    });
}
