import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readDictionaryFile } from './dictionary-cache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-dict-'));
  dirs.push(dir);
  const inflated = Buffer.from('形態素解析の辞書'.repeat(1000));
  const file = join(dir, 'base.dat.gz');
  writeFileSync(file, gzipSync(inflated));
  return { file, inflated, cacheDir: join(dir, 'cache'), cached: join(dir, 'cache', 'base.dat') };
}

const text = (b: ArrayBuffer) => Buffer.from(b).toString();

describe('readDictionaryFile', () => {
  it('inflates the gzip, keeps the result in the cache and reads it from there next time', async () => {
    const { file, inflated, cacheDir, cached } = fixture();
    expect(text(await readDictionaryFile(file, cacheDir))).toBe(inflated.toString());
    expect(readFileSync(cached).equals(inflated)).toBe(true);
    // Same length, other bytes: only a read from the cache can return them.
    const marked = Buffer.from(inflated);
    marked.write('キャッシュ', 0);
    writeFileSync(cached, marked);
    expect(text(await readDictionaryFile(file, cacheDir))).toBe(marked.toString());
  });

  it('passes over a cache file of the wrong length and writes it again', async () => {
    const { file, inflated, cacheDir, cached } = fixture();
    await readDictionaryFile(file, cacheDir);
    writeFileSync(cached, inflated.subarray(0, 100));
    expect(text(await readDictionaryFile(file, cacheDir))).toBe(inflated.toString());
    expect(readFileSync(cached).length).toBe(inflated.length);
  });

  it('still reads the dictionary when the cache cannot be written', async () => {
    const { file, inflated } = fixture();
    const unwritable = join(file, 'not-a-directory');
    expect(text(await readDictionaryFile(file, unwritable))).toBe(inflated.toString());
    expect(text(await readDictionaryFile(file))).toBe(inflated.toString());
  });
});
