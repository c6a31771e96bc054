import { Document as LangChainDocument } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import { pumpManual } from '../../../test/refinery-chunk/fixtures.js';
import { chunkByStructure } from '../chunk/index.js';
import { type ChunkRecord, toJsonl } from './jsonl.js';

function records(size = 120): ChunkRecord[] {
  return toJsonl(chunkByStructure(pumpManual(), { size }))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as ChunkRecord);
}

/**
 * What LlamaIndex's TextNode reads from a record (schema.py / node.ts): `id_` and `text` strings, a metadata
 * object, optional integer char indices and string-array exclusion lists. Anything else is ignored.
 */
function asLlamaIndexTextNode(record: Record<string, unknown>) {
  const { id_, text, metadata, start_char_idx, end_char_idx } = record;
  if (typeof id_ !== 'string' || typeof text !== 'string')
    throw new Error('TextNode needs id_ and text strings');
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw new Error('metadata');
  for (const idx of [start_char_idx, end_char_idx]) {
    if (idx !== undefined && !Number.isInteger(idx)) throw new Error('char idx must be an integer');
  }
  for (const key of ['excluded_embed_metadata_keys', 'excluded_llm_metadata_keys']) {
    const keys = record[key];
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || !(k in metadata)))
      throw new Error(key);
  }
  return { id_, text, metadata: metadata as Record<string, unknown> };
}

describe('toJsonl', () => {
  it('writes one record per chunk per line that loads as a LangChain Document', () => {
    const chunks = chunkByStructure(pumpManual(), { size: 120 });
    const lines = toJsonl(chunks).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(chunks.length + 1);
    const doc = new LangChainDocument(JSON.parse(lines[1]!));
    expect(doc.id).toBe(chunks[1]!.id);
    expect(doc.pageContent).toBe(`${chunks[1]!.context}\n\n${chunks[1]!.text}`);
    expect(doc.metadata['source']).toBe('manuals/pump-p101.md');
    expect(doc.metadata['heading_path']).toEqual(['第2章 分解手順']);
  });

  it('writes records that satisfy what a LlamaIndex TextNode reads, with the same id and text', () => {
    for (const record of records()) {
      const node = asLlamaIndexTextNode(record as unknown as Record<string, unknown>);
      expect(node.id_).toBe(record.id);
      expect(node.text).toBe(record.pageContent);
      expect(record.start_char_idx).toBe(record.metadata.span_start);
    }
  });

  it('lets the display text be recovered from text_start and keeps metadata flat', () => {
    const chunks = chunkByStructure(pumpManual(), { size: 120 });
    records().forEach((record, i) => {
      expect(record.text.slice(record.metadata.text_start)).toBe(chunks[i]!.text);
      for (const value of Object.values(record.metadata)) {
        const flat =
          ['string', 'number'].includes(typeof value) ||
          (Array.isArray(value) && value.every((v) => typeof v === 'string'));
        expect(flat, JSON.stringify(value)).toBe(true);
      }
    });
    expect(records()[0]!.metadata).toMatchObject({
      page_start: 1,
      page_end: 1,
      kinds: ['heading', 'paragraph'],
    });
  });
});
