import type BetterSqlite3 from 'better-sqlite3';
import type { Analyzer, ViewTokens } from './analyzers.js';
import { type Bm25Params, createMemoryTermIndex, defaultBm25, type TermIndex } from './bm25.js';
import {
  type CatalogueStore,
  type DocRecord,
  memoryCatalogue,
  sqliteCatalogue,
  type UnitRecord,
} from './catalogue.js';
import { DuplicateUnit, InvalidIndexName } from './errors.js';
import { createFtsTermIndex } from './fts5.js';
import { type RankWeights, rankUnits, type UnitPlace } from './ranking.js';

/** A searchable piece of a document (a chunk or a page); `order` places it among its document's units. */
export interface IndexUnit {
  readonly id: string;
  readonly docId: string;
  readonly order: number;
  readonly text: string;
  /** Title or heading path indexed with the text (not counted as the unit's own text). */
  readonly context?: string;
}

export interface Hit {
  readonly unitId: string;
  readonly docId: string;
  readonly score: number;
  /** Contribution of each lexical view, `docPrior` and `neighbour` (for `--explain`); they sum to `score`. */
  readonly views: Readonly<Record<string, number>>;
}

export interface SearchOptions {
  /** Overrides the index's weights for this query (tuning, explain). */
  readonly weights?: RankWeights;
  /** Units each view contributes before combination. */
  readonly candidates?: number;
}

export interface UnitIndex {
  add(units: readonly IndexUnit[]): void;
  /**
   * Removes every unit of a document and the document's own rows (re-refining replaces a document's chunks:
   * remove, then add). Returns how many units were removed; an unknown document removes nothing.
   */
  remove(docId: string): number;
  search(query: string, k: number, options?: SearchOptions): Hit[];
  readonly size: number;
}

export interface UnitIndexOptions {
  readonly analyzer: Analyzer;
  readonly weights: RankWeights;
}

export interface MemoryIndexOptions extends UnitIndexOptions {
  /** BM25 parameters (FTS5 fixes k1 1.2, b 0.75; the memory index can vary them for experiments). */
  readonly bm25?: Bm25Params;
}

interface Backend {
  readonly units: (view: string) => TermIndex;
  readonly docs: (view: string) => TermIndex;
  readonly passages: (view: string) => TermIndex;
  readonly catalogue: CatalogueStore;
  /** Runs every write of one `add` as a single transaction. */
  readonly atomically: (write: () => void) => void;
}

/** Units indexed in SQLite FTS5 tables prefixed `name` (one per view and level) of an open database. */
export function createSqliteIndex(
  db: BetterSqlite3.Database,
  name: string,
  options: UnitIndexOptions,
): UnitIndex {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new InvalidIndexName(name);
  return createUnitIndex(
    {
      units: (view) => createFtsTermIndex(db, `${name}_unit_${view}`),
      docs: (view) => createFtsTermIndex(db, `${name}_doc_${view}`),
      passages: (view) => createFtsTermIndex(db, `${name}_passage_${view}`),
      catalogue: sqliteCatalogue(db, name),
      atomically: (write) => db.transaction(write)(),
    },
    options,
  );
}

/** The same index held in memory with the reference BM25 (tests, baselines, small corpora). */
export function createMemoryIndex(options: MemoryIndexOptions): UnitIndex {
  const params = options.bm25 ?? defaultBm25;
  return createUnitIndex(
    {
      units: () => createMemoryTermIndex(params),
      docs: () => createMemoryTermIndex(params),
      passages: () => createMemoryTermIndex(params),
      catalogue: memoryCatalogue,
      atomically: (write) => write(),
    },
    options,
  );
}

function createUnitIndex(backend: Backend, options: UnitIndexOptions): UnitIndex {
  const { analyzer } = options;
  const unitViews = new Map(analyzer.views.map((v) => [v, backend.units(v)]));
  const docViews = new Map(analyzer.views.map((v) => [v, backend.docs(v)]));
  const passageViews = new Map((analyzer.passageViews ?? []).map((v) => [v, backend.passages(v)]));
  const stored = backend.catalogue.load();
  const units = new Map<number, UnitRecord>(stored.units.map((u) => [u.row, u]));
  const unitRows = new Map(stored.units.map((u) => [u.unitId, u.row]));
  const docs = new Map<number, DocRecord>(stored.docs.map((d) => [d.row, d]));
  const docRows = new Map(stored.docs.map((d) => [d.docId, d.row]));
  // After a removal the row count no longer names a free row: new rows continue past the highest in use.
  const next = {
    unit: stored.units.reduce((max, u) => Math.max(max, u.row), 0) + 1,
    doc: stored.docs.reduce((max, d) => Math.max(max, d.row), 0) + 1,
  };
  let places = new Map<number, UnitPlace>();
  let placesStale = true;

  const placeOf = (row: number): UnitPlace | undefined => {
    if (placesStale) {
      places = computePlaces(units.values());
      placesStale = false;
    }
    return places.get(row);
  };

  return {
    get size() {
      return units.size;
    },
    add(batch) {
      // Rows are assigned and every unit analysed before anything is written: a bad unit leaves no trace.
      const plan = planRows(batch, unitRows, docRows, next);
      const analysed = batch.map((unit) => analyzer.unit(indexedText(unit)));
      const passages = batch.map((unit) => analyzer.passages?.(indexedText(unit)) ?? []);
      backend.atomically(() => {
        for (const [view, index] of unitViews) {
          index.put(plan.units.map((u, i) => ({ row: u.row, tokens: analysed[i]?.[view] ?? [] })));
        }
        putPassages(passageViews, plan.units, passages);
        for (const [view, index] of docViews) appendToDocuments(index, plan.units, analysed, view);
        backend.catalogue.save(plan.units, plan.docs);
      });
      for (const u of plan.units) {
        units.set(u.row, u);
        unitRows.set(u.unitId, u.row);
      }
      for (const d of plan.docs) {
        docs.set(d.row, d);
        docRows.set(d.docId, d.row);
      }
      next.unit += plan.units.length;
      next.doc += plan.docs.length;
      placesStale = true;
    },
    remove(docId) {
      const docRow = docRows.get(docId);
      if (docRow === undefined) return 0;
      const rows = [...units.values()].filter((u) => u.docRow === docRow).map((u) => u.row);
      backend.atomically(() => {
        for (const index of unitViews.values()) for (const row of rows) index.remove(row);
        for (const index of passageViews.values()) {
          for (const row of rows) index.remove(row * passageSpan, (row + 1) * passageSpan);
        }
        for (const index of docViews.values()) index.remove(docRow);
        backend.catalogue.remove(rows, docRow);
      });
      for (const row of rows) {
        unitRows.delete(units.get(row)!.unitId);
        units.delete(row);
      }
      docs.delete(docRow);
      docRows.delete(docId);
      placesStale = true;
      return rows.length;
    },
    search(query, k, searchOptions = {}) {
      const weights = searchOptions.weights ?? options.weights;
      const limit = searchOptions.candidates ?? 300;
      const tokens = analyzer.query(query);
      const scoresOf = (indexes: Map<string, TermIndex>, used: Readonly<Record<string, number>>) =>
        Object.fromEntries(
          Object.entries(used)
            .filter(([, w]) => w !== 0)
            .map(([view]) => [view, toMap(indexes.get(view)?.search(tokens[view] ?? [], limit) ?? [])]),
        );
      const ranked = rankUnits(
        {
          unitScores: scoresOf(unitViews, weights.views),
          docScores: scoresOf(docViews, weights.docPrior),
          passageScores: bestPassages(passageViews, weights.passage ?? {}, tokens, limit * passageFanOut),
          placeOf,
        },
        weights,
        k,
      );
      return ranked.map((r) => {
        const unit = units.get(r.row)!;
        return { unitId: unit.unitId, docId: docs.get(unit.docRow)!.docId, score: r.score, views: r.views };
      });
    },
  };
}

/** Adds each unit's tokens to its document's row (a document is the concatenation of its units). */
function appendToDocuments(
  index: TermIndex,
  records: readonly UnitRecord[],
  analysed: readonly ViewTokens[],
  view: string,
): void {
  const added = new Map<number, string[]>();
  records.forEach((u, i) => {
    const tokens = added.get(u.docRow) ?? index.tokensOf(u.docRow);
    for (const t of analysed[i]?.[view] ?? []) tokens.push(t);
    added.set(u.docRow, tokens);
  });
  index.put([...added].map(([row, tokens]) => ({ row, tokens })));
}

function indexedText(unit: IndexUnit): string {
  return unit.context ? `${unit.context}\n${unit.text}` : unit.text;
}

/** New unit and document records for a batch; refuses ids already indexed or repeated in the batch. */
function planRows(
  batch: readonly IndexUnit[],
  unitRows: ReadonlyMap<string, number>,
  docRows: ReadonlyMap<string, number>,
  next: { readonly unit: number; readonly doc: number },
): { units: UnitRecord[]; docs: DocRecord[] } {
  const units: UnitRecord[] = [];
  const docs = new Map<string, DocRecord>();
  const seen = new Set<string>();
  for (const unit of batch) {
    if (unitRows.has(unit.id) || seen.has(unit.id)) throw new DuplicateUnit(unit.id);
    seen.add(unit.id);
    let docRow = docRows.get(unit.docId) ?? docs.get(unit.docId)?.row;
    if (docRow === undefined) {
      docRow = next.doc + docs.size;
      docs.set(unit.docId, { row: docRow, docId: unit.docId });
    }
    const row = next.unit + units.length;
    units.push({ row, unitId: unit.id, docRow, order: unit.order, size: unit.text.length });
  }
  return { units, docs: [...docs.values()] };
}

// Passage rows are derived from their unit's row, so no mapping table is needed: row = unit × span + index.
const passageSpan = 4096;
const passageFanOut = 2;

function putPassages(
  indexes: Map<string, TermIndex>,
  records: readonly UnitRecord[],
  passages: readonly (readonly ViewTokens[])[],
): void {
  for (const [view, index] of indexes) {
    index.put(
      records.flatMap((u, i) =>
        (passages[i] ?? [])
          .slice(0, passageSpan)
          .map((p, n) => ({ row: u.row * passageSpan + n, tokens: p[view] ?? [] })),
      ),
    );
  }
}

/** Per view: unit row → score of its best passage. */
function bestPassages(
  indexes: Map<string, TermIndex>,
  used: Readonly<Record<string, number>>,
  tokens: ViewTokens,
  limit: number,
): Record<string, Map<number, number>> {
  const out: Record<string, Map<number, number>> = {};
  for (const [view, weight] of Object.entries(used)) {
    const index = indexes.get(view);
    if (!index || weight === 0) continue;
    const best = new Map<number, number>();
    for (const hit of index.search(tokens[view] ?? [], limit)) {
      const unit = Math.floor(hit.row / passageSpan);
      if (!best.has(unit)) best.set(unit, hit.score); // hits come best first
    }
    out[view] = best;
  }
  return out;
}

function toMap(rows: readonly { row: number; score: number }[]): Map<number, number> {
  return new Map(rows.map((r) => [r.row, r.score]));
}

function computePlaces(units: Iterable<UnitRecord>): Map<number, UnitPlace> {
  const byDoc = new Map<number, UnitRecord[]>();
  for (const u of units) byDoc.set(u.docRow, [...(byDoc.get(u.docRow) ?? []), u]);
  const places = new Map<number, UnitPlace>();
  for (const [doc, list] of byDoc) {
    list.sort((a, b) => a.order - b.order);
    list.forEach((u, i) => {
      places.set(u.row, { doc, prev: list[i - 1]?.row, next: list[i + 1]?.row });
    });
  }
  return places;
}
