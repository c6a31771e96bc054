/**
 * kuromoji's dictionary ships as 17 MB of gzip that inflates to 100 MB: inflating it was most of the
 * dictionary's load (about 280 ms of CPU here), paid by every CLI start and by every parse worker. The
 * inflated files are kept beside the package (`node_modules/.cache/`) on first use and read from there
 * afterwards. A cache that cannot be written (read-only install) or does not match its gzip is passed
 * over, never trusted: the gzip stays the source.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const inflate = promisify(gunzip);

/** Where the inflated dictionary of the kuromoji package at `dicPath` (…/kuromoji/dict) is kept. */
export function dictionaryCacheDir(dicPath: string, version: string): string {
  return path.join(dicPath, '..', '..', '.cache', `musubi-kuromoji-${version}`);
}

/**
 * One dictionary file, inflated: from the cache when it holds the file at the length the gzip trailer
 * names, otherwise inflated now (and written to the cache for next time when `cacheDir` is given).
 */
export async function readDictionaryFile(file: string, cacheDir?: string): Promise<ArrayBuffer> {
  const cached = cacheDir === undefined ? undefined : path.join(cacheDir, path.basename(file, '.gz'));
  if (cached !== undefined) {
    const hit = await fromCache(file, cached);
    if (hit !== undefined) return hit;
  }
  const gz = await readFile(file);
  const out = await inflate(gz, { chunkSize: Math.max(inflatedLength(gz), 64 * 1024) });
  if (cached !== undefined) await toCache(cached, out);
  return arrayBufferOf(out);
}

/** ISIZE, the inflated length modulo 2³² (the files are tens of MB). */
function inflatedLength(gz: Buffer): number {
  return gz.length >= 4 ? gz.readUInt32LE(gz.length - 4) : 0;
}

async function fromCache(file: string, cached: string): Promise<ArrayBuffer | undefined> {
  try {
    const [expected, found] = await Promise.all([trailerLength(file), stat(cached)]);
    if (found.size !== expected) return undefined;
    const bytes = await readFile(cached);
    return bytes.length === expected ? arrayBufferOf(bytes) : undefined;
  } catch {
    return undefined;
  }
}

async function trailerLength(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, Math.max(0, size - 4));
    return trailer.readUInt32LE(0);
  } finally {
    await handle.close();
  }
}

/** Written under a unique name and renamed: a reader (another worker) never sees half a file. */
async function toCache(cached: string, bytes: Buffer): Promise<void> {
  const temporary = `${cached}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(cached), { recursive: true });
    await writeFile(temporary, bytes);
    await rename(temporary, cached);
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

function arrayBufferOf(bytes: Buffer): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length;
  return whole ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
}
