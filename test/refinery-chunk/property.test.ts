import { describe, expect, it } from 'vitest';
import { chunkByStructure } from '../../src/refinery/chunk/index.js';
import { pumpManual } from './fixtures.js';
import { generateDocument } from './generator.js';
import { characters, checkChunks, utf8 } from './properties.js';

describe('chunkByStructure over random Japanese/English documents', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
  for (const [name, measure] of [
    ['characters', characters],
    ['UTF-8 bytes', utf8],
  ] as const) {
    it(`keeps every chunk within budget, covers every block once in order, and cuts only at sentence ends (${name})`, () => {
      let chunkCount = 0;
      for (const seed of seeds) {
        const { doc, procedures } = generateDocument(seed);
        for (const size of [120, 200, 400, 1000])
          chunkCount += checkChunks(doc, procedures, size, measure).length;
      }
      expect(chunkCount).toBeGreaterThan(1000);
    });
  }

  it('gives identical ids when the same document is chunked again, and distinct ids within a document', () => {
    for (const seed of seeds.slice(0, 10)) {
      const first = chunkByStructure(generateDocument(seed).doc, { size: 300 });
      const again = chunkByStructure(generateDocument(seed).doc, { size: 300 });
      expect(again.map((c) => c.id)).toEqual(first.map((c) => c.id));
      expect(new Set(first.map((c) => c.id)).size).toBe(first.length);
    }
  });

  it('repeats only a suffix of the previous chunk as overlap, within the overlap budget', () => {
    for (const seed of seeds.slice(0, 10)) {
      const chunks = chunkByStructure(generateDocument(seed).doc, { size: 200, overlap: 40 });
      let overlapped = 0;
      chunks.forEach((chunk, i) => {
        expect(chunk.text.length).toBeLessThanOrEqual(200);
        if (chunk.overlap === 0) return;
        overlapped++;
        expect(chunk.overlap).toBeLessThanOrEqual(40);
        expect(chunks[i - 1]!.text.endsWith(chunk.text.slice(0, chunk.overlap))).toBe(true);
      });
      if (seed === 1) expect(overlapped).toBeGreaterThan(0);
    }
  });

  it('holds the same properties on the hand-written pump manual fixture', () => {
    const doc = pumpManual();
    const procedure = doc.blocks
      .filter((b) => ['b2', 'b3', 'b4', 'b5', 'b6', 'b7'].includes(b.id))
      .map((b) => b.id);
    for (const size of [60, 120, 1000]) checkChunks(doc, [procedure], size, characters);
  });
});
