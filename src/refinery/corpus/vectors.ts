import type Sqlite from 'better-sqlite3';
import { type Chunk, chunkContent } from '../chunk/index.js';
import { VectorMismatch } from './errors.js';

/**
 * Chunk embeddings for optional dense retrieval: one Float32 BLOB per chunk, searched by brute-force cosine
 * (a corpus here is ≤ ~1e5 chunks: a few ms; sqlite-vec would add a native binary for no gain at this size).
 * Rows cascade away with their chunk, so re-refining a file never leaves stale vectors behind.
 */
const schema = `CREATE TABLE IF NOT EXISTS chunk_vectors (
  chunk_row INTEGER PRIMARY KEY REFERENCES chunks (row) ON DELETE CASCADE,
  model TEXT NOT NULL,
  vector BLOB NOT NULL
)`;

export interface PendingChunk {
  readonly row: number;
  /** What is embedded: the chunk's header, situating context and text (as indexed). */
  readonly content: string;
}

export interface StoredVectors {
  readonly rows: readonly number[];
  /** Scaled to unit length when loaded, so a cosine is one dot product. */
  readonly vectors: readonly Float32Array[];
}

export interface VectorStore {
  /** Chunks of the participant with no vector from `model` yet. */
  pending(model: string): PendingChunk[];
  put(model: string, rows: readonly { readonly row: number; readonly vector: Float32Array }[]): void;
  /** Every vector of `model`, cached until the data changes (`version`). */
  all(model: string, version: string): StoredVectors;
}

export function createVectorStore(db: Sqlite.Database, participantId: string): VectorStore {
  db.exec(schema);
  const pending = db.prepare(
    `SELECT c.row, c.chunk FROM chunks c LEFT JOIN chunk_vectors v ON v.chunk_row = c.row AND v.model = ?
     WHERE c.participant_id = ? AND v.chunk_row IS NULL ORDER BY c.row`,
  );
  const insert = db.prepare(
    'INSERT OR REPLACE INTO chunk_vectors (chunk_row, model, vector) VALUES (?, ?, ?)',
  );
  const select = db.prepare(
    `SELECT v.chunk_row AS row, v.vector FROM chunk_vectors v JOIN chunks c ON c.row = v.chunk_row
     WHERE c.participant_id = ? AND v.model = ? ORDER BY v.chunk_row`,
  );
  const put = db.transaction((model: string, rows: readonly { row: number; vector: Float32Array }[]) => {
    for (const r of rows)
      insert.run(r.row, model, Buffer.from(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength));
  });
  let cached: { key: string; stored: StoredVectors } | undefined;
  return {
    pending: (model) =>
      (pending.all(model, participantId) as { row: number; chunk: string }[]).map((r) => ({
        row: r.row,
        content: chunkContent(JSON.parse(r.chunk) as Chunk),
      })),
    put: (model, rows) => put(model, rows),
    all(model, version) {
      const key = `${model}\u0000${version}`;
      if (cached?.key === key) return cached.stored;
      const rows = select.all(participantId, model) as { row: number; vector: Buffer }[];
      const stored = {
        rows: rows.map((r) => r.row),
        // Copied out: a Buffer from SQLite may share memory that is not 4-byte aligned.
        vectors: rows.map((r) => unit(new Float32Array(new Uint8Array(r.vector).buffer))),
      };
      cached = { key, stored };
      return stored;
    },
  };
}

/**
 * The best `top` chunks by cosine similarity to the query, among those `allowed` (the filters), as scores
 * above the similarity of the first chunk left out: cosine values of one model crowd together (0.7–0.8), so
 * the floor is taken off before the ranking divides each view by its best score.
 */
export function denseScores(
  query: Float32Array,
  stored: StoredVectors,
  allowed: (row: number) => boolean,
  top: number,
): Map<number, number> {
  const dims = stored.vectors[0]?.length;
  if (dims !== undefined && dims !== query.length) throw new VectorMismatch(dims, query.length);
  const q = unit(Float32Array.from(query));
  const ranked = stored.rows
    .map((row, i) => ({ row, score: dot(q, stored.vectors[i]!) }))
    .filter((r) => allowed(r.row))
    .sort((a, b) => b.score - a.score || a.row - b.row);
  const floor = Math.max(0, ranked[top]?.score ?? 0);
  return new Map(ranked.slice(0, top).flatMap((r) => (r.score > floor ? [[r.row, r.score - floor]] : [])));
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(v, v));
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
