import { type Stats, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { PathMissing } from './errors.js';

/** A file found under the paths to refine. */
export interface FoundFile {
  readonly path: string;
  /** Relative to the parent of the folder given (`manuals/pump.md`), or the file name for a file given. */
  readonly uri: string;
  readonly bytes: number;
  readonly mtimeMs: number;
}

/** What one given path covers: stored documents in scope but no longer found are pruned. */
export type WalkRoot =
  | { readonly kind: 'folder'; readonly prefix: string }
  | { readonly kind: 'file'; readonly uri: string };

export interface Walked {
  readonly files: readonly FoundFile[];
  readonly roots: readonly WalkRoot[];
  readonly missing: readonly PathMissing[];
}

function posix(p: string): string {
  return p.split(sep).join('/');
}

/**
 * Every regular file under `paths`, sorted by uri. Hidden files and folders (leading dot), the store directory
 * and symbolic links to folders are skipped; a path that does not exist is reported, not thrown.
 */
export async function walk(paths: readonly string[], skip: readonly string[]): Promise<Walked> {
  const skipped = new Set(skip.map((p) => resolve(p)));
  const files = new Map<string, FoundFile>();
  const roots: WalkRoot[] = [];
  const missing: PathMissing[] = [];
  for (const given of paths) {
    const abs = resolve(given);
    let stat: Stats;
    try {
      stat = statSync(abs);
    } catch {
      missing.push(new PathMissing(given));
      continue;
    }
    if (stat.isDirectory()) {
      const base = dirname(abs);
      roots.push({ kind: 'folder', prefix: `${posix(relative(base, abs)) || basename(abs)}/` });
      for (const f of await filesUnder(abs, skipped)) {
        files.set(f.path, { ...f, uri: posix(relative(base, f.path)) });
      }
    } else if (stat.isFile()) {
      const uri = basename(abs);
      roots.push({ kind: 'file', uri });
      files.set(abs, { path: abs, uri, bytes: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  return {
    files: [...files.values()].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0)),
    roots,
    missing,
  };
}

async function filesUnder(dir: string, skipped: ReadonlySet<string>): Promise<Omit<FoundFile, 'uri'>[]> {
  if (skipped.has(dir)) return [];
  const out: Omit<FoundFile, 'uri'>[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (skipped.has(path)) continue;
    if (entry.isDirectory()) out.push(...(await filesUnder(path, skipped)));
    else if (entry.isFile() || entry.isSymbolicLink()) {
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isFile()) out.push({ path, bytes: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  return out;
}

/** Whether a stored uri is covered by one of the walked roots. */
export function inScope(uri: string, roots: readonly WalkRoot[]): boolean {
  return roots.some((r) => (r.kind === 'folder' ? uri.startsWith(r.prefix) : uri === r.uri));
}
