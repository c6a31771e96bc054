import type { LoadedConfig } from '../../node/config.js';
import type { ChunkLocation } from '../../refinery/chunk/index.js';
// The corpus and index concepts directly: the whole refinery surface would also load the parsers.
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
import { endpointOf } from '../../refinery/providers/endpoint.js';
import type { ConfiguredProviders, ProviderCache } from '../../refinery/providers/index.js';
import { configFrom, type GlobalOptions, printJson } from '../run.js';
import type { SearchFlags } from './search.js';

/**
 * What `musubi search` does, and the corpus helpers `refine` and `demo` share with it: loaded by the action
 * (search.ts holds only the command's definition), so other commands never load the corpus or the dictionary.
 */

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

/**
 * The embeddings and rerank providers the configuration names (none when their URLs are empty). Their HTTP
 * clients load only when one is configured: a lexical search never needs them.
 */
export async function providersFrom(
  loaded: LoadedConfig,
  cache: ProviderCache,
): Promise<ConfiguredProviders> {
  const c = loaded.values;
  const embeddings = endpointOf(c.embeddingsUrl, c.embeddingsModel, c.embeddingsApiKey);
  const rerank = endpointOf(c.rerankUrl, c.rerankModel, c.rerankApiKey);
  if (!embeddings && !rerank) return { close: async () => {} };
  const { configuredProviders } = await import('../../refinery/providers/index.js');
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
    const configured = await providersFrom(loaded, corpus.providerCache);
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

/** Opens the corpus for reading; a missing or empty store is one line and exit 3. */
export async function openForSearch(store: string, participantId: string): Promise<Corpus> {
  const corpus = openCorpus({ dir: store, participantId, analyzer: await loadJapaneseAnalyzer() });
  if (corpus.counts().documents === 0) {
    corpus.close();
    throw new CorpusEmpty(store);
  }
  return corpus;
}

/** `musubi search <query>`: opens the corpus (missing store first, then the dictionary) and prints the hits. */
export async function runSearch(query: string, flags: SearchFlags, g: GlobalOptions): Promise<void> {
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
  const configured = await providersFrom(loaded, corpus.providerCache);
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
}
