/**
 * Opens a PDF with pdfjs-dist's legacy (Node) build. The CMap and standard-font directories must be
 * passed explicitly, or Japanese text comes out empty or garbled; fonts go to an inert document (no glyph
 * is ever drawn) and no code is evaluated, so parsing needs no DOM and runs inside a worker thread.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PdfCorrupt, PdfEmpty, PdfEncrypted } from './errors.js';
import { getDocument, inertFontDocument, inThreadWorker, type PDFDocumentProxy } from './pdfjs.js';

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const cMapUrl = join(pdfjsRoot, 'cmaps') + '/';
const standardFontDataUrl = join(pdfjsRoot, 'standard_fonts') + '/';

export interface OpenOptions {
  /**
   * Images of more pixels than this are left out of operator lists, so pdf.js never decodes them (a JPEG or
   * Flate image decoded for nothing is most of an operator list's cost here: pixels are never looked at).
   * Left out: every image is kept.
   */
  readonly maxImagePixels?: number;
}

/** Opens the bytes as a PDF or throws a typed `parse.*` error with one readable message. */
export async function openPdf(
  bytes: Uint8Array,
  uri: string,
  options: OpenOptions = {},
): Promise<PDFDocumentProxy> {
  if (bytes.length === 0) throw new PdfEmpty(uri);
  const verbosity = 0;
  const halves = inThreadWorker(verbosity);
  // pdfjs transfers (detaches) the buffer it is given: hand it a copy so the caller's bytes stay usable.
  const task = getDocument({
    worker: halves.worker,
    data: bytes.slice(),
    cMapUrl,
    cMapPacked: true,
    standardFontDataUrl,
    disableFontFace: false,
    ownerDocument: inertFontDocument as never,
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity,
    // with errors ignored (the default), a larger image is dropped with a warning instead of failing the page
    ...(options.maxImagePixels === undefined ? {} : { maxImageSize: options.maxImagePixels }),
  });
  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy().catch(() => undefined);
    halves.close();
    throw openError(e, uri);
  }
  // A worker handed to getDocument outlives the document unless closed with it.
  const destroy = doc.destroy.bind(doc);
  doc.destroy = async () => {
    try {
      await destroy();
    } finally {
      halves.close();
    }
  };
  if (doc.numPages === 0) {
    await doc.destroy();
    throw new PdfEmpty(uri);
  }
  return doc;
}

function openError(e: unknown, uri: string): Error {
  const name = e instanceof Error ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'PasswordException') return new PdfEncrypted(uri, { cause: e });
  if (/size is zero|empty/i.test(message)) return new PdfEmpty(uri);
  return new PdfCorrupt(uri, message.replace(/\.$/, ''), { cause: e });
}
