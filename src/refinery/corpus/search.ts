import type Sqlite from 'better-sqlite3';
import type { ChunkLocation } from '../chunk/index.js';
import {
  type Analyzer,
  createFtsTermIndex,
  japaneseWeights,
  type RankWeights,
  rankUnits,
  type TermIndex,
  type UnitPlace,
} from '../index/index.js';
import { AnalyzerRequired, InvalidFilter } from './errors.js';
import { highlightRanges, queryTerms, type Snippet, snippetOf } from './highlight.js';
import { passageSpan, viewTable } from './schema.js';

/** Narrow a search to part of the corpus (applied before the top k are taken). */
export interface SearchFilters {
  /** A document uri, a uri suffix or a file name. */
  readonly file?: string;
  /** A folder prefix of the uri (`manuals` or `manuals/pumps`). */
  readonly folder?: string;
  /** A format name: pdf, docx, xlsx, markdown, csv, html … */
  readonly type?: string;
  /** Documents refined at or after this instant. */
  readonly since?: Date;
}

export interface CorpusSearchOptions {
  readonly k?: number;
  readonly filters?: SearchFilters;
  readonly weights?: RankWeights;
  /** Snippet width in characters. */
  readonly snippetWidth?: number;
}

export interface SearchHit {
  readonly rank: number;
  readonly chunkId: string;
  readonly uri: string;
  readonly format: string;
  readonly score: number;
  /** Contribution of each lexical view, `docPrior` and `neighbour` (`--explain`). */
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
}

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
  kinds: string;
  uri: string;
  format: string;
}

function filterSql(filters: SearchFilters): { where: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (filters.file !== undefined) {
    parts.push(`(d.uri = @file OR d.uri LIKE @fileSuffix ESCAPE '\\')`);
    params['file'] = filters.file;
    params['fileSuffix'] = `%/${likeEscaped(filters.file)}`;
  }
  if (filters.folder !== undefined) {
    const folder = filters.folder.replace(/\\/g, '/').replace(/^\.\/|\/+$/g, '');
    if (folder === '') throw new InvalidFilter('--folder must name a folder');
    parts.push(`(d.uri LIKE @folder ESCAPE '\\' OR d.uri LIKE @folderInside ESCAPE '\\')`);
    params['folder'] = `${likeEscaped(folder)}/%`;
    params['folderInside'] = `%/${likeEscaped(folder)}/%`;
  }
  if (filters.type !== undefined) {
    parts.push('d.format = @type');
    params['type'] = filters.type.toLowerCase().replace(/^\./, '').replace(/^md$/, 'markdown');
  }
  if (filters.since !== undefined) {
    if (Number.isNaN(filters.since.getTime())) throw new InvalidFilter('--since must be a date (2025-04-01)');
    parts.push('d.refined_at >= @since');
    params['since'] = filters.since.toISOString();
  }
  return { where: parts.map((p) => ` AND ${p}`).join(''), params };
}

function likeEscaped(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
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
    `SELECT c.row, c.id, c.text, c.context, c.location, c.heading_path, c.kinds, d.uri, d.format
     FROM chunks c JOIN documents d ON d.row = c.doc_row WHERE c.row = ?`,
  );

  return {
    invalidate() {
      generation++;
    },
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
      const ranked = rankUnits(
        {
          unitScores: scores(unit, weights.views),
          docScores: scores(doc, weights.docPrior),
          passageScores: bestPassages(passage, weights.passage ?? {}, tokens),
          placeOf: (row) => places.get(row),
        },
        weights,
        options.k ?? 10,
      );
      // Single-character morphemes (量, 方) would light up everywhere; the query's own words still count.
      const words = [...(tokens['morph'] ?? []), ...(tokens['numbers'] ?? [])].filter((t) => t.length > 1);
      const terms = queryTerms(query, words);
      return ranked.map((r, i): SearchHit => {
        const row = hitRow.get(r.row) as HitRow;
        return {
          rank: i + 1,
          chunkId: row.id,
          uri: row.uri,
          format: row.format,
          score: r.score,
          views: r.views,
          context: row.context,
          headingPath: JSON.parse(row.heading_path) as string[],
          location: JSON.parse(row.location) as ChunkLocation,
          kinds: JSON.parse(row.kinds) as string[],
          text: row.text,
          snippet: snippetOf(row.text, highlightRanges(row.text, terms), options.snippetWidth),
        };
      });
    },
  };
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
