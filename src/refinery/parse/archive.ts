/**
 * Reads the parts of an OOXML (zip) package. Sizes declared in the central directory are checked before
 * anything is inflated, and fflate inflates each entry into a buffer of exactly its declared size, so a
 * zip bomb is refused up front and a lying header cannot make an entry grow past what was checked.
 */
import { unzipSync } from 'fflate';
import { ArchiveTooLarge, CorruptFile } from './errors.js';

export interface ZipLimits {
  /** Largest uncompressed entry accepted. Default 256 MiB. */
  readonly maxEntryBytes: number;
  /** Largest total uncompressed size of the entries read. Default 512 MiB. */
  readonly maxTotalBytes: number;
  /** Largest compression ratio accepted for entries above 1 MiB. Default 200. */
  readonly maxRatio: number;
}

export const defaultZipLimits: ZipLimits = {
  maxEntryBytes: 256 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxRatio: 200,
};

export interface ZipEntryInfo {
  readonly name: string;
  readonly compressedBytes: number;
  readonly bytes: number;
}

/** Lists entries without inflating any. Throws `parse.corrupt` when the bytes are not a zip. */
export function listZip(bytes: Uint8Array, uri: string): ZipEntryInfo[] {
  const entries: ZipEntryInfo[] = [];
  unzipOrThrow(bytes, uri, (file) => {
    entries.push({ name: file.name, compressedBytes: file.size, bytes: file.originalSize });
    return false;
  });
  return entries;
}

/** Inflates the entries `wanted` accepts, after checking every declared size against `limits`. */
export function readZip(
  bytes: Uint8Array,
  uri: string,
  wanted: (name: string) => boolean,
  limits: ZipLimits = defaultZipLimits,
): Map<string, Uint8Array> {
  checkZipLimits(
    listZip(bytes, uri).filter((e) => wanted(e.name)),
    uri,
    limits,
  );
  const files = unzipOrThrow(bytes, uri, (file) => wanted(file.name));
  return new Map(Object.entries(files));
}

/** Throws `parse.too-large` when any entry (or their sum) exceeds the limits. */
export function checkZipLimits(entries: readonly ZipEntryInfo[], uri: string, limits: ZipLimits): void {
  let total = 0;
  for (const e of entries) {
    if (e.bytes > limits.maxEntryBytes) {
      throw new ArchiveTooLarge(uri, `entry ${e.name} inflates to ${e.bytes} bytes`, {
        limit: limits.maxEntryBytes,
      });
    }
    if (e.bytes > 1024 * 1024 && e.bytes > Math.max(e.compressedBytes, 1) * limits.maxRatio) {
      throw new ArchiveTooLarge(uri, `entry ${e.name} has compression ratio above ${limits.maxRatio}`, {
        bytes: e.bytes,
        compressedBytes: e.compressedBytes,
      });
    }
    total += e.bytes;
  }
  if (total > limits.maxTotalBytes) {
    throw new ArchiveTooLarge(uri, `entries inflate to ${total} bytes in total`, {
      limit: limits.maxTotalBytes,
    });
  }
}

type UnzipFilter = (file: { name: string; size: number; originalSize: number }) => boolean;

function unzipOrThrow(bytes: Uint8Array, uri: string, filter: UnzipFilter): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes, { filter });
  } catch (e) {
    throw new CorruptFile(uri, `not a readable zip archive (${e instanceof Error ? e.message : String(e)})`, {
      cause: e,
    });
  }
}

/** Decodes an XML part as UTF-8 (OOXML parts are UTF-8 in practice; a BOM is tolerated). */
export function partText(files: ReadonlyMap<string, Uint8Array>, name: string): string | undefined {
  const part = files.get(name);
  return part === undefined ? undefined : new TextDecoder('utf-8').decode(part);
}
