import type Sqlite from 'better-sqlite3';
import type { Chunk, ChunkLocation } from '../chunk/index.js';
import {
  type Analyzer,
  createFtsTermIndex,
  japaneseWeights,
  type RankWeights,
  rankUnits,
  type TermIndex,
  type UnitPlace,
} from '../index/index.js';
// The cache module alone: the providers' index also loads the HTTP clients, which a lexical search never uses.
import { cacheKey, type ProviderCache, sqliteCache } from '../providers/cache.js';
import { AnalyzerRequired } from './errors.js';
import { documentDateSql, filterSql, normaliseTag, type SearchFilters } from './filters.js';
import { highlightRanges, queryTerms, type Snippet, snippetOf } from './highlight.js';
import { passageSpan, viewTable } from './schema.js';
import { createVectorStore, denseScores, type PendingChunk } from './vectors.js';

export type { SearchFilters } from './filters.js';

export interface CorpusSearchOptions {
  readonly k?: number;
  readonly filters?: SearchFilters;
  readonly weights?: RankWeights;
  /** Snippet width in characters. */
  readonly snippetWidth?: number;
  /** Dense retrieval: the query's embedding, fused with the lexical views as the view `dense`. */
  readonly dense?: DenseQuery;
}

export interface DenseQuery {
  readonly vector: Float32Array;
  /** Which stored vectors to compare with (`chunkVectorModel`). */
  readonly model: string;
  /** Weight of the dense view beside the lexical ones (default 1). */
  readonly weight?: number;
  /** Chunks the dense view contributes (default 100). */
  readonly candidates?: number;
}

export interface SearchHit {
  readonly rank: number;
  readonly chunkId: string;
  readonly uri: string;
  readonly format: string;
  /** Content hash of the source file the chunk came from (provenance). */
  readonly sha256: string;
  /** The document's date (printed in it, else the file's modification day) and its tags. */
  readonly date: string;
  readonly tags: readonly string[];
  readonly blockIds: readonly string[];
  readonly score: number;
  /**
   * Contribution of each lexical view, `docPrior`, `neighbour` and `dense` (`--explain`); they sum to the
   * score unless a reranker ordered the hits, which adds `rerank` (its own score, then the hit's score).
   */
  readonly views: Readonly<Record<string, number>>;
  readonly context: string;
  readonly headingPath: readonly string[];
  readonly location: ChunkLocation;
  readonly kinds: readonly string[];
  /** The chunk's original text. */
  readonly text: string;
  readonly snippet: Snippet;
}

export interface CorpusSearch {
  search(query: string, options?: CorpusSearchOptions): SearchHit[];
  /** Drops cached placement after a write through this connection. */
  invalidate(): void;
  /** Sets the tags of these documents (replacing theirs); tags survive re-refining, they belong to the uri. */
  setTags(uris: readonly string[], tags: readonly string[]): void;
  tagsOf(uri: string): string[];
  /** Chunks that have no vector from `model` yet. */
  vectorsPending(model: string): PendingChunk[];
  putVectors(model: string, rows: readonly { readonly row: number; readonly vector: Float32Array }[]): void;
  /** Model answers cached by content hash in the corpus file (embeddings, reranking). */
  readonly providerCache: ProviderCache;
}

/** The key chunk vectors are stored under: the same model name at two endpoints may differ. */
export function chunkVectorModel(url: string, model: string): string {
  return `${model}@${cacheKey(url).slice(0, 12)}`;
}

const tagSchema = `CREATE TABLE IF NOT EXISTS document_tags (
  participant_id TEXT NOT NULL,
  uri TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (participant_id, uri, tag)
)`;

interface PlaceRow {
  row: number;
  doc_row: number;
  ordinal: number;
}

interface HitRow {
  row: number;
  id: string;
  text: string;
  context: string;
  location: string;
  heading_path: string;
  chunk: string;
  kinds: string;
  uri: string;
  format: string;
  sha256: string;
  date: string;
  block_ids: string;
}

/** BM25 over the corpus' FTS5 views, ranked as the index ranks them, restricted to one participant. */
export function createCorpusSearch(
  db: Sqlite.Database,
  participantId: string,
  analyzer: Analyzer | undefined,
): CorpusSearch {
  const views = analyzer?.views ?? [];
  const passageViews = analyzer?.passages ? (analyzer.passageViews ?? []) : [];
  const termIndexes = (level: 'unit' | 'doc' | 'passage') =>
    new Map<string, TermIndex>(
      (level === 'passage' ? passageViews : views).map((v) => [
        v,
        createFtsTermIndex(db, viewTable(level, v)),
      ]),
    );
  // Creates the view tables before the corpus prepares its statements.
  termIndexes('unit');
  termIndexes('doc');
  termIndexes('passage');
  db.exec(tagSchema);
  const vectors = createVectorStore(db, participantId);
  const providerCache = sqliteCache(db);
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let cache: { key: string; places: Map<number, UnitPlace> } | undefined;
  let indexes:
    | {
        version: string;
        unit: Map<string, TermIndex>;
        doc: Map<string, TermIndex>;
        passage: Map<string, TermIndex>;
      }
    | undefined;
  let generation = 0;
  // data_version changes when another connection commits; generation when this one does.
  const version = () => `${dataVersion.get()}:${generation}`;
  // Term indexes cache their term statistics until written through; rows here are written by the corpus's
  // own statements (and other processes), so they are reopened whenever the data changed.
  const currentIndexes = () => {
    if (indexes?.version !== version()) {
      indexes = {
        version: version(),
        unit: termIndexes('unit'),
        doc: termIndexes('doc'),
        passage: termIndexes('passage'),
      };
    }
    return indexes;
  };

  const placesFor = (filters: SearchFilters): Map<number, UnitPlace> => {
    const { where, params } = filterSql(filters);
    const key = `${version()}:${where}:${JSON.stringify(params)}`;
    if (cache?.key === key) return cache.places;
    const rows = db
      .prepare(
        `SELECT c.row, c.doc_row, c.ordinal FROM chunks c JOIN documents d ON d.row = c.doc_row
         WHERE c.participant_id = @participant AND d.status = 'ok'${where} ORDER BY c.doc_row, c.ordinal`,
      )
      .all({ participant: participantId, ...params }) as PlaceRow[];
    const places = new Map<number, UnitPlace>();
    rows.forEach((r, i) => {
      const prev = rows[i - 1]?.doc_row === r.doc_row ? rows[i - 1]!.row : undefined;
      const next = rows[i + 1]?.doc_row === r.doc_row ? rows[i + 1]!.row : undefined;
      places.set(r.row, { doc: r.doc_row, prev, next });
    });
    cache = { key, places };
    return places;
  };

  const hitRow = db.prepare(
    `SELECT c.row, c.id, c.text, c.context, c.location, c.heading_path, c.kinds, c.block_ids, c.chunk, d.uri, d.format,
       d.sha256, ${documentDateSql} AS date
     FROM chunks c JOIN documents d ON d.row = c.doc_row WHERE c.row = ?`,
  );
  const selectTags = db
    .prepare('SELECT tag FROM document_tags WHERE participant_id = ? AND uri = ? ORDER BY tag')
    .pluck();
  const deleteTags = db.prepare('DELETE FROM document_tags WHERE participant_id = ? AND uri = ?');
  const insertTag = db.prepare(
    'INSERT OR IGNORE INTO document_tags (participant_id, uri, tag) VALUES (?, ?, ?)',
  );
  const setTags = db.transaction((uris: readonly string[], tags: readonly string[]) => {
    for (const uri of uris) {
      deleteTags.run(participantId, uri);
      for (const tag of tags) insertTag.run(participantId, uri, tag);
    }
  });
  const tagsOf = (uri: string) => selectTags.all(participantId, uri) as string[];

  return {
    invalidate() {
      generation++;
    },
    setTags(uris, tags) {
      const clean = [...new Set(tags.map(normaliseTag))].filter((t) => t !== '');
      setTags(uris, clean);
      generation++;
    },
    tagsOf,
    vectorsPending: (model) => vectors.pending(model),
    putVectors(model, rows) {
      vectors.put(model, rows);
      generation++;
    },
    providerCache,
    search(query, options = {}) {
      if (!analyzer) throw new AnalyzerRequired('searching');
      const weights = options.weights ?? japaneseWeights;
      const places = placesFor(options.filters ?? {});
      const tokens = analyzer.query(query);
      const scores = (indexes: Map<string, TermIndex>, used: Readonly<Record<string, number>>) =>
        Object.fromEntries(
          Object.entries(used)
            .filter(([view, w]) => w !== 0 && indexes.has(view))
            .map(([view]) => [
              view,
              new Map(
                indexes
                  .get(view)!
                  .search(tokens[view] ?? [], 1000)
                  .map((r) => [r.row, r.score]),
              ),
            ]),
        );
      const { unit, doc, passage } = currentIndexes();
      const unitScores = scores(unit, weights.views);
      const dense = options.dense;
      // The dense view joins the lexical ones: normalised by its best score and weighted the same way.
      const ranked = rankUnits(
        {
          unitScores: dense
            ? {
                ...unitScores,
                dense: denseScores(
                  dense.vector,
                  vectors.all(dense.model, version()),
                  (row) => places.has(row),
                  dense.candidates ?? 100,
                ),
              }
            : unitScores,
          docScores: scores(doc, weights.docPrior),
          passageScores: bestPassages(passage, weights.passage ?? {}, tokens),
          placeOf: (row) => places.get(row),
        },
        dense ? { ...weights, views: { ...weights.views, dense: dense.weight ?? 1 } } : weights,
        options.k ?? 10,
      );
      // Single-character morphemes (量, 方) would light up everywhere; the query's own words still count.
      const words = [...(tokens['morph'] ?? []), ...(tokens['numbers'] ?? [])].filter((t) => t.length > 1);
      const terms = queryTerms(query, words);
      return ranked.map((r, i): SearchHit => {
        const row = hitRow.get(r.row) as HitRow;
        const snippet = snippetOf(row.text, highlightRanges(row.text, terms), options.snippetWidth);
        return {
          rank: i + 1,
          chunkId: row.id,
          uri: row.uri,
          format: row.format,
          sha256: row.sha256,
          date: row.date,
          tags: tagsOf(row.uri),
          blockIds: JSON.parse(row.block_ids) as string[],
          score: r.score,
          views: r.views,
          context: row.context,
          headingPath: headingPathAt(row, snippet),
          location: JSON.parse(row.location) as ChunkLocation,
          kinds: JSON.parse(row.kinds) as string[],
          text: row.text,
          snippet,
        };
      });
    },
  };
}

/**
 * The heading path of the section the snippet's first highlight lies in, for a chunk that packs several
 * short sections; the chunk's own (shared) path otherwise.
 */
function headingPathAt(row: HitRow, snippet: Snippet): string[] {
  const shared = JSON.parse(row.heading_path) as string[];
  const sections = (JSON.parse(row.chunk) as Pick<Chunk, 'sections'>).sections;
  if (sections === undefined) return shared;
  const at = snippet.start + (snippet.highlights[0]?.[0] ?? 0);
  const section = sections.filter((s) => s.start <= at).at(-1);
  return section === undefined ? shared : [...section.headingPath];
}

/** Per passage view: chunk row → score of its best window (hits come best first). */
function bestPassages(
  indexes: ReadonlyMap<string, TermIndex>,
  used: Readonly<Record<string, number>>,
  tokens: Readonly<Record<string, readonly string[]>>,
): Record<string, Map<number, number>> {
  const out: Record<string, Map<number, number>> = {};
  for (const [view, weight] of Object.entries(used)) {
    const index = indexes.get(view);
    if (!index || weight === 0) continue;
    const best = new Map<number, number>();
    for (const hit of index.search(tokens[view] ?? [], 2000)) {
      const chunkRow = Math.floor(hit.row / passageSpan);
      if (!best.has(chunkRow)) best.set(chunkRow, hit.score);
    }
    out[view] = best;
  }
  return out;
}
