/**
 * The one place pdfjs-dist is loaded. Its legacy (Node) build bundles core-js, which on Node 20 replaces
 * `Array.prototype.push` and `JSON.parse`/`JSON.stringify` for the whole process with JavaScript
 * versions (for spec corner cases nothing here relies on): every `push` in the parser, the chunker and
 * kuromoji then ran several times slower. The natives are kept before pdfjs loads and put back after;
 * the polyfills that only add what Node 20 lacks (Promise.withResolvers, Uint8Array.fromBase64 …) stay.
 * Loading the worker module here too (pdfjs's in-thread "fake worker" would import it on first use and
 * polyfill again) means no later import can undo the restore.
 */
const natives = {
  push: Array.prototype.push,
  parse: JSON.parse,
  stringify: JSON.stringify,
};

// Dynamic imports, so the natives above are read before pdfjs's modules are evaluated.
const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
// (The worker module ships no type declarations: imported for its side effect, globalThis.pdfjsWorker.)
const workerModule: string = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
await import(workerModule);

restore(Array.prototype, 'push', natives.push);
restore(JSON, 'parse', natives.parse);
restore(JSON, 'stringify', natives.stringify);

function restore<T extends object, K extends keyof T>(owner: T, key: K, value: T[K]): void {
  if (owner[key] !== value) {
    Object.defineProperty(owner, key, { value, writable: true, configurable: true, enumerable: false });
  }
}

/**
 * Where pdfjs "installs" the fonts it loads, so it need not draw glyphs itself. With `disableFontFace`
 * (the Node default) its worker compiles every glyph it meets into a path and posts it over — a fifth of
 * the parse, for pictures nobody renders here. With fonts "installed" into this inert document instead,
 * text, fonts and operators come out the same (checked on the manufacturing PDFs) and nothing is drawn.
 */
export const inertFontDocument = { fonts: { add() {}, delete() {} } };

// pdfjs makes a FontFace per font for that document; Node has none, and an inert one is all it needs.
const scope = globalThis as { FontFace?: unknown };
scope.FontFace ??= class InertFontFace {
  readonly loaded: Promise<this> = Promise.resolve(this);
  constructor(readonly family: string) {}
};

export const { getDocument, OPS } = pdfjs;

type Listener = (event: { data: unknown }) => void;

/**
 * In Node, pdf.js runs its "worker" half in the calling thread, and its port structured-clones every
 * message between the halves: each operator list (every glyph object of every string shown) and each
 * text-content batch was serialised and rebuilt without ever leaving the thread (6–8 % of pdf.js's CPU on
 * the 12 manufacturing PDFs once warm). This port hands the message itself over. The sender does change two things right after posting
 * (an operator-list batch's arrays are emptied, a text-content batch's items and styles replaced), so the
 * message is copied three levels deep — message, batch, the batch's arrays — and nothing deeper (op
 * arguments, text items, glyphs and path buffers are made afresh for each message and never changed).
 * Documents of the manufacturing PDFs and every PDF fixture come out identical.
 */
class InThreadPort {
  readonly #listeners = new Set<Listener>();
  readonly #delivered = Promise.resolve();

  postMessage(message: unknown): void {
    const event = { data: handOver(message, 3) };
    // Delivered after the current job, in posting order, as a port between threads would.
    void this.#delivered.then(() => {
      for (const listener of this.#listeners) listener.call(this, event);
    });
  }

  addEventListener(_type: string, listener: Listener, options?: { signal?: AbortSignal }): void {
    if (options?.signal?.aborted) return;
    this.#listeners.add(listener);
    options?.signal?.addEventListener('abort', () => this.#listeners.delete(listener), { once: true });
  }

  removeEventListener(_type: string, listener: Listener): void {
    this.#listeners.delete(listener);
  }

  terminate(): void {
    this.#listeners.clear();
  }
}

/** Plain objects and arrays copied `depth` levels down; class instances and typed arrays as they are. */
function handOver(value: unknown, depth: number): unknown {
  if (depth === 0 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => handOver(v, depth - 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = proto === null ? Object.create(null) : {};
  for (const [key, v] of Object.entries(value)) copy[key] = handOver(v, depth - 1);
  return copy;
}

// The worker module's entry point (set on globalThis when the module was imported above).
const { WorkerMessageHandler } = (
  globalThis as unknown as {
    pdfjsWorker: { WorkerMessageHandler: { initializeFromPort(port: unknown): void } };
  }
).pdfjsWorker;

/** A pdf.js worker for one document, both halves in this thread, joined by an `InThreadPort`. */
export function inThreadWorker(verbosity: number): {
  readonly worker: InstanceType<typeof pdfjs.PDFWorker>;
  close(): void;
} {
  const port = new InThreadPort();
  WorkerMessageHandler.initializeFromPort(port);
  // Typed as a DOM Worker; pdf.js only calls postMessage, addEventListener, removeEventListener on it.
  const worker = new pdfjs.PDFWorker({ port: port as unknown as PDFWorkerParameters['port'], verbosity });
  return {
    worker,
    close() {
      worker.destroy();
      port.terminate();
    },
  };
}
export type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

type PDFWorkerParameters = NonNullable<ConstructorParameters<typeof pdfjs.PDFWorker>[0]>;
