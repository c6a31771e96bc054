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
export type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
