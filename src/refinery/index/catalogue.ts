import type BetterSqlite3 from 'better-sqlite3';

/** One indexed unit's identity and place; `row` is the integer key shared by every view table. */
export interface UnitRecord {
  readonly row: number;
  readonly unitId: string;
  readonly docRow: number;
  readonly order: number;
  /** Characters of the unit's own text (context excluded): tells a near-empty figure page. */
  readonly size: number;
}

export interface DocRecord {
  readonly row: number;
  readonly docId: string;
}

/** Where unit and document identities persist; the index keeps a copy in memory for ranking. */
export interface CatalogueStore {
  load(): { units: UnitRecord[]; docs: DocRecord[] };
  save(units: readonly UnitRecord[], docs: readonly DocRecord[]): void;
  remove(unitRows: readonly number[], docRow: number): void;
}

export const memoryCatalogue: CatalogueStore = {
  load: () => ({ units: [], docs: [] }),
  save: () => {},
  remove: () => {},
};

export function sqliteCatalogue(db: BetterSqlite3.Database, name: string): CatalogueStore {
  db.exec(`CREATE TABLE IF NOT EXISTS "${name}_docs" (row INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE);
    CREATE TABLE IF NOT EXISTS "${name}_units" (row INTEGER PRIMARY KEY, unit_id TEXT NOT NULL UNIQUE,
      doc_row INTEGER NOT NULL REFERENCES "${name}_docs"(row), ord REAL NOT NULL,
      size INTEGER NOT NULL)`);
  const insertDoc = db.prepare(`INSERT OR IGNORE INTO "${name}_docs"(row, doc_id) VALUES (?, ?)`);
  const insertUnit = db.prepare(
    `INSERT INTO "${name}_units"(row, unit_id, doc_row, ord, size) VALUES (?, ?, ?, ?, ?)`,
  );
  const save = db.transaction((units: readonly UnitRecord[], docs: readonly DocRecord[]) => {
    for (const d of docs) insertDoc.run(d.row, d.docId);
    for (const u of units) insertUnit.run(u.row, u.unitId, u.docRow, u.order, u.size);
  });
  const deleteUnit = db.prepare(`DELETE FROM "${name}_units" WHERE row = ?`);
  const deleteDoc = db.prepare(`DELETE FROM "${name}_docs" WHERE row = ?`);
  const remove = db.transaction((unitRows: readonly number[], docRow: number) => {
    for (const row of unitRows) deleteUnit.run(row);
    deleteDoc.run(docRow);
  });
  return {
    load: () => ({
      units: db
        .prepare(
          `SELECT row, unit_id AS unitId, doc_row AS docRow, ord AS "order", size FROM "${name}_units"`,
        )
        .all() as UnitRecord[],
      docs: db.prepare(`SELECT row, doc_id AS docId FROM "${name}_docs"`).all() as DocRecord[],
    }),
    save: (units, docs) => save(units, docs),
    remove: (unitRows, docRow) => remove(unitRows, docRow),
  };
}
