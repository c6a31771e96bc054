import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/refinery/document/index.js';
import { parseBytes } from '../../src/refinery/parse/index.js';
import { characters, checkChunks, proceduresOf, utf8 } from './properties.js';

// Every fixture the parsers are tested on that yields blocks (corrupt, encrypted and empty files are refused
// by the parser, scanned ones have no text layer).
const folders = ['test/fixtures/formats', 'test/fixtures/pdf'].map((f) => join(process.cwd(), f));
const files = folders.flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => !name.endsWith('.ts'))
    .map((name) => ({ dir, name })),
);

async function parsedFixtures(): Promise<Document[]> {
  const docs: Document[] = [];
  for (const { dir, name } of files) {
    const doc = await parseBytes(new Uint8Array(readFileSync(join(dir, name))), name).catch(() => undefined);
    if (doc && doc.blocks.length > 0) docs.push(doc);
  }
  return docs;
}

describe('chunkByStructure over every parsed fixture document', () => {
  it('keeps the budget, covers every block once in order, cuts at sentence ends and keeps procedures whole', async () => {
    const docs = await parsedFixtures();
    expect(docs.length).toBeGreaterThanOrEqual(12);
    expect(docs.some((d) => d.blocks.some((b) => b.kind === 'step'))).toBe(true);
    expect(docs.some((d) => d.blocks.some((b) => b.kind === 'table'))).toBe(true);
    let chunks = 0;
    for (const doc of docs) {
      const procedures = proceduresOf(doc);
      for (const size of [80, 150, 300, 1000]) {
        chunks += checkChunks(doc, procedures, size, characters).length;
        chunks += checkChunks(doc, procedures, size * 2, utf8).length;
      }
    }
    expect(chunks).toBeGreaterThan(100);
  });
});
