import { Command, InvalidArgumentError } from 'commander';
import type { LoadedConfig } from '../../node/index.js';
// The corpus and index concepts directly: the whole refinery surface would also load the parsers.
import type { ChunkLocation } from '../../refinery/chunk/index.js';
import {
  type Corpus,
  CorpusEmpty,
  chunkVectorModel,
  embedPending,
  markSnippet,
  openCorpus,
  type SearchFilters,
  type SearchHit,
  type SearchProviders,
  searchWithProviders,
} from '../../refinery/corpus/index.js';
import { loadJapaneseAnalyzer } from '../../refinery/index/index.js';
import {
  type ConfiguredProviders,
  configuredProviders,
  endpointOf,
  type ProviderCache,
} from '../../refinery/providers/index.js';
import { configFrom, type GlobalOptions, printJson, runCommand } from '../run.js';
import { positiveInt } from './refine.js';

interface SearchFlags {
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
      const tags = hit.tags.length > 0 ? `  tags ${hit.tags.join(', ')}` : '';
      process.stdout.write(
        `   source: ${hit.format}, sha256 ${hit.sha256.slice(0, 12)}…, dated ${hit.date}${tags}, chunk ${hit.chunkId}\n`,
      );
    }
  }
}

/** The embeddings and rerank providers the configuration names (none when their URLs are empty). */
export function providersFrom(loaded: LoadedConfig, cache: ProviderCache): ConfiguredProviders {
  const c = loaded.values;
  const embeddings = endpointOf(c.embeddingsUrl, c.embeddingsModel, c.embeddingsApiKey);
  const rerank = endpointOf(c.rerankUrl, c.rerankModel, c.rerankApiKey);
  return configuredProviders(
    {
      ...(embeddings ? { embeddings } : {}),
      ...(rerank ? { rerank } : {}),
      timeoutMs: c.providerTimeoutMs,
      allow: c.outboundAllow,
    },
    cache,
  );
}

/** What a search uses of the configured providers. */
export function searchProvidersOf(
  configured: ConfiguredProviders,
  use: { dense: boolean; rerank: boolean },
): SearchProviders {
  const e = configured.embeddings;
  return {
    ...(e && use.dense
      ? { dense: { model: chunkVectorModel(e.endpoint.url, e.endpoint.model), embed: e.embed } }
      : {}),
    ...(configured.rerank && use.rerank ? { rerank: configured.rerank } : {}),
  };
}

const warnLine = (message: string) => process.stderr.write(`musubi: warning: ${message}\n`);

/**
 * After `refine`: sets `--tag`s on the refined documents under `paths`, and embeds the chunks that have no
 * vector yet when an embeddings provider is configured (answers cached by content hash, so unchanged text is
 * never sent twice). A failing provider is a warning: the corpus stays searchable lexically.
 */
export async function afterRefine(
  paths: readonly string[],
  loaded: LoadedConfig,
  tags: readonly string[],
): Promise<void> {
  const c = loaded.values;
  const embeddings = endpointOf(c.embeddingsUrl, c.embeddingsModel, c.embeddingsApiKey);
  if (tags.length === 0 && !embeddings) return;
  const corpus = openCorpus({ dir: c.store, participantId: c.defaultParticipantId, create: true });
  try {
    if (tags.length > 0) {
      const { walk, inScope } = await import('../../refinery/pipeline/index.js');
      const { roots } = await walk(paths, [c.store]);
      const uris = corpus.documents().filter((d) => d.status === 'ok' && inScope(d.uri, roots));
      corpus.setTags(
        uris.map((d) => d.uri),
        tags,
      );
    }
    const configured = providersFrom(loaded, corpus.providerCache);
    try {
      if (configured.embeddings) {
        const { endpoint, embed } = configured.embeddings;
        const model = chunkVectorModel(endpoint.url, endpoint.model);
        const done = await embedPending(corpus, model, embed, warnLine);
        if (done.embedded > 0)
          process.stderr.write(`embedded ${done.embedded} chunks with ${endpoint.model}\n`);
      }
    } finally {
      await configured.close();
    }
  } finally {
    corpus.close();
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
        const loaded = configFrom(g);
        const filters: SearchFilters = {
          ...(flags.file ? { file: flags.file } : {}),
          ...(flags.folder ? { folder: flags.folder } : {}),
          ...(flags.type ? { type: flags.type } : {}),
          ...(flags.tag && flags.tag.length > 0 ? { tags: flags.tag } : {}),
          ...(flags.since ? { since: new Date(flags.since) } : {}),
          ...(flags.dateFrom ? { dateFrom: flags.dateFrom } : {}),
          ...(flags.dateTo ? { dateTo: flags.dateTo } : {}),
        };
        // Checked before the dictionary loads, so a missing store answers at once.
        openCorpus({ dir: loaded.values.store, participantId: loaded.values.defaultParticipantId }).close();
        const corpus = await openForSearch(loaded.values.store, loaded.values.defaultParticipantId);
        const configured = providersFrom(loaded, corpus.providerCache);
        try {
          const providers = searchProvidersOf(configured, flags);
          const hits = await searchWithProviders(corpus, query, { k: flags.k, filters }, providers, warnLine);
          if (flags.json) return printJson({ query, hits });
          if (hits.length === 0) process.stdout.write(`no hits for ${JSON.stringify(query)}\n`);
          printHits(hits, Boolean(flags.explain));
        } finally {
          await configured.close();
          corpus.close();
        }
      });
    });
}
