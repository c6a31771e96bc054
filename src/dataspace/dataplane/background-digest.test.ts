import { createHash } from 'node:crypto';
import {
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackgroundDigests, type DigestOutcome, digestVerdict, settlesInMs } from './background-digest.js';
import { DigestCache, type FileIdentity, fileIdentity, racyWindowNs } from './digest-cache.js';
import { fileSource } from './file.js';
import { type HashFile, workerHasher } from './hash-worker.js';
import type { SourceAddress } from './source.js';

const content = Buffer.from(
  '品番,数量\n'.concat(Array.from({ length: 20_000 }, (_, i) => `ボルト-${i},${i}\n`).join('')),
);
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
/** Descriptors this process holds open on `path` (Linux). */
const openOn = (path: string) =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // closed while listed
    }
  }).length;
const identityOf = (path: string) => fileIdentity(statSync(path, { bigint: true }));

const file: FileIdentity = { dev: 1n, ino: 2n, size: 10n, mtimeNs: 5_000_000_000n, ctimeNs: 6_000_000_000n };

describe('background digest verdicts', () => {
  const read = (over: Partial<{ after: FileIdentity; seenAtNs: bigint; readBytes: number }>) => ({
    before: file,
    after: file,
    seenAtNs: file.ctimeNs + racyWindowNs + 1n,
    readBytes: 10,
    ...over,
  });

  it('remembers an unchanged, settled, whole read; calls a young file unsettled; anything else changed', () => {
    expect(digestVerdict(read({}), 10)).toBe('remembered');
    expect(digestVerdict(read({ seenAtNs: file.ctimeNs + racyWindowNs }), 10)).toBe('unsettled');
    expect(digestVerdict(read({ after: { ...file, ctimeNs: file.ctimeNs + 1n } }), 10)).toBe('changed');
    expect(digestVerdict(read({ readBytes: 9 }), 9)).toBe('changed');
    expect(digestVerdict(read({}), 9)).toBe('changed');
  });

  it('waits until both stamps are older than the window, never longer than the window and a margin', () => {
    expect(settlesInMs(file, file.ctimeNs)).toBe(2001);
    expect(settlesInMs(file, file.ctimeNs + racyWindowNs + 1n)).toBe(0);
    expect(settlesInMs(file, file.ctimeNs - 60_000_000_000n)).toBe(2100); // a stamp in the future: capped
  });
});

describe('background digests of files (real files, the real worker)', () => {
  let root: string;
  let path: string;
  let ahead: number;
  const nowNs = () => BigInt(Date.now() + ahead) * 1_000_000n;
  const hasher = workerHasher(64 * 1024);
  let digests: DigestCache;
  let outcomes: DigestOutcome[];

  afterAll(() => hasher.close());

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'musubi-background-digest-'));
    path = join(root, 'parts.csv');
    writeFileSync(path, content);
    ahead = 10_000; // the file was written "ten seconds ago": settled
    digests = new DigestCache();
    outcomes = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function digester(hash: HashFile = hasher.hash, queueBound?: number) {
    const files = fileSource({ roots: [root], now: () => new Date(Date.now() + ahead), digests });
    const background = new BackgroundDigests({
      open: (a) => files.openForDigest(a),
      hash,
      digests,
      nowNs,
      onOutcome: (_a, o) => outcomes.push(o),
      ...(queueBound ? { queueBound } : {}),
    });
    const openWhole = () =>
      files.open(
        { type: 'File', path: 'parts.csv' },
        { acceptGzip: false, signal: new AbortController().signal },
      );
    return { background, files, openWhole };
  }

  it('remembers the digest under the identity fstat gave, so the first open offers it; closes its descriptors', async () => {
    const { background, openWhole } = digester();
    expect(background.enqueue({ type: 'File', path: 'parts.csv' })).toBe(true);
    await background.idle();
    expect(outcomes).toEqual(['remembered']);
    expect(digests.get(identityOf(path))).toBe(sha256(content));
    expect(openOn(path)).toBe(0);
    const first = await openWhole();
    expect(first.wholeFile?.knownSha256).toBe(sha256(content));
    first.body.destroy();
  });

  it('also digests the .gz sibling a gzip pull is served, and does not hash a known version again', async () => {
    const gz = Buffer.from('gzip の中身');
    writeFileSync(`${path}.gz`, gz);
    const { background } = digester();
    background.enqueue({ type: 'File', path: 'parts.csv' });
    await background.idle();
    expect(digests.get(identityOf(`${path}.gz`))).toBe(sha256(gz));
    background.enqueue({ type: 'File', path: 'parts.csv' });
    await background.idle();
    expect(outcomes).toEqual(['remembered', 'remembered', 'known', 'known']);
  });

  it('remembers nothing for a file changed while it was hashed', async () => {
    const old = identityOf(path);
    // the change lands after the open and its fstat, before the worker's last read: what "during" means here
    const changing: HashFile = async (fd, size) => {
      const h = await open(path, 'r+');
      await h.write(Buffer.from('改'), 0, 3, 0); // same size, other bytes
      await h.close();
      return hasher.hash(fd, size);
    };
    const b = digester(changing).background;
    b.enqueue({ type: 'File', path: 'parts.csv' });
    await b.idle();
    expect(outcomes).toEqual(['changed']);
    expect(digests.get(old)).toBeUndefined();
    expect(digests.get(identityOf(path))).toBeUndefined();
    expect(digests.size).toBe(0);
  });

  it('a file rewritten since its digest was remembered gets the new digest when queued again', async () => {
    const { background } = digester();
    background.enqueue({ type: 'File', path: 'parts.csv' });
    await background.idle();
    const rewritten = content.toString().replaceAll('ボルト', 'ナット');
    writeFileSync(path, rewritten);
    background.enqueue({ type: 'File', path: 'parts.csv' });
    await background.idle();
    expect(outcomes).toEqual(['remembered', 'remembered']);
    expect(digests.get(identityOf(path))).toBe(sha256(rewritten));
    expect(digests.size).toBe(1); // one entry per file: the old version's is gone
  });

  it('tries a file written too recently again once it has settled, on the same clock', async () => {
    ahead = 0; // the file was written just now
    const { background } = digester();
    background.enqueue({ type: 'File', path: 'parts.csv' });
    await background.idle(); // includes the wait for the file to settle (at most the racy window)
    expect(outcomes).toEqual(['unsettled', 'remembered']);
    expect(digests.get(identityOf(path))).toBe(sha256(content));
  }, 10_000);

  it('skips a missing file, one outside the roots, a link leading outside, and a directory; the queue goes on', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'musubi-outside-'));
    try {
      writeFileSync(join(outside, 'secret.csv'), 'machine-only');
      symlinkSync(join(outside, 'secret.csv'), join(root, 'link.csv'));
      const { background } = digester();
      const addresses: SourceAddress[] = [
        { type: 'File', path: 'missing.csv' },
        { type: 'File', path: join(outside, 'secret.csv') },
        { type: 'File', path: 'link.csv' },
        { type: 'File', path: '.' },
        { type: 'File', path: 42 },
        { type: 'File', path: 'parts.csv' },
      ];
      for (const a of addresses) expect(background.enqueue(a)).toBe(true);
      await background.idle();
      expect(outcomes).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'remembered']);
      expect(digests.size).toBe(1);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('bounds the queue, collapses duplicates, and refuses work once closed', async () => {
    const { background } = digester(hasher.hash, 2);
    // the first is taken by the runner at once; two more fill the queue
    expect(background.enqueue({ type: 'File', path: 'a' })).toBe(true);
    expect(background.enqueue({ type: 'File', path: 'b' })).toBe(true);
    expect(background.enqueue({ type: 'File', path: 'b' })).toBe(true);
    expect(background.enqueue({ type: 'File', path: 'c' })).toBe(true);
    expect(background.enqueue({ type: 'File', path: 'd' })).toBe(false);
    await background.idle();
    expect(outcomes).toEqual(['skipped', 'skipped', 'skipped']);
    background.close();
    expect(background.enqueue({ type: 'File', path: 'parts.csv' })).toBe(false);
  });

  it('a hash cut by the worker ending is a failure, remembered nowhere, its descriptor closed', async () => {
    const own = workerHasher();
    const { background } = digester((fd, size) => {
      const hashing = own.hash(fd, size);
      void own.close(); // the node closing while a file is in hand
      return hashing;
    });
    background.enqueue({ type: 'File', path: 'parts.csv' });
    await background.idle();
    expect(outcomes).toEqual(['failed']);
    expect(digests.size).toBe(0);
    expect(openOn(path)).toBe(0);
  });
});
