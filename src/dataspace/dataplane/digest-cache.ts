import type { BigIntStats } from 'node:fs';

/**
 * Remembered SHA-256 digests of files served whole, so an unchanged file is not hashed again on every pull.
 * A digest is reused only for a file whose identity — device, inode, size, mtime and ctime in nanoseconds, from
 * fstat of the descriptor actually read — is the one it was hashed under, and only if that identity was already
 * "settled" when the hash finished: a file written within `racyWindowNs` of that moment may be written again
 * within the same timestamp tick without its stamps changing (git's "racy clean" problem), so it is not
 * remembered. The data plane checks the identity again after the last read; a change means no digest is claimed.
 */

/** What identifies one version of a file's content, as fstat reports it. */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** Coarse file-system timestamps (ext4 ticks, 2 s on FAT): a file younger than this may change unseen. */
export const racyWindowNs = 2_000_000_000n;

export const fileIdentity = (s: BigIntStats): FileIdentity => ({
  dev: s.dev,
  ino: s.ino,
  size: s.size,
  mtimeNs: s.mtimeNs,
  ctimeNs: s.ctimeNs,
});

/** One entry per file (device and inode): a newer version replaces the older one. */
export const fileKey = (f: FileIdentity): string => `${f.dev}:${f.ino}`;

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.ctimeNs === b.ctimeNs
  );
}

/**
 * Whether a file's stamps were already old when it was last seen at `seenAtNs` (wall clock, ns): both mtime
 * and ctime strictly more than the window before it. A tie is racy; a stamp in the future (clock skew) too.
 */
export function settled(f: FileIdentity, seenAtNs: bigint, windowNs = racyWindowNs): boolean {
  return seenAtNs - f.mtimeNs > windowNs && seenAtNs - f.ctimeNs > windowNs;
}

/** One whole read of a file: its identity at open, after the last read, and what was read and hashed. */
export interface WholeRead {
  readonly before: FileIdentity;
  /** undefined when the read did not reach the end (cut, destroyed, failed). */
  readonly after?: FileIdentity;
  /** When `after` was taken (wall clock, ns). */
  readonly seenAtNs: bigint;
  /** Bytes read from the file. */
  readonly readBytes: number;
}

/** Whether the read delivered exactly the file as it was at open, every byte of it. */
export function readUnchanged(r: Omit<WholeRead, 'seenAtNs'>): boolean {
  return r.after !== undefined && sameFile(r.before, r.after) && BigInt(r.readBytes) === r.after.size;
}

/** Whether a digest computed over `hashedBytes` of this read may be remembered for later pulls. */
export function worthRemembering(r: WholeRead, hashedBytes: number): boolean {
  return (
    readUnchanged(r) && hashedBytes === r.readBytes && r.after !== undefined && settled(r.after, r.seenAtNs)
  );
}

interface Entry {
  readonly identity: FileIdentity;
  readonly sha256: string;
}

/** Bounded, least recently used first out; in this process's memory only. */
export class DigestCache {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly capacity = 4096) {}

  /** The digest remembered for exactly this identity (another version of the file: none). */
  get(f: FileIdentity): string | undefined {
    const key = fileKey(f);
    const e = this.#entries.get(key);
    if (!e || !sameFile(e.identity, f)) return undefined;
    this.#entries.delete(key); // most recently used goes last
    this.#entries.set(key, e);
    return e.sha256;
  }

  set(f: FileIdentity, sha256: string): void {
    const key = fileKey(f);
    this.#entries.delete(key);
    this.#entries.set(key, { identity: f, sha256 });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.capacity) break;
      this.#entries.delete(oldest);
    }
  }

  /** Forgets whatever is remembered for this file (any version). */
  drop(f: FileIdentity): void {
    this.#entries.delete(fileKey(f));
  }

  get size(): number {
    return this.#entries.size;
  }
}
