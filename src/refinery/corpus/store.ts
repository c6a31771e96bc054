import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { type Chunk, chunkContent } from '../chunk/index.js';
import type { Document, DocumentMetadata } from '../document/index.js';
import { type Analyzer, type IndexRows, indexRows, joinedRow, passageViewsOf } from '../index/index.js';
import {
  AmbiguousDocument,
  AnalyzerRequired,
  CorpusMissing,
  DocumentNotFound,
  IndexRowsMismatch,
} from './errors.js';
import { corpusSchema, passageSpan, viewTable } from './schema.js';
import { type CorpusSearch, createCorpusSearch } from './search.js';

export const corpusFileName = 'refinery.db';

/** What the pipeline knows about a file when it stores it. */
export interface DocumentEntry {
  readonly uri: string;
  readonly sha256: string;
  readonly format: string;
  readonly bytes: number;
  readonly mtimeMs: number;
  /** Pipeline version and chunking options: a change re-refines unchanged files. */
  readonly pipeline: string;
  readonly refinedAt: string;
}

export interface StoredDocument extends DocumentEntry {
  readonly row: number;
  readonly metadata: DocumentMetadata;
  readonly status: 'ok' | 'failed';
  readonly errorCode?: string;
  readonly error?: string;
  readonly chunks: number;
}

export interface CorpusCounts {
  readonly documents: number;
  readonly failed: number;
  readonly chunks: number;
}

export interface OpenCorpusOptions {
  /** The store directory; the corpus is `<dir>/refinery.db`. */
  readonly dir: string;
  readonly participantId: string;
  /** Needed to write and to search; reading documents and chunks works without it. */
  readonly analyzer?: Analyzer;
  /** Create the database when missing (refine); otherwise a missing corpus is `corpus.missing`. */
  readonly create?: boolean;
}

export interface Corpus extends CorpusSearch {
  readonly dir: string;
  readonly participantId: string;
  documents(): StoredDocument[];
  document(uri: string): StoredDocument | undefined;
  /** The document named by its uri, a unique uri suffix or a unique file name. */
  findDocument(name: string): StoredDocument;
  /** The parsed Document as stored. */
  parsed(uri: string): Document | undefined;
  /** Chunks in document then chunk order, of one document or all. */
  chunks(uri?: string): Chunk[];
  counts(): CorpusCounts;
  /**
   * Replaces the document at `entry.uri` (and the one at `replacing`, a rename) with these chunks and their
   * index rows in one transaction. Returns the chunk ids as stored (a byte-identical copy of another file
   * gets ids derived from its own uri, since ids are derived from content).
   */
  putDocument(
    entry: DocumentEntry,
    doc: Document,
    chunks: readonly Chunk[],
    replacing?: string,
    /** The chunks' index rows when already made with this corpus's analyzer (in a parse worker). */
    rows?: readonly IndexRows[],
  ): string[];
  /** Records a failed file; any chunks it had are removed, in one transaction. */
  putFailure(entry: DocumentEntry, error: { readonly code: string; readonly message: string }): void;
  /** Updates the modification time of an unchanged file (so the next run skips hashing it). */
  touch(uri: string, mtimeMs: number): void;
  removeDocument(uri: string): void;
  close(): void;
}

interface DocumentRow {
  row: number;
  uri: string;
  sha256: string;
  format: string;
  bytes: number;
  mtime_ms: number;
  pipeline: string;
  metadata: string;
  refined_at: string;
  status: 'ok' | 'failed';
  error_code: string | null;
  error: string | null;
  chunks: number;
}

function storedDocument(r: DocumentRow): StoredDocument {
  return {
    row: r.row,
    uri: r.uri,
    sha256: r.sha256,
    format: r.format,
    bytes: r.bytes,
    mtimeMs: r.mtime_ms,
    pipeline: r.pipeline,
    refinedAt: r.refined_at,
    metadata: JSON.parse(r.metadata) as DocumentMetadata,
    status: r.status,
    ...(r.error_code ? { errorCode: r.error_code } : {}),
    ...(r.error ? { error: r.error } : {}),
    chunks: r.chunks,
  };
}

/** Opens (or creates) the corpus of one participant in a store directory. */
export function openCorpus(options: OpenCorpusOptions): Corpus {
  const file = join(options.dir, corpusFileName);
  if (!existsSync(file)) {
    if (!options.create) throw new CorpusMissing(options.dir);
    mkdirSync(options.dir, { recursive: true });
  }
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(corpusSchema);
  return corpusOver(db, options);
}

function corpusOver(db: Sqlite.Database, options: OpenCorpusOptions): Corpus {
  const { participantId, analyzer } = options;
  const views = analyzer?.views ?? [];
  const passageViews = analyzer ? passageViewsOf(analyzer) : [];
  const search = createCorpusSearch(db, participantId, analyzer); // creates the view tables
  const selectDocs = db.prepare(
    `SELECT d.row, d.uri, d.sha256, d.format, d.bytes, d.mtime_ms, d.pipeline, d.metadata, d.refined_at,
       d.status, d.error_code, d.error, (SELECT count(*) FROM chunks c WHERE c.doc_row = d.row) AS chunks
     FROM documents d WHERE d.participant_id = ? ORDER BY d.uri`,
  );
  const rowOf = db.prepare('SELECT row FROM documents WHERE participant_id = ? AND uri = ?').pluck();
  const chunkRowsOf = db.prepare('SELECT row FROM chunks WHERE doc_row = ?').pluck();
  const idTaken = db.prepare('SELECT 1 FROM chunks WHERE participant_id = ? AND id = ?').pluck();
  const deleteChunks = db.prepare('DELETE FROM chunks WHERE doc_row = ?');
  const deleteDoc = db.prepare('DELETE FROM documents WHERE row = ?');
  const unitDeletes = views.map((v) => db.prepare(`DELETE FROM "${viewTable('unit', v)}" WHERE rowid = ?`));
  const docDeletes = views.map((v) => db.prepare(`DELETE FROM "${viewTable('doc', v)}" WHERE rowid = ?`));
  const passageDeletes = passageViews.map((v) =>
    db.prepare(`DELETE FROM "${viewTable('passage', v)}" WHERE rowid >= ? AND rowid < ?`),
  );
  const passageInserts = passageViews.map((v) =>
    db.prepare(`INSERT INTO "${viewTable('passage', v)}"(rowid, tokens) VALUES (?, ?)`),
  );
  const unitInserts = views.map((v) =>
    db.prepare(`INSERT INTO "${viewTable('unit', v)}"(rowid, tokens) VALUES (?, ?)`),
  );
  const docInserts = views.map((v) =>
    db.prepare(`INSERT INTO "${viewTable('doc', v)}"(rowid, tokens) VALUES (?, ?)`),
  );
  const insertDoc = db.prepare(
    `INSERT INTO documents (participant_id, uri, sha256, format, bytes, mtime_ms, pipeline, metadata, document,
       refined_at, status, error_code, error)
     VALUES (@participant, @uri, @sha256, @format, @bytes, @mtimeMs, @pipeline, @metadata, @document,
       @refinedAt, @status, @errorCode, @error)`,
  );
  const insertChunk = db.prepare(
    `INSERT INTO chunks (participant_id, id, doc_row, ordinal, text, context, location, heading_path, block_ids,
       kinds, chunk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const requireAnalyzer = (operation: string): Analyzer => {
    if (!analyzer) throw new AnalyzerRequired(operation);
    return analyzer;
  };

  /** Removes a document row, its chunks and every index row of both. Inside a transaction. */
  const dropDocument = (uri: string): void => {
    const row = rowOf.get(participantId, uri) as number | undefined;
    if (row === undefined) return;
    if (views.length === 0 && (chunkRowsOf.all(row) as number[]).length > 0) requireAnalyzer('removing');
    for (const chunkRow of chunkRowsOf.all(row) as number[]) {
      for (const del of unitDeletes) del.run(chunkRow);
      for (const del of passageDeletes) del.run(chunkRow * passageSpan, (chunkRow + 1) * passageSpan);
    }
    for (const del of docDeletes) del.run(row);
    deleteChunks.run(row);
    deleteDoc.run(row);
  };

  const entryParams = (entry: DocumentEntry) => ({
    participant: participantId,
    uri: entry.uri,
    sha256: entry.sha256,
    format: entry.format,
    bytes: entry.bytes,
    mtimeMs: entry.mtimeMs,
    pipeline: entry.pipeline,
    refinedAt: entry.refinedAt,
  });

  const put = db.transaction(
    (
      entry: DocumentEntry,
      doc: Document,
      chunks: readonly Chunk[],
      rows: readonly IndexRows[],
      replacing: string | undefined,
    ): string[] => {
      if (replacing !== undefined) dropDocument(replacing);
      dropDocument(entry.uri);
      const docRow = Number(
        insertDoc.run({
          ...entryParams(entry),
          metadata: JSON.stringify(doc.metadata),
          document: JSON.stringify(doc),
          status: 'ok',
          errorCode: null,
          error: null,
        }).lastInsertRowid,
      );
      const ids: string[] = [];
      chunks.forEach((chunk, i) => {
        const id = idTaken.get(participantId, chunk.id) ? derivedId(chunk.id, entry.uri) : chunk.id;
        const stored: Chunk = id === chunk.id ? chunk : { ...chunk, id };
        ids.push(id);
        const chunkRow = Number(
          insertChunk.run(
            participantId,
            id,
            docRow,
            chunk.index,
            chunk.text,
            chunk.context,
            JSON.stringify(chunk.location),
            JSON.stringify(chunk.headingPath),
            JSON.stringify(chunk.blockIds),
            JSON.stringify(chunk.kinds),
            JSON.stringify(stored),
          ).lastInsertRowid,
        );
        unitInserts.forEach((ins, v) => {
          ins.run(chunkRow, rows[i]!.views[v]!);
        });
        passageInserts.forEach((ins, v) => {
          rows[i]!.passages[v]!.slice(0, passageSpan).forEach((p, n) => {
            ins.run(chunkRow * passageSpan + n, p);
          });
        });
      });
      docInserts.forEach((ins, v) => {
        ins.run(docRow, joinedRow(rows, v));
      });
      return ids;
    },
  );

  const fail = db.transaction((entry: DocumentEntry, error: { code: string; message: string }) => {
    dropDocument(entry.uri);
    insertDoc.run({
      ...entryParams(entry),
      metadata: '{}',
      document: null,
      status: 'failed',
      errorCode: error.code,
      error: error.message,
    });
  });

  const documents = () => (selectDocs.all(participantId) as DocumentRow[]).map(storedDocument);
  const document = (uri: string) => documents().find((d) => d.uri === uri);

  return {
    dir: options.dir,
    participantId,
    ...search,
    documents,
    document,
    findDocument(name) {
      const all = documents();
      const exact = all.find((d) => d.uri === name);
      if (exact) return exact;
      const suffix = all.filter((d) => d.uri.endsWith(`/${name}`) || d.uri.split('/').at(-1) === name);
      if (suffix.length === 1) return suffix[0]!;
      if (suffix.length > 1)
        throw new AmbiguousDocument(
          name,
          suffix.map((d) => d.uri),
        );
      const near = all.filter((d) => d.uri.includes(name)).map((d) => d.uri);
      throw new DocumentNotFound(name, near);
    },
    parsed(uri) {
      const json = db
        .prepare('SELECT document FROM documents WHERE participant_id = ? AND uri = ?')
        .pluck()
        .get(participantId, uri) as string | null | undefined;
      return json ? (JSON.parse(json) as Document) : undefined;
    },
    chunks(uri) {
      const rows = db
        .prepare(
          `SELECT c.chunk FROM chunks c JOIN documents d ON d.row = c.doc_row
           WHERE c.participant_id = ? ${uri === undefined ? '' : 'AND d.uri = ?'} ORDER BY d.uri, c.ordinal`,
        )
        .pluck()
        .all(...(uri === undefined ? [participantId] : [participantId, uri])) as string[];
      return rows.map((r) => JSON.parse(r) as Chunk);
    },
    counts() {
      const c = db
        .prepare(
          `SELECT (SELECT count(*) FROM documents WHERE participant_id = @p AND status = 'ok') AS documents,
             (SELECT count(*) FROM documents WHERE participant_id = @p AND status = 'failed') AS failed,
             (SELECT count(*) FROM chunks WHERE participant_id = @p) AS chunks`,
        )
        .get({ p: participantId }) as CorpusCounts;
      return { ...c };
    },
    putDocument(entry, doc, chunks, replacing, rows) {
      const use = requireAnalyzer('refining');
      if (rows !== undefined && rows.length !== chunks.length)
        throw new IndexRowsMismatch(rows.length, chunks.length);
      // Tokenising is the slow part: done before the transaction so the write lock is held briefly.
      const made = rows ?? chunks.map((chunk) => indexRows(use, chunkContent(chunk)));
      const ids = put(entry, doc, chunks, made, replacing);
      search.invalidate();
      return ids;
    },
    putFailure(entry, error) {
      fail(entry, error);
      search.invalidate();
    },
    touch(uri, mtimeMs) {
      db.prepare('UPDATE documents SET mtime_ms = ? WHERE participant_id = ? AND uri = ?').run(
        mtimeMs,
        participantId,
        uri,
      );
    },
    removeDocument(uri) {
      db.transaction(() => dropDocument(uri))();
      search.invalidate();
    },
    close() {
      db.close();
    },
  };
}

/** Chunk ids derive from content; a second file with the same bytes gets ids derived from its own uri too. */
function derivedId(id: string, uri: string): string {
  const hex = createHash('sha256').update(`${id}\u0000${uri}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
