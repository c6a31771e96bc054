import { Worker } from 'node:worker_threads';
import type { FileIdentity } from './digest-cache.js';

/**
 * SHA-256 of an open file, computed in a worker thread so hashing a large file never holds up the event loop
 * that serves pulls. The descriptor is the caller's (descriptors belong to the process, so the worker reads the
 * very file the caller opened and fstat'ed); the worker reads it from offset 0 up to the size given — the size
 * at open, as a whole read does — then fstats it again after the last read.
 */

/** What the worker read and hashed. */
export interface HashedRead {
  readonly sha256: string;
  /** Bytes read, all of them hashed. */
  readonly readBytes: number;
  /** fstat of the descriptor after the last read. */
  readonly after: FileIdentity;
}

export type HashFile = (fd: number, size: bigint) => Promise<HashedRead>;

// Plain JavaScript evaluated as the worker: no loader is needed whether the node runs from dist or from source.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { readSync, fstatSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(workerData.chunkBytes);
parentPort.on('message', ({ fd, size }) => {
  try {
    const hash = createHash('sha256');
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - read), read);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      read += n;
    }
    const s = fstatSync(fd, { bigint: true });
    const after = { dev: s.dev, ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs };
    parentPort.postMessage({ sha256: hash.digest('hex'), readBytes: read, after });
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.message || e) });
  }
});
`;

type Reply = HashedRead | { readonly error: string };

/**
 * One worker, started on first use, hashing one file at a time (the caller queues). `close()` terminates it; a
 * hash in flight then rejects, after the worker is gone, so the caller may close the descriptor safely.
 */
export function workerHasher(chunkBytes = 1024 * 1024): { hash: HashFile; close(): Promise<void> } {
  let worker: Worker | undefined;
  let pending: { resolve(r: HashedRead): void; reject(e: Error): void } | undefined;
  let closed = false;

  function started(): Worker {
    if (worker) return worker;
    const w = new Worker(workerSource, { eval: true, workerData: { chunkBytes } });
    w.unref(); // background work never keeps the process alive
    w.on('message', (r: Reply) => {
      const p = pending;
      pending = undefined;
      if ('error' in r) p?.reject(new Error(r.error));
      else p?.resolve(r);
    });
    w.on('error', () => {}); // reported through 'exit'
    w.once('exit', (code) => {
      if (worker === w) worker = undefined;
      const p = pending;
      pending = undefined;
      p?.reject(new Error(`the hashing worker exited (${code})`));
    });
    worker = w;
    return w;
  }

  return {
    hash: (fd, size) =>
      new Promise<HashedRead>((resolve, reject) => {
        if (closed) return reject(new Error('the hasher is closed'));
        if (pending) return reject(new Error('one file at a time'));
        pending = { resolve, reject };
        started().postMessage({ fd, size: Number(size) });
      }),
    close: async () => {
      closed = true;
      await worker?.terminate();
    },
  };
}
