import type BetterSqlite3 from 'better-sqlite3';
import type { Analyzer } from './analyzers.js';
import { createMemoryTermIndex, type TermIndex } from './bm25.js';
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
  search(query: string, k: number, options?: SearchOptions): Hit[];
  readonly size: number;
}

export interface UnitIndexOptions {
  readonly analyzer: Analyzer;
  readonly weights: RankWeights;
}

interface Backend {
  readonly units: (view: string) => TermIndex;
  readonly docs: (view: string) => TermIndex;
  readonly catalogue: CatalogueStore;
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
      catalogue: sqliteCatalogue(db, name),
    },
    options,
  );
}

/** The same index held in memory with the reference BM25 (tests, baselines, small corpora). */
export function createMemoryIndex(options: UnitIndexOptions): UnitIndex {
  return createUnitIndex(
    { units: () => createMemoryTermIndex(), docs: () => createMemoryTermIndex(), catalogue: memoryCatalogue },
    options,
  );
}

function createUnitIndex(backend: Backend, options: UnitIndexOptions): UnitIndex {
  const { analyzer } = options;
  const unitViews = new Map(analyzer.views.map((v) => [v, backend.units(v)]));
  const docViews = new Map(analyzer.views.map((v) => [v, backend.docs(v)]));
  const stored = backend.catalogue.load();
  const units = new Map<number, UnitRecord>(stored.units.map((u) => [u.row, u]));
  const unitRows = new Map(stored.units.map((u) => [u.unitId, u.row]));
  const docs = new Map<number, DocRecord>(stored.docs.map((d) => [d.row, d]));
  const docRows = new Map(stored.docs.map((d) => [d.docId, d.row]));
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
      const newUnits: UnitRecord[] = [];
      const newDocs: DocRecord[] = [];
      const touched = new Map<number, Map<string, string[]>>();
      for (const unit of batch) {
        if (unitRows.has(unit.id)) throw new DuplicateUnit(unit.id);
        let docRow = docRows.get(unit.docId);
        if (docRow === undefined) {
          docRow = docRows.size + 1;
          docRows.set(unit.docId, docRow);
          newDocs.push({ row: docRow, docId: unit.docId });
        }
        const record: UnitRecord = { row: unitRows.size + 1, unitId: unit.id, docRow, order: unit.order };
        unitRows.set(unit.id, record.row);
        newUnits.push(record);
        const tokens = analyzer.unit(unit.text);
        const docTokens = touched.get(docRow) ?? new Map<string, string[]>();
        touched.set(docRow, docTokens);
        for (const [view, index] of unitViews) {
          const viewTokens = tokens[view] ?? [];
          index.put([{ row: record.row, tokens: viewTokens }]);
          const sofar = docTokens.get(view) ?? [];
          for (const t of viewTokens) sofar.push(t);
          docTokens.set(view, sofar);
        }
      }
      for (const [view, index] of docViews) {
        index.put(
          [...touched].map(([row, byView]) => ({
            row,
            tokens: [...index.tokensOf(row), ...(byView.get(view) ?? [])],
          })),
        );
      }
      backend.catalogue.save(newUnits, newDocs);
      for (const u of newUnits) units.set(u.row, u);
      for (const d of newDocs) docs.set(d.row, d);
      placesStale = true;
    },
    search(query, k, searchOptions = {}) {
      const weights = searchOptions.weights ?? options.weights;
      const limit = searchOptions.candidates ?? 1000;
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
