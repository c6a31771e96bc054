import { type BigIntStats, close as closeFd, constants, createReadStream, fstat, open } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { InvalidInput } from '../../errors/index.js';
import {
  DigestCache,
  fileIdentity,
  readUnchanged,
  type WholeRead,
  worthRemembering,
} from './digest-cache.js';
import { RangeNotSatisfiable, sourceFailed } from './errors.js';
import { spanOf } from './range.js';
import type { DataSource, SourceAddress, SourceRequest, SourceResponse, WholeFileRead } from './source.js';

/** The File source, plus what the background digests need: the files a whole read of an address may serve. */
export interface FileSource extends DataSource {
  /**
   * The file an address names and its `.gz` sibling when there is one — each opened as a whole read opens it
   * (same root checks, same fstat of the descriptor) — or none when the address cannot be served (missing,
   * outside the roots, not a regular file). Never throws; the caller closes the descriptors.
   */
  openForDigest(address: SourceAddress): Promise<readonly OpenFile[]>;
}

/**
 * `{ type: 'File', path, contentType? }`: a file under one of the allowed roots (`path` relative to the first
 * root, or absolute inside any). Symlinks are resolved before the check, so a link cannot lead outside.
 * gzip: a sibling `<path>.gz` is served as is when the consumer accepts gzip and asks no range.
 * A file served whole carries a `WholeFileRead`: the source remembers the digests the data plane computed, per
 * file identity (see digest-cache.ts); `now` is the wall clock the file system stamps files with.
 */
export function fileSource(options: {
  readonly roots: readonly string[];
  readonly chunkBytes?: number;
  readonly now: () => Date;
  readonly digests?: DigestCache;
}): FileSource {
  const roots = options.roots.map((r) => resolve(r));
  const highWaterMark = options.chunkBytes ?? 256 * 1024;
  const digests = options.digests ?? new DigestCache();
  const nowNs = () => BigInt(options.now().getTime()) * 1_000_000n;

  const inside = (root: string, p: string) => {
    const rel = relative(root, p);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  };

  function candidate(address: SourceAddress): string {
    const path = address.path;
    if (typeof path !== 'string' || path === '' || path.includes('\0'))
      throw new InvalidInput('source.file.path', 'dataAddress.path must name a file', {
        pointer: '/dataAddress/path',
      });
    if (roots.length === 0)
      throw new InvalidInput('source.file.no-roots', 'no file roots are configured (dataPlaneFileRoots)');
    const full = isAbsolute(path) ? resolve(path) : resolve(roots[0] ?? '', path);
    if (!roots.some((r) => inside(r, full)))
      throw new InvalidInput('source.file.outside-roots', 'dataAddress.path lies outside the allowed roots', {
        pointer: '/dataAddress/path',
      });
    return full;
  }

  async function real(address: SourceAddress): Promise<string> {
    const full = candidate(address);
    let resolved: string;
    try {
      resolved = await realpath(full);
    } catch {
      throw sourceFailed('bad-gateway', 'source.file.missing', 'the asset file does not exist');
    }
    const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => r)));
    if (!realRoots.some((r) => inside(r, resolved)))
      throw sourceFailed(
        'bad-gateway',
        'source.file.outside-roots',
        'the asset file lies outside the allowed roots',
      );
    return resolved;
  }

  /**
   * Opens a file for reading with its fstat (of the descriptor, not the path: the identity of what is read).
   * A path that is no regular file is not even opened (a device may act on open); one swapped for a FIFO in
   * between does not hang the open (O_NONBLOCK) and is refused by the fstat.
   */
  async function opened(path: string): Promise<OpenFile | undefined> {
    if (!(await stat(path).catch(() => undefined))?.isFile()) return undefined;
    const fd = await openFd(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
    if (fd === undefined) return undefined;
    try {
      const stats = await fstatBig(fd, { bigint: true });
      if (stats.isFile()) return { fd, stats };
    } catch {}
    closeFd(fd, () => {});
    return undefined;
  }

  /**
   * The file read start to end, with what the data plane needs to reuse or remember its digest: the identity
   * is taken again after the last read (the stream keeps the descriptor open until then), so a file modified
   * while it was read is noticed and its remembered digest dropped.
   */
  function wholeRead(file: OpenFile, signal: AbortSignal): { body: Readable; wholeFile: WholeFileRead } {
    const before = fileIdentity(file.stats);
    // No `signal` option: an abort once the end was read (the consumer's response closing) must not close the
    // descriptor under the fstat below; before the end it cuts the read, as the option would. The size at open
    // bounds the read, so the end comes with the last chunk, not after one more read finds nothing.
    const size = Number(before.size);
    const body = createReadStream('', {
      fd: file.fd,
      autoClose: false,
      highWaterMark,
      start: 0,
      ...(size > 0 ? { end: size - 1 } : {}),
    });
    let ended = false;
    const abort = () => {
      if (!ended) body.destroy(Object.assign(new Error('the read was aborted'), { code: 'ABORT_ERR' }));
    };
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    const read = new Promise<WholeRead>((resolve) => {
      const cut = () => resolve({ before, seenAtNs: 0n, readBytes: body.bytesRead });
      body.once('close', () => {
        signal.removeEventListener('abort', abort);
        if (!ended) cut(); // destroyed before the end: cut, failed, aborted or a HEAD
      });
      body.once('end', () => {
        ended = true;
        fstat(file.fd, { bigint: true }, (err, s) => {
          if (err) cut();
          else resolve({ before, after: fileIdentity(s), seenAtNs: nowNs(), readBytes: body.bytesRead });
          body.destroy(); // closes the descriptor
        });
      });
    });
    const unchanged = read.then((r) => {
      const same = readUnchanged(r);
      if (r.after && !same) digests.drop(before);
      return same;
    });
    const knownSha256 = digests.get(before);
    return {
      body,
      wholeFile: {
        ...(knownSha256 ? { knownSha256 } : {}),
        unchanged,
        remember: (sha256, bytes) =>
          read.then((r) => {
            if (r.after && worthRemembering(r, bytes)) digests.set(r.after, sha256);
          }),
      },
    };
  }

  const etagOf = (s: BigIntStats, suffix = '') =>
    `"${s.size.toString(16)}-${s.mtimeMs.toString(16)}${suffix}"`;

  return {
    type: 'File',
    validate: (address) => {
      candidate(address);
    },
    async openForDigest(address) {
      const path = await real(address).catch(() => undefined);
      if (path === undefined) return [];
      const found = await Promise.all([opened(path), opened(`${path}.gz`)]);
      return found.filter((f): f is OpenFile => f !== undefined);
    },
    async open(address: SourceAddress, req: SourceRequest): Promise<SourceResponse> {
      const path = await real(address);
      const file = await opened(path);
      if (!file)
        throw sourceFailed('bad-gateway', 'source.file.not-a-file', 'the asset path is not a readable file');
      const s = file.stats;
      const meta = {
        etag: etagOf(s),
        lastModified: s.mtime.toUTCString(),
        ...(typeof address.contentType === 'string' ? { contentType: address.contentType } : {}),
      };
      if (req.range) {
        const span = spanOf(req.range, Number(s.size));
        if (!span) {
          closeFd(file.fd, () => {});
          throw new RangeNotSatisfiable(Number(s.size));
        }
        return {
          ...meta,
          status: 206,
          body: createReadStream('', {
            fd: file.fd,
            start: span.start,
            end: span.end,
            highWaterMark,
            signal: req.signal,
          }),
          contentLength: span.end - span.start + 1,
          contentRange: `bytes ${span.start}-${span.end}/${s.size}`,
        };
      }
      const gz = req.acceptGzip ? await opened(`${path}.gz`) : undefined;
      if (gz) closeFd(file.fd, () => {});
      const served = gz ?? file;
      return {
        ...meta,
        ...(gz ? { etag: etagOf(s, '-gz'), contentEncoding: 'gzip' as const } : {}),
        status: 200,
        ...wholeRead(served, req.signal),
        contentLength: Number(served.stats.size),
      };
    },
  };
}

export interface OpenFile {
  readonly fd: number;
  readonly stats: BigIntStats;
}

const openFd = promisify(open);
const fstatBig = promisify(fstat) as (fd: number, o: { bigint: true }) => Promise<BigIntStats>;
