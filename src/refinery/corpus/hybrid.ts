import type { RerankResult } from '../providers/index.js';
import type { CorpusSearch, CorpusSearchOptions, SearchHit } from './search.js';

/**
 * Search with the optional model providers around the lexical ranking: the query embedded for dense
 * retrieval, the top hits reordered by a reranker. A provider that fails (timeout, 5xx, bad answer) costs only
 * its own contribution: the search goes on without it and `warn` says so — never an error for the user.
 */
export interface SearchProviders {
  readonly dense?: {
    /** Stored-vector key (`chunkVectorModel`). */
    readonly model: string;
    readonly embed: (texts: readonly string[]) => Promise<Float32Array[]>;
    readonly weight?: number;
  };
  readonly rerank?: {
    readonly rerank: (query: string, documents: readonly string[]) => Promise<RerankResult[]>;
    /** How many of the fused hits the reranker reorders (default 30). */
    readonly top?: number;
  };
}

export async function searchWithProviders(
  corpus: CorpusSearch,
  query: string,
  options: CorpusSearchOptions,
  providers: SearchProviders,
  warn: (message: string) => void,
): Promise<SearchHit[]> {
  const k = options.k ?? 10;
  let dense: CorpusSearchOptions['dense'];
  if (providers.dense) {
    try {
      const [vector] = await providers.dense.embed([query]);
      if (vector) dense = { vector, model: providers.dense.model, weight: providers.dense.weight ?? 1 };
    } catch (e) {
      warn(`dense retrieval skipped, lexical ranking only: ${reason(e)}`);
    }
  }
  const rerankTop = providers.rerank ? Math.max(k, providers.rerank.top ?? 30) : k;
  const search = (withDense: boolean) =>
    corpus.search(query, { ...options, k: rerankTop, ...(withDense && dense ? { dense } : {}) });
  let hits: SearchHit[];
  try {
    hits = search(true);
  } catch (e) {
    // Stored vectors from another model: the lexical ranking still answers.
    if (!dense) throw e;
    warn(`dense retrieval skipped, lexical ranking only: ${reason(e)}`);
    hits = search(false);
  }
  if (providers.rerank && hits.length > 1) {
    try {
      hits = reranked(hits, await providers.rerank.rerank(query, hits.map(rerankText)));
    } catch (e) {
      warn(`reranking skipped: ${reason(e)}`);
    }
  }
  return hits.slice(0, k).map((h, i) => ({ ...h, rank: i + 1 }));
}

/** What the reranker reads: the chunk's context header and its original text. */
function rerankText(hit: SearchHit): string {
  return hit.context ? `${hit.context}\n${hit.text}` : hit.text;
}

/** Hits in the reranker's order, its score as theirs; hits it did not return keep their order after. */
export function reranked(hits: readonly SearchHit[], results: readonly RerankResult[]): SearchHit[] {
  const seen = new Set<number>();
  const out: SearchHit[] = [];
  for (const r of [...results].sort((a, b) => b.score - a.score)) {
    const hit = hits[r.index];
    if (!hit || seen.has(r.index)) continue;
    seen.add(r.index);
    out.push({ ...hit, score: r.score, views: { ...hit.views, rerank: r.score } });
  }
  return [...out, ...hits.filter((_, i) => !seen.has(i))];
}

export interface EmbedOutcome {
  readonly embedded: number;
  readonly pending: number;
}

/**
 * Embeds every chunk that has no vector from this model yet, in batches, each batch stored as it arrives.
 * A failing provider stops the run with a warning; the chunks left are embedded by the next refine.
 */
export async function embedPending(
  corpus: Pick<CorpusSearch, 'vectorsPending' | 'putVectors'>,
  model: string,
  embed: (texts: readonly string[]) => Promise<Float32Array[]>,
  warn: (message: string) => void,
  batch = 32,
): Promise<EmbedOutcome> {
  const pending = corpus.vectorsPending(model);
  let embedded = 0;
  for (let at = 0; at < pending.length; at += batch) {
    const part = pending.slice(at, at + batch);
    try {
      const vectors = await embed(part.map((p) => p.content));
      corpus.putVectors(
        model,
        part.map((p, i) => ({ row: p.row, vector: vectors[i]! })),
      );
      embedded += part.length;
    } catch (e) {
      warn(`embeddings stopped after ${embedded} of ${pending.length} chunks: ${reason(e)}`);
      break;
    }
  }
  return { embedded, pending: pending.length - embedded };
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
