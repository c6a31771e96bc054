/**
 * A stand-in for the web `DecompressionStream`, for pdf.js in a parse worker. pdf.js hands each content stream,
 * font and image to a DecompressionStream when the global exists; Node's is built on web streams, whose cost per
 * object exceeds the inflating, and without one pdf.js inflates in JavaScript. This one takes the whole input and
 * inflates it at `close` with Node's native zlib in one call: only the shape pdf.js uses (a writer that is ready,
 * writes and closes; a readable iterated with `for await`). A bad stream fails the iteration, as the web one
 * does, and pdf.js then falls back to its own inflate.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

type Format = 'deflate' | 'deflate-raw' | 'gzip' | 'brotli';

const inflaters: Readonly<Record<Format, (b: Uint8Array) => Buffer>> = {
  deflate: inflateSync,
  'deflate-raw': inflateRawSync,
  gzip: gunzipSync,
  brotli: brotliDecompressSync,
};

export class NativeDecompressionStream {
  readonly writable: { getWriter(): Writer };
  readonly readable: AsyncIterable<Uint8Array>;

  constructor(format: string) {
    const inflate = inflaters[format as Format];
    if (!inflate) throw new TypeError(`unsupported compression format: ${format}`);
    const parts: Uint8Array[] = [];
    let settle!: (out: Promise<Uint8Array>) => void;
    const output = new Promise<Promise<Uint8Array>>((resolve) => {
      settle = resolve;
    });
    const writer: Writer = {
      ready: Promise.resolve(),
      write: async (chunk) => {
        parts.push(chunk);
      },
      close: async () => {
        try {
          settle(Promise.resolve(inflate(parts.length === 1 ? parts[0]! : Buffer.concat(parts))));
        } catch (e) {
          settle(Promise.reject(e));
        }
      },
    };
    this.writable = { getWriter: () => writer };
    this.readable = {
      async *[Symbol.asyncIterator]() {
        const out = await await output;
        if (out.byteLength > 0) yield new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      },
    };
  }
}

interface Writer {
  readonly ready: Promise<void>;
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/**
 * Makes pdf.js in this thread inflate through `NativeDecompressionStream` (it looks the global up at each
 * stream); returns what puts the previous one back.
 */
export function useNativeInflate(): () => void {
  const g = globalThis as { DecompressionStream?: unknown };
  const previous = g.DecompressionStream;
  g.DecompressionStream = NativeDecompressionStream;
  return () => {
    g.DecompressionStream = previous;
  };
}
