import { describe, expect, it } from 'vitest';
import {
  DigestCache,
  type FileIdentity,
  racyWindowNs,
  readUnchanged,
  sameFile,
  settled,
  type WholeRead,
  worthRemembering,
} from './digest-cache.js';

const s = 1_000_000_000n;
const t0 = 1_780_000_000n * s; // a wall-clock instant, in ns
const file: FileIdentity = { dev: 2049n, ino: 131_077n, size: 300_000n, mtimeNs: t0, ctimeNs: t0 + 7n };
const later = t0 + 10n * s;

const read = (over: Partial<WholeRead> = {}): WholeRead => ({
  before: file,
  after: file,
  seenAtNs: later,
  readBytes: Number(file.size),
  ...over,
});

describe('file identity', () => {
  it('is the same only when device, inode, size, mtime and ctime all are', () => {
    expect(sameFile(file, { ...file })).toBe(true);
    for (const change of [
      { dev: 2050n },
      { ino: 131_078n },
      { size: 300_001n },
      { mtimeNs: t0 + 1n },
      { ctimeNs: t0 + 8n },
    ])
      expect(
        sameFile(file, { ...file, ...change }),
        JSON.stringify(change, (_k, v) => String(v)),
      ).toBe(false);
  });
});

describe('racy window', () => {
  it('settles a file whose newer stamp is more than two seconds before it was seen', () => {
    expect(settled(file, file.ctimeNs + racyWindowNs + 1n)).toBe(true);
    expect(settled(file, later)).toBe(true);
  });

  it('treats a tie with the window edge as racy, and anything inside it', () => {
    expect(settled(file, file.ctimeNs + racyWindowNs)).toBe(false);
    expect(settled(file, file.ctimeNs + s)).toBe(false);
    expect(settled(file, file.ctimeNs)).toBe(false);
  });

  it('goes by the newer of mtime and ctime: a recent chmod or a recent write alike', () => {
    expect(settled({ ...file, ctimeNs: later - s }, later)).toBe(false);
    expect(settled({ ...file, mtimeNs: later - s }, later)).toBe(false);
  });

  it('never settles a file stamped in the future (a clock set back)', () => {
    expect(settled({ ...file, mtimeNs: later + s }, later)).toBe(false);
  });
});

describe('a whole read', () => {
  it('is unchanged when the identity after the last read is the one at open and every byte was read', () => {
    expect(readUnchanged(read())).toBe(true);
  });

  it('is changed by a new ctime (same size, same mtime: e.g. mtime set back after a write)', () => {
    expect(readUnchanged(read({ after: { ...file, ctimeNs: file.ctimeNs + 1n } }))).toBe(false);
  });

  it('is changed by a size change, and proves nothing if cut or short', () => {
    expect(readUnchanged(read({ after: { ...file, size: file.size + 1n } }))).toBe(false);
    expect(readUnchanged(read({ after: undefined }))).toBe(false);
    expect(readUnchanged(read({ readBytes: Number(file.size) - 1 }))).toBe(false);
  });

  it('is remembered only when unchanged, settled, and the hash covered every byte read', () => {
    const bytes = Number(file.size);
    expect(worthRemembering(read(), bytes)).toBe(true);
    expect(worthRemembering(read(), bytes - 1)).toBe(false);
    expect(worthRemembering(read({ seenAtNs: file.ctimeNs + racyWindowNs }), bytes)).toBe(false);
    expect(worthRemembering(read({ after: { ...file, mtimeNs: t0 + s } }), bytes)).toBe(false);
    expect(worthRemembering(read({ after: undefined }), bytes)).toBe(false);
  });
});

describe('digest cache', () => {
  it('answers only for the exact identity; a newer version of the file replaces the older entry', () => {
    const c = new DigestCache();
    c.set(file, 'aa');
    expect(c.get({ ...file })).toBe('aa');
    const rewritten = { ...file, mtimeNs: later, ctimeNs: later };
    expect(c.get(rewritten)).toBeUndefined();
    c.set(rewritten, 'bb');
    expect(c.size).toBe(1);
    expect(c.get(file)).toBeUndefined();
    expect(c.get(rewritten)).toBe('bb');
  });

  it('keeps two files with identical size and stamps apart (another inode)', () => {
    const c = new DigestCache();
    const twin = { ...file, ino: file.ino + 1n };
    c.set(file, 'aa');
    c.set(twin, 'bb');
    expect([c.get(file), c.get(twin)]).toEqual(['aa', 'bb']);
  });

  it('evicts the least recently used entry beyond its capacity', () => {
    const c = new DigestCache(2);
    const f = (ino: bigint) => ({ ...file, ino });
    c.set(f(1n), 'one');
    c.set(f(2n), 'two');
    expect(c.get(f(1n))).toBe('one'); // 1 is now the most recent
    c.set(f(3n), 'three');
    expect(c.size).toBe(2);
    expect([c.get(f(1n)), c.get(f(2n)), c.get(f(3n))]).toEqual(['one', undefined, 'three']);
  });

  it('forgets a file on drop, whatever version it held', () => {
    const c = new DigestCache();
    c.set(file, 'aa');
    c.drop({ ...file, size: 1n });
    expect(c.get(file)).toBeUndefined();
  });
});
