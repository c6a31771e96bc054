import type { Analyzer, ViewTokens } from '../analyzers.js';
import type { Bm25Params } from '../bm25.js';
import { DuplicateUnit, InvalidIndexName } from '../errors.js';
import { type RankWeights, rankUnits, type UnitPlace } from '../ranking.js';
import type { Hit, IndexUnit, SearchOptions } from '../unit-index.js';
import type { SqlRunner } from './runner.js';
import { createPgTermIndex, type PgTermIndex } from './term-index.js';

/**
 * The unit index of `unit-index.ts` on PostgreSQL: the same views, levels (unit, document, passage) and
 * ranking, with BM25 computed in SQL. Asynchronous, since every PostgreSQL client is.
 */
export interface AsyncUnitIndex {
  add(units: readonly IndexUnit[]): Promise<void>;
  search(query: string, k: number, options?: SearchOptions): Promise<Hit[]>;
  readonly size: number;
}

export interface PostgresIndexOptions {
  readonly analyzer: Analyzer;
  readonly weights: RankWeights;
  readonly bm25?: Bm25Params;
}

interface UnitRecord {
  readonly row: number;
  readonly unitId: string;
  readonly docRow: number;
  readonly order: number;
}

// As in the SQLite index: passage rows derive from their unit's row (row = unit × span + window).
const passageSpan = 4096;
const passageFanOut = 2;

/** Opens (creating its tables) the index named `name` in a PostgreSQL database. */
export async function createPostgresIndex(
  sql: SqlRunner,
  name: string,
  options: PostgresIndexOptions,
): Promise<AsyncUnitIndex> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new InvalidIndexName(name);
  const { analyzer } = options;
  const open = async (level: string, views: readonly string[]) =>
    new Map<string, PgTermIndex>(
      await Promise.all(
        views.map(
          async (v) => [v, await createPgTermIndex(sql, `${name}_${level}_${v}`, options.bm25)] as const,
        ),
      ),
    );
  const unitViews = await open('unit', analyzer.views);
  const docViews = await open('doc', analyzer.views);
  const passageViews = await open('passage', analyzer.passageViews ?? []);
  const catalogue = await openCatalogue(sql, name);
  const units = new Map(catalogue.units.map((u) => [u.row, u]));
  const unitRows = new Map(catalogue.units.map((u) => [u.unitId, u.row]));
  const docIds = new Map(catalogue.docs.map((d) => [d.row, d.docId]));
  const docRows = new Map(catalogue.docs.map((d) => [d.docId, d.row]));
  let places: Map<number, UnitPlace> | undefined;

  return {
    get size() {
      return units.size;
    },
    async add(batch) {
      const plan = planRows(batch, unitRows, docRows);
      const analysed = batch.map((unit) => analyzer.unit(indexedText(unit)));
      const passages = batch.map((unit) => analyzer.passages?.(indexedText(unit)) ?? []);
      await sql.transaction(async (tx) => {
        for (const [view, index] of unitViews) {
          await index.put(
            tx,
            plan.units.map((u, i) => ({ row: u.row, tokens: analysed[i]?.[view] ?? [] })),
          );
        }
        for (const [view, index] of passageViews) {
          const rows = plan.units.flatMap((u, i) =>
            (passages[i] ?? [])
              .slice(0, passageSpan)
              .map((p, n) => ({ row: u.row * passageSpan + n, tokens: p[view] ?? [] })),
          );
          await index.put(tx, rows);
        }
        for (const [view, index] of docViews) {
          await index.append(
            tx,
            plan.units.map((u, i) => ({ row: u.docRow, tokens: analysed[i]?.[view] ?? [] })),
          );
        }
        await saveCatalogue(tx, name, plan.units, plan.docs);
      });
      // Without fresh statistics the planner guesses and scans whole posting tables.
      for (const index of [...unitViews.values(), ...docViews.values(), ...passageViews.values()]) {
        await index.analyse();
      }
      for (const u of plan.units) {
        units.set(u.row, u);
        unitRows.set(u.unitId, u.row);
      }
      for (const d of plan.docs) {
        docIds.set(d.row, d.docId);
        docRows.set(d.docId, d.row);
      }
      places = undefined;
    },
    async search(query, k, searchOptions = {}) {
      const weights = searchOptions.weights ?? options.weights;
      const limit = searchOptions.candidates ?? 300;
      const tokens = analyzer.query(query);
      const scoresOf = async (indexes: Map<string, PgTermIndex>, used: Readonly<Record<string, number>>) =>
        Object.fromEntries(
          await Promise.all(
            Object.entries(used)
              .filter(([, w]) => w !== 0)
              .map(async ([view]) => [
                view,
                toMap((await indexes.get(view)?.search(tokens[view] ?? [], limit)) ?? []),
              ]),
          ),
        );
      const [unitScores, docScores, passageScores] = await Promise.all([
        scoresOf(unitViews, weights.views),
        scoresOf(docViews, weights.docPrior),
        bestPassages(passageViews, weights.passage ?? {}, tokens, limit * passageFanOut),
      ]);
      places ??= computePlaces(units.values());
      const placed = places;
      const ranked = rankUnits(
        { unitScores, docScores, passageScores, placeOf: (row) => placed.get(row) },
        weights,
        k,
      );
      return ranked.map((r) => {
        const unit = units.get(r.row)!;
        return { unitId: unit.unitId, docId: docIds.get(unit.docRow)!, score: r.score, views: r.views };
      });
    },
  };
}

async function openCatalogue(
  sql: SqlRunner,
  name: string,
): Promise<{ units: UnitRecord[]; docs: { row: number; docId: string }[] }> {
  await sql.query(
    `CREATE TABLE IF NOT EXISTS "${name}_docs" (row int8 PRIMARY KEY, doc_id text NOT NULL UNIQUE)`,
  );
  await sql.query(
    `CREATE TABLE IF NOT EXISTS "${name}_units" (row int8 PRIMARY KEY, unit_id text NOT NULL UNIQUE,
       doc_row int8 NOT NULL REFERENCES "${name}_docs"(row), ord float8 NOT NULL, size int4 NOT NULL)`,
  );
  const units = await sql.query<{ row: string; unitId: string; docRow: string; order: number }>(
    `SELECT row, unit_id AS "unitId", doc_row AS "docRow", ord AS "order" FROM "${name}_units"`,
  );
  const docs = await sql.query<{ row: string; docId: string }>(
    `SELECT row, doc_id AS "docId" FROM "${name}_docs"`,
  );
  return {
    units: units.map((u) => ({
      row: Number(u.row),
      unitId: u.unitId,
      docRow: Number(u.docRow),
      order: Number(u.order),
    })),
    docs: docs.map((d) => ({ row: Number(d.row), docId: d.docId })),
  };
}

async function saveCatalogue(
  tx: SqlRunner,
  name: string,
  units: readonly (UnitRecord & { size: number })[],
  docs: readonly { row: number; docId: string }[],
): Promise<void> {
  await tx.query(
    `INSERT INTO "${name}_docs" (row, doc_id) SELECT * FROM unnest($1::int8[], $2::text[]) ON CONFLICT DO NOTHING`,
    [docs.map((d) => d.row), docs.map((d) => d.docId)],
  );
  await tx.query(
    `INSERT INTO "${name}_units" (row, unit_id, doc_row, ord, size)
     SELECT * FROM unnest($1::int8[], $2::text[], $3::int8[], $4::float8[], $5::int4[])`,
    [
      units.map((u) => u.row),
      units.map((u) => u.unitId),
      units.map((u) => u.docRow),
      units.map((u) => u.order),
      units.map((u) => u.size),
    ],
  );
}

function indexedText(unit: IndexUnit): string {
  return unit.context ? `${unit.context}\n${unit.text}` : unit.text;
}

/** New unit and document records for a batch; refuses ids already indexed or repeated in the batch. */
function planRows(
  batch: readonly IndexUnit[],
  unitRows: ReadonlyMap<string, number>,
  docRows: ReadonlyMap<string, number>,
): { units: (UnitRecord & { size: number })[]; docs: { row: number; docId: string }[] } {
  const units: (UnitRecord & { size: number })[] = [];
  const docs = new Map<string, { row: number; docId: string }>();
  const seen = new Set<string>();
  for (const unit of batch) {
    if (unitRows.has(unit.id) || seen.has(unit.id)) throw new DuplicateUnit(unit.id);
    seen.add(unit.id);
    let docRow = docRows.get(unit.docId) ?? docs.get(unit.docId)?.row;
    if (docRow === undefined) {
      docRow = docRows.size + docs.size + 1;
      docs.set(unit.docId, { row: docRow, docId: unit.docId });
    }
    const row = unitRows.size + units.length + 1;
    units.push({ row, unitId: unit.id, docRow, order: unit.order, size: unit.text.length });
  }
  return { units, docs: [...docs.values()] };
}

/** Per view: unit row → score of its best passage. */
async function bestPassages(
  indexes: Map<string, PgTermIndex>,
  used: Readonly<Record<string, number>>,
  tokens: ViewTokens,
  limit: number,
): Promise<Record<string, Map<number, number>>> {
  const out: Record<string, Map<number, number>> = {};
  for (const [view, weight] of Object.entries(used)) {
    const index = indexes.get(view);
    if (!index || weight === 0) continue;
    const best = new Map<number, number>();
    for (const hit of await index.search(tokens[view] ?? [], limit)) {
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
  for (const u of units) {
    const list = byDoc.get(u.docRow) ?? [];
    list.push(u);
    byDoc.set(u.docRow, list);
  }
  const places = new Map<number, UnitPlace>();
  for (const [doc, list] of byDoc) {
    list.sort((a, b) => a.order - b.order);
    list.forEach((u, i) => {
      places.set(u.row, { doc, prev: list[i - 1]?.row, next: list[i + 1]?.row });
    });
  }
  return places;
}
