import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NativeDecompressionStream } from './inflate-stream.js';

/** The way pdf.js drives a DecompressionStream (asyncGetBytesFromDecompressionStream). */
async function asPdfJsDoes(format: string, bytes: Uint8Array): Promise<Uint8Array> {
  const { readable, writable } = new NativeDecompressionStream(format);
  const writer = writable.getWriter();
  await writer.ready;
  writer
    .write(bytes)
    .then(async () => {
      await writer.ready;
      await writer.close();
    })
    .catch(() => {});
  const chunks: Uint8Array[] = [];
  for await (const chunk of readable) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

const text = Buffer.from('BT /F1 12 Tf (点検手順) Tj ET\n'.repeat(200));

describe('NativeDecompressionStream', () => {
  it.each([
    ['deflate', deflateSync],
    ['deflate-raw', deflateRawSync],
    ['gzip', gzipSync],
    ['brotli', brotliCompressSync],
  ] as const)('inflates %s as the web stream would', async (format, compress) => {
    expect(Buffer.from(await asPdfJsDoes(format, compress(text)))).toEqual(text);
  });

  it('fails the iteration on a corrupt or cut stream, so pdf.js falls back to its own inflate', async () => {
    const good = deflateSync(text);
    await expect(asPdfJsDoes('deflate', good.subarray(0, good.length - 10))).rejects.toThrow();
    await expect(asPdfJsDoes('deflate', new Uint8Array([1, 2, 3, 4]))).rejects.toThrow();
  });

  it('yields nothing for an empty result and refuses an unknown format', async () => {
    expect(await asPdfJsDoes('deflate', deflateSync(Buffer.alloc(0)))).toHaveLength(0);
    expect(() => new NativeDecompressionStream('lzw')).toThrow(TypeError);
  });
});
