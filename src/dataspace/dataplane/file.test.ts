import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSource } from './file.js';
import type { SourceResponse } from './source.js';

const content = Buffer.from(
  '品番,数量\n'.concat(Array.from({ length: 600 }, (_, i) => `ボルト-${i},${i}\n`).join('')),
);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const closed = (body: Readable) =>
  body.closed ? Promise.resolve() : new Promise<void>((resolve) => body.once('close', () => resolve()));
/** Descriptors this process holds open (Linux). */
const openFds = () => readdirSync('/proc/self/fd').length;

/** Reads a body to its end with 'data' events, as the data plane's pipe does. */
function drain(body: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: Buffer) => chunks.push(c));
    body.once('end', () => resolve(Buffer.concat(chunks)));
    body.once('error', reject);
  });
}

describe('file source: whole reads and remembered digests', () => {
  let root: string;
  let path: string;
  // the wall clock the racy check reads: ten seconds ahead, so a file written by the test has settled
  let ahead = 10_000;
  const now = () => new Date(Date.now() + ahead);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'musubi-file-source-'));
    path = join(root, 'parts.csv');
    writeFileSync(path, content);
    ahead = 10_000;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const openWhole = (source: ReturnType<typeof fileSource>, chunk?: number) =>
    source
      .open({ type: 'File', path: 'parts.csv' }, { acceptGzip: false, signal: new AbortController().signal })
      .then((r: SourceResponse) => {
        if (!r.wholeFile) throw new Error(`no whole-file read (chunk ${chunk})`);
        return { body: r.body, whole: r.wholeFile };
      });

  async function hashedOnce(source: ReturnType<typeof fileSource>) {
    const first = await openWhole(source);
    expect(first.whole.knownSha256).toBeUndefined();
    const got = await drain(first.body);
    expect(await first.whole.unchanged).toBe(true);
    first.whole.remember(sha256(got), got.length);
  }

  it('remembers the digest of a settled file read whole, and offers it on the next open', async () => {
    const source = fileSource({ roots: [root], now });
    await hashedOnce(source);
    const second = await openWhole(source);
    expect(second.whole.knownSha256).toBe(sha256(content));
    expect(await drain(second.body)).toEqual(content);
    expect(await second.whole.unchanged).toBe(true);
  });

  it('does not remember a file written within two seconds of the read (racy), nor a digest over fewer bytes', async () => {
    ahead = 0;
    const racy = fileSource({ roots: [root], now });
    await hashedOnce(racy);
    expect((await openWhole(racy)).whole.knownSha256).toBeUndefined();

    ahead = 10_000;
    const short = fileSource({ roots: [root], now });
    const r = await openWhole(short);
    await drain(r.body);
    r.whole.remember(sha256(content), content.length - 1);
    await r.whole.unchanged;
    expect((await openWhole(short)).whole.knownSha256).toBeUndefined();
  });

  it('reports a file written during the read as changed, and forgets its digest', async () => {
    const source = fileSource({ roots: [root], now, chunkBytes: 1024 });
    await hashedOnce(source);
    const r = await openWhole(source, 1024);
    expect(r.whole.knownSha256).toBe(sha256(content));
    // one chunk taken; the stream buffers at most one more (1 KiB each) of the ~10 KiB file, so the end is unread
    const first = await new Promise<Buffer>((resolve) =>
      r.body.once('readable', () => resolve(r.body.read(1024))),
    );
    expect(first.length).toBe(1024);
    const h = await open(path, 'r+');
    await h.write(Buffer.from('改'), 0, 3, content.length - 4); // same size, other bytes
    await h.close();
    await drain(r.body);
    expect(await r.whole.unchanged).toBe(false);
    expect((await openWhole(source)).whole.knownSha256).toBeUndefined();
  });

  it('proves nothing for a read cut short; a cut or a whole read releases its descriptor', async () => {
    const source = fileSource({ roots: [root], now });
    const fds = openFds();
    const r = await openWhole(source);
    expect(openFds()).toBe(fds + 1);
    r.body.destroy();
    expect(await r.whole.unchanged).toBe(false);
    await r.whole.remember(sha256(content), content.length);
    await closed(r.body);
    expect(openFds()).toBe(fds);
    const whole = await openWhole(source);
    expect(whole.whole.knownSha256).toBeUndefined();
    await drain(whole.body);
    expect(await whole.whole.unchanged).toBe(true);
    await closed(whole.body);
    expect(openFds()).toBe(fds);
  });

  it('serves a range without a whole-file read', async () => {
    const source = fileSource({ roots: [root], now });
    const r = await source.open(
      { type: 'File', path: 'parts.csv' },
      { acceptGzip: false, range: { start: 3, end: 9 }, signal: new AbortController().signal },
    );
    expect(r.status).toBe(206);
    expect(r.wholeFile).toBeUndefined();
    expect(await drain(r.body)).toEqual(content.subarray(3, 10));
  });

  it('refuses a FIFO under a root, and nothing hangs', async () => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const source = fileSource({ roots: [root], now });
    await expect(
      source.open(
        { type: 'File', path: 'pipe' },
        { acceptGzip: false, signal: new AbortController().signal },
      ),
    ).rejects.toMatchObject({ code: 'source.file.not-a-file' });
  });
});
