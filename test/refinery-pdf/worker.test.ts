import { readFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '../../src/refinery/document/index.js';
import { ParsePool, parseInWorker } from '../../src/refinery/parse/worker/index.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/pdf/${name}`, import.meta.url)));
const source = (uri: string, format = 'pdf', bytes = 0): SourceInfo => ({ uri, format, sha256: '', bytes });
const stubs = new URL('./stub-parsers.ts', import.meta.url).href;
const limits = { timeoutMs: 20_000, maxOldGenerationSizeMb: 256 };

describe('parseInWorker', () => {
  it('parses a Japanese PDF in a worker thread and returns the Document', async () => {
    const bytes = fixture('procedure.pdf');
    const doc = await parseInWorker(bytes, source('procedure.pdf', 'pdf', bytes.length), limits);
    expect(doc.metadata.pages).toBe(3);
    expect(doc.blocks.filter((b) => b.kind === 'step').map((b) => b.text)).toContain(
      '② 吐出弁と吸込弁を閉じる。',
    );
    expect(bytes.byteLength).toBeGreaterThan(0); // the caller's buffer was not transferred away
  });

  it('turns a parser that never returns into parse.timeout and stops it', async () => {
    const started = Date.now();
    const parsing = parseInWorker(new Uint8Array([1]), source('loop.bin', 'hang'), {
      timeoutMs: 1_500,
      maxOldGenerationSizeMb: 64,
      parsers: { hang: { module: stubs, export: 'hangingParser' } },
    });
    await expect(parsing).rejects.toMatchObject({ code: 'parse.timeout', kind: 'invalid' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('turns a parser that exhausts its heap into parse.out-of-memory', async () => {
    const parsing = parseInWorker(new Uint8Array([1]), source('bomb.bin', 'hog'), {
      timeoutMs: 50_000,
      maxOldGenerationSizeMb: 48,
      parsers: { hog: { module: stubs, export: 'hungryParser' } },
    });
    await expect(parsing).rejects.toMatchObject({ code: 'parse.out-of-memory', kind: 'invalid' });
  });

  it('keeps the typed error of the parser across the thread boundary', async () => {
    const bytes = fixture('encrypted.pdf');
    await expect(parseInWorker(bytes, source('encrypted.pdf'), limits)).rejects.toMatchObject({
      code: 'parse.encrypted',
      message: expect.stringContaining('password'),
    });
  });
});

describe('ParsePool', () => {
  it('parses several files on two workers and survives a worker killed by a timeout', async () => {
    const pool = new ParsePool({
      ...limits,
      size: 2,
      parsers: { hang: { module: stubs, export: 'hangingParser' } },
    });
    try {
      const names = ['procedure.pdf', 'two-column.pdf', 'table.pdf'];
      const hung = pool
        .parse(new Uint8Array([1]), source('loop.bin', 'hang'), { timeoutMs: 1_500 })
        .catch((e) => e);
      const docs = await Promise.all(names.map((n) => pool.parse(fixture(n), source(n))));
      expect(docs.map((d) => d.metadata.pages)).toEqual([3, 1, 1]);
      expect(await hung).toMatchObject({ code: 'parse.timeout' });
      const after = await pool.parse(fixture('table.pdf'), source('table.pdf'));
      expect(after.blocks.some((b) => b.kind === 'table')).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('runs an after-parse step in the worker and returns its result with the Document', async () => {
    const pool = new ParsePool({ ...limits, size: 1 });
    try {
      const bytes = fixture('procedure.pdf');
      const step = { module: stubs, export: 'describeInWorker', options: { tag: '手順' } };
      const parsed = await pool.parseThen<{ blocks: number; tag: string; threadId: number }>(
        bytes,
        source('procedure.pdf', 'pdf', bytes.length),
        step,
      );
      expect(parsed.extra).toEqual({
        blocks: parsed.document.blocks.length,
        tag: '手順',
        threadId: expect.any(Number),
      });
      expect(parsed.extra.threadId).not.toBe(threadId);
      const failing = pool.parseThen(bytes, source('procedure.pdf'), {
        module: stubs,
        export: 'failingStep',
      });
      await expect(failing).rejects.toMatchObject({ message: expect.stringContaining('step refused') });
      // The worker survives a failing step.
      expect((await pool.parse(bytes, source('procedure.pdf'))).metadata.pages).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('refuses limits that are not positive', () => {
    expect(() => new ParsePool({ timeoutMs: 0, maxOldGenerationSizeMb: 64 })).toThrow(/positive/);
  });
});
