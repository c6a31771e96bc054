import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { repoRoot } from '../support/cli.js';

export const samplesDir = join(repoRoot, 'samples');

export const tempDir = (prefix = 'musubi-refine-'): string => mkdtempSync(join(tmpdir(), prefix));

/** A private copy of the bundled samples under `<tmp>/samples`, free to edit. */
export function copySamples(): { root: string; samples: string; store: string } {
  const root = tempDir();
  const samples = join(root, 'samples');
  cpSync(samplesDir, samples, { recursive: true });
  return { root, samples, store: join(root, 'store') };
}

export interface Consistency {
  readonly documents: number;
  readonly failed: number;
  readonly chunks: number;
  /** Chunks whose document row is gone. */
  readonly orphanChunks: number;
  /** Index rows (any view, unit level) whose chunk is gone, and chunks missing from a view. */
  readonly orphanUnitRows: number;
  readonly missingUnitRows: number;
  /** Document-level index rows without a refined document, and refined documents without one. */
  readonly orphanDocRows: number;
  readonly missingDocRows: number;
  /** Passage rows (chunk row × 4096 + window) whose chunk is gone. */
  readonly orphanPassageRows: number;
  /** Refined documents without any chunk. */
  readonly emptyDocuments: number;
  /** FTS5 views found. */
  readonly views: number;
}

/** Reads the corpus database directly and counts every kind of dangling row. */
export function consistency(store: string): Consistency {
  const db = new Sqlite(join(store, 'refinery.db'), { readonly: true });
  try {
    const n = (sql: string): number => db.prepare(sql).pluck().get() as number;
    const views = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'corpus_unit_%'
         AND sql LIKE '%USING fts5(%'`,
      )
      .pluck()
      .all() as string[];
    const passageViews = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'corpus_passage_%'
         AND sql LIKE '%USING fts5(%'`,
      )
      .pluck()
      .all() as string[];
    const sum = (f: (view: string) => number) => views.reduce((a, v) => a + f(v), 0);
    const docTable = (v: string) => v.replace('corpus_unit_', 'corpus_doc_');
    return {
      documents: n(`SELECT count(*) FROM documents WHERE status = 'ok'`),
      failed: n(`SELECT count(*) FROM documents WHERE status = 'failed'`),
      chunks: n('SELECT count(*) FROM chunks'),
      orphanChunks: n('SELECT count(*) FROM chunks WHERE doc_row NOT IN (SELECT row FROM documents)'),
      orphanUnitRows: sum((v) =>
        n(`SELECT count(*) FROM "${v}" WHERE rowid NOT IN (SELECT row FROM chunks)`),
      ),
      missingUnitRows: sum((v) =>
        n(`SELECT count(*) FROM chunks WHERE row NOT IN (SELECT rowid FROM "${v}")`),
      ),
      orphanDocRows: sum((v) =>
        n(
          `SELECT count(*) FROM "${docTable(v)}" WHERE rowid NOT IN (SELECT row FROM documents WHERE status = 'ok')`,
        ),
      ),
      missingDocRows: sum((v) =>
        n(
          `SELECT count(*) FROM documents WHERE status = 'ok' AND row NOT IN (SELECT rowid FROM "${docTable(v)}")`,
        ),
      ),
      orphanPassageRows: passageViews.reduce(
        (a, v) => a + n(`SELECT count(*) FROM "${v}" WHERE rowid / 4096 NOT IN (SELECT row FROM chunks)`),
        0,
      ),
      emptyDocuments: n(
        `SELECT count(*) FROM documents WHERE status = 'ok' AND row NOT IN (SELECT doc_row FROM chunks)`,
      ),
      views: views.length,
    };
  } finally {
    db.close();
  }
}

export function expectConsistent(c: Consistency): void {
  const dangling = {
    orphanChunks: c.orphanChunks,
    orphanUnitRows: c.orphanUnitRows,
    missingUnitRows: c.missingUnitRows,
    orphanDocRows: c.orphanDocRows,
    missingDocRows: c.missingDocRows,
    orphanPassageRows: c.orphanPassageRows,
    emptyDocuments: c.emptyDocuments,
  };
  if (Object.values(dangling).some((v) => v !== 0)) {
    throw new Error(`corpus inconsistent: ${JSON.stringify(dangling)}`);
  }
  if (c.views !== 3) throw new Error(`expected the 3 index views (bigram, morph, numbers), found ${c.views}`);
}
