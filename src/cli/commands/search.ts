import { Command, InvalidArgumentError } from 'commander';
// The corpus and index concepts directly: the whole refinery surface would also load the parsers.
import type { ChunkLocation } from '../../refinery/chunk/index.js';
import {
  type Corpus,
  CorpusEmpty,
  markSnippet,
  openCorpus,
  type SearchFilters,
  type SearchHit,
} from '../../refinery/corpus/index.js';
import { loadJapaneseAnalyzer } from '../../refinery/index/index.js';
import { configFrom, type GlobalOptions, printJson, runCommand } from '../run.js';
import { positiveInt } from './refine.js';

interface SearchFlags {
  readonly k: number;
  readonly json?: boolean;
  readonly explain?: boolean;
  readonly file?: string;
  readonly folder?: string;
  readonly type?: string;
  readonly since?: string;
}

const range = (pair: readonly [number, number], one: string, many: string) =>
  pair[0] === pair[1] ? `${one} ${pair[0]}` : `${many} ${pair[0]}–${pair[1]}`;

/** Page, sheet and range, line or character span: whichever the format recorded. */
export function locationText(location: ChunkLocation): string {
  const parts: string[] = [];
  if (location.pages) parts.push(range(location.pages, 'p.', 'pp.'));
  if (location.sheets?.length) {
    const ranges = location.ranges ?? [];
    parts.push(
      location.sheets.length === 1 && ranges.length > 0
        ? `${location.sheets[0]}!${ranges.join(',')}`
        : `sheet ${location.sheets.join(', ')}`,
    );
  } else if (location.ranges?.length) parts.push(location.ranges.join(','));
  if (location.lines) parts.push(range(location.lines, 'line', 'lines'));
  else if (location.span) parts.push(`chars ${location.span[0]}–${location.span[1]}`);
  if (location.paragraphs) parts.push(range(location.paragraphs, '¶', '¶'));
  return parts.join(', ');
}

/** Hits as a person reads them: rank, file, location, heading path, highlighted snippet (and view scores). */
export function printHits(hits: readonly SearchHit[], explain: boolean): void {
  const tty = Boolean(process.stdout.isTTY);
  const [open, close] = tty ? ['\x1b[1;33m', '\x1b[0m'] : ['【', '】'];
  for (const hit of hits) {
    const where = locationText(hit.location);
    const path = hit.headingPath.length > 0 ? `  § ${hit.headingPath.join(' › ')}` : '';
    process.stdout.write(
      `${hit.rank}. ${hit.uri}${where ? ` (${where})` : ''}${path}  score ${hit.score.toFixed(3)}\n`,
    );
    const snippet = markSnippet(hit.snippet, open, close).replace(/\s*\n\s*/g, ' ⏎ ');
    process.stdout.write(
      `   ${hit.snippet.start > 0 ? '…' : ''}${snippet}${hit.snippet.start + hit.snippet.text.length < hit.text.length ? '…' : ''}\n`,
    );
    if (explain) {
      const views = Object.entries(hit.views).map(([v, s]) => `${v} ${s.toFixed(3)}`);
      process.stdout.write(`   explain: ${views.join('  ')}\n`);
    }
  }
}

function dateArg(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('must be a date such as 2026-01-31');
  return value;
}

/** Opens the corpus for reading; a missing or empty store is one line and exit 3. */
export async function openForSearch(store: string, participantId: string): Promise<Corpus> {
  const corpus = openCorpus({ dir: store, participantId, analyzer: await loadJapaneseAnalyzer() });
  if (corpus.counts().documents === 0) {
    corpus.close();
    throw new CorpusEmpty(store);
  }
  return corpus;
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
    .option('--since <date>', 'only documents refined at or after this date', dateArg)
    .action(async (query: string, flags: SearchFlags) => {
      const g = globals();
      await runCommand(g, async () => {
        const loaded = configFrom(g);
        const filters: SearchFilters = {
          ...(flags.file ? { file: flags.file } : {}),
          ...(flags.folder ? { folder: flags.folder } : {}),
          ...(flags.type ? { type: flags.type } : {}),
          ...(flags.since ? { since: new Date(flags.since) } : {}),
        };
        // Checked before the dictionary loads, so a missing store answers at once.
        openCorpus({ dir: loaded.values.store, participantId: loaded.values.defaultParticipantId }).close();
        const corpus = await openForSearch(loaded.values.store, loaded.values.defaultParticipantId);
        try {
          const hits = corpus.search(query, { k: flags.k, filters });
          if (flags.json) return printJson({ query, hits });
          if (hits.length === 0) process.stdout.write(`no hits for ${JSON.stringify(query)}\n`);
          printHits(hits, Boolean(flags.explain));
        } finally {
          corpus.close();
        }
      });
    });
}
