/**
 * From a file to a Document: pick the parser for a format, or detect the format and parse in one call.
 */
import { createHash } from 'node:crypto';
import type { Document, Parser, SourceInfo } from '../document/index.js';
import { defaultZipLimits, type ZipLimits } from './archive.js';
import { parseCsv, parseTsv } from './csv.js';
import { detectFormat, type Format, formats } from './detect.js';
import { UnsupportedFormat } from './errors.js';
import { legacyParser } from './legacy.js';
import type { PictureDeps } from './office-pictures.js';
import type { PdfParserDeps } from './pdf/index.js';
import { parseText } from './text.js';

export interface ParseOptions {
  /** Limits checked before any zip entry is inflated (DOCX/XLSX/PPTX). */
  readonly zipLimits?: ZipLimits;
  /** Path of LibreOffice's `soffice` for .doc/.xls/.ppt; see `findSoffice`. Without it they are refused. */
  readonly soffice?: string;
  /** PDF parser dependencies (OCR). */
  readonly pdf?: PdfParserDeps;
  /** OCR of the text in DOCX and PPTX pictures; left out, tesseract when installed. */
  readonly pictures?: PictureDeps;
}

/** The parser for a format name; `parse.unsupported` for anything else. */
export function parserFor(format: string, options: ParseOptions = {}): Parser {
  const limits = options.zipLimits ?? defaultZipLimits;
  const docx = lazy(() => import('./docx.js').then((m) => m.docxParser(limits, options.pictures)));
  const xlsx = lazy(() => import('./xlsx.js').then((m) => m.xlsxParser(limits)));
  const pptx = lazy(() => import('./pptx.js').then((m) => m.pptxParser(limits, options.pictures)));
  switch (format as Format) {
    case 'pdf':
      return lazy(() => import('./pdf/index.js').then((pdf) => pdf.createPdfParser(options.pdf)));
    case 'docx':
      return docx;
    case 'xlsx':
      return xlsx;
    case 'pptx':
      return pptx;
    case 'html':
      return lazy(() => import('./html.js').then((m) => m.parseHtml));
    case 'markdown':
      return lazy(() => import('./markdown.js').then((m) => m.parseMarkdown));
    case 'csv':
      return parseCsv;
    case 'tsv':
      return parseTsv;
    case 'text':
      return parseText;
    case 'doc':
      return legacyParser('doc', docx, options);
    case 'xls':
      return legacyParser('xls', xlsx, options);
    case 'ppt':
      return legacyParser('ppt', pptx, options);
    default:
      throw new UnsupportedFormat(`unsupported format: ${format} (known: ${formats.join(', ')})`, { format });
  }
}

/**
 * A parser whose module is loaded on its first file. pdfjs, exceljs and the Markdown and HTML parsers
 * take from a tenth to half a second each to load: a parse worker that only ever sees PDFs (or the CLI
 * refining Markdown) loads none of the others.
 */
function lazy(load: () => Promise<Parser>): Parser {
  let parser: Promise<Parser> | undefined;
  return async (bytes, source) => {
    parser ??= load();
    return (await parser)(bytes, source);
  };
}

/** SourceInfo for bytes read from `uri`: detected format, sha256 and size. */
export function sourceInfoFor(bytes: Uint8Array, uri: string): SourceInfo {
  return {
    uri,
    format: detectFormat(bytes, uri),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
  };
}

/** Detects the format and parses: the one call a pipeline needs for a file's bytes. */
export async function parseBytes(
  bytes: Uint8Array,
  uri: string,
  options: ParseOptions = {},
): Promise<Document> {
  const source = sourceInfoFor(bytes, uri);
  return parserFor(source.format, options)(bytes, source);
}
