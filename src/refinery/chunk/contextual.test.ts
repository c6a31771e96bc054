import { describe, expect, it } from 'vitest';
import { pumpManual } from '../../../test/refinery-chunk/fixtures.js';
import { chunkContent } from './chunk.js';
import { contextCacheKey, contextualise, memoryContextCache } from './contextual.js';
import { ContextUnavailable } from './errors.js';
import { chunkByStructure } from './structure.js';

describe('contextualise', () => {
  it('asks the model once per chunk with the whole document and the chunk, and prepends the answer', async () => {
    const doc = pumpManual();
    const chunks = chunkByStructure(doc, { size: 200 });
    const prompts: string[] = [];
    const complete = async (prompt: string) => {
      prompts.push(prompt);
      return `  この部分は${prompts.length}番目の説明です。\n補足。 `;
    };
    const out = await contextualise(chunks, doc, { complete, concurrency: 2 });
    expect(prompts).toHaveLength(chunks.length);
    expect(prompts[0]).toContain('本書は遠心ポンプＰ－１０１の保守手順を定める。');
    expect(prompts[0]).toContain('| 振動 | 4.5mm/s以下 | 毎月 |');
    expect(out.map((c) => c.id)).toEqual(chunks.map((c) => c.id));
    for (const c of out) expect(c.situatedContext).toMatch(/^この部分は\d番目の説明です。 補足。$/);
    expect(chunkContent(out[0]!)).toBe(`${out[0]!.context}\n\n${out[0]!.situatedContext}\n\n${out[0]!.text}`);
  });

  it('reuses cached contexts for an unchanged document and asks again when the file changes', async () => {
    const doc = pumpManual();
    const chunks = chunkByStructure(doc, { size: 200 });
    const cache = memoryContextCache();
    let calls = 0;
    const complete = async () => `文脈${++calls}`;
    const first = await contextualise(chunks, doc, { complete, cache });
    const again = await contextualise(chunks, doc, { complete, cache });
    expect(calls).toBe(chunks.length);
    expect(again.map((c) => c.situatedContext)).toEqual(first.map((c) => c.situatedContext));
    const changed = { ...doc, source: { ...doc.source, sha256: 'c'.repeat(64) } };
    expect(contextCacheKey(changed, chunks[0]!)).not.toBe(contextCacheKey(doc, chunks[0]!));
    await contextualise(chunkByStructure(changed, { size: 200 }), changed, { complete, cache });
    expect(calls).toBe(2 * chunks.length);
  });

  it('fails with a typed unavailable error naming the chunk when the model call fails', async () => {
    const doc = pumpManual();
    const chunks = chunkByStructure(doc, { size: 200 });
    const complete = async (): Promise<string> => {
      throw new Error('connection refused');
    };
    const failure = contextualise(chunks, doc, { complete });
    await expect(failure).rejects.toBeInstanceOf(ContextUnavailable);
    await expect(failure).rejects.toMatchObject({ kind: 'unavailable', code: 'chunk.context-unavailable' });
  });
});
