import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InvalidInput } from '../../errors/index.js';
import { RangeNotSatisfiable, sourceFailed } from './errors.js';
import { spanOf } from './range.js';
import type { DataSource, SourceAddress, SourceRequest, SourceResponse } from './source.js';

/**
 * `{ type: 'File', path, contentType? }`: a file under one of the allowed roots (`path` relative to the first
 * root, or absolute inside any). Symlinks are resolved before the check, so a link cannot lead outside.
 * gzip: a sibling `<path>.gz` is served as is when the consumer accepts gzip and asks no range.
 */
export function fileSource(options: {
  readonly roots: readonly string[];
  readonly chunkBytes?: number;
}): DataSource {
  const roots = options.roots.map((r) => resolve(r));
  const highWaterMark = options.chunkBytes ?? 256 * 1024;

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

  async function gzipSibling(path: string): Promise<{ path: string; size: number } | undefined> {
    const s = await stat(`${path}.gz`).catch(() => undefined);
    return s?.isFile() ? { path: `${path}.gz`, size: s.size } : undefined;
  }

  return {
    type: 'File',
    validate: (address) => {
      candidate(address);
    },
    async open(address: SourceAddress, req: SourceRequest): Promise<SourceResponse> {
      const path = await real(address);
      const s = await stat(path);
      if (!s.isFile())
        throw sourceFailed('bad-gateway', 'source.file.not-a-file', 'the asset path is not a file');
      const meta = {
        etag: `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"`,
        lastModified: s.mtime.toUTCString(),
        ...(typeof address.contentType === 'string' ? { contentType: address.contentType } : {}),
      };
      if (req.range) {
        const span = spanOf(req.range, s.size);
        if (!span) throw new RangeNotSatisfiable(s.size);
        return {
          ...meta,
          status: 206,
          body: createReadStream(path, {
            start: span.start,
            end: span.end,
            highWaterMark,
            signal: req.signal,
          }),
          contentLength: span.end - span.start + 1,
          contentRange: `bytes ${span.start}-${span.end}/${s.size}`,
        };
      }
      const gz = req.acceptGzip ? await gzipSibling(path) : undefined;
      if (gz) {
        return {
          ...meta,
          etag: `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}-gz"`,
          status: 200,
          body: createReadStream(gz.path, { highWaterMark, signal: req.signal }),
          contentLength: gz.size,
          contentEncoding: 'gzip',
        };
      }
      return {
        ...meta,
        status: 200,
        body: createReadStream(path, { highWaterMark, signal: req.signal }),
        contentLength: s.size,
      };
    },
  };
}
