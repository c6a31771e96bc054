/**
 * From a file to a Document: pick the parser for a format, or detect the format and parse in one call.
 */
import { createHash } from 'node:crypto';
import type { Document, Parser, SourceInfo } from '../document/index.js';
import { defaultZipLimits, type ZipLimits } from './archive.js';
import { parseCsv, parseTsv } from './csv.js';
import { detectFormat, type Format, formats } from './detect.js';
import { docxParser } from './docx.js';
import { UnsupportedFormat } from './errors.js';
import { parseHtml } from './html.js';
import { legacyParser } from './legacy.js';
import { parseMarkdown } from './markdown.js';
import type { PdfParserDeps } from './pdf/index.js';
import { pptxParser } from './pptx.js';
import { parseText } from './text.js';
import { xlsxParser } from './xlsx.js';

export interface ParseOptions {
  /** Limits checked before any zip entry is inflated (DOCX/XLSX/PPTX). */
  readonly zipLimits?: ZipLimits;
  /** Path of LibreOffice's `soffice` for .doc/.xls/.ppt; see `findSoffice`. Without it they are refused. */
  readonly soffice?: string;
  /** PDF parser dependencies (OCR). */
  readonly pdf?: PdfParserDeps;
}

/** The parser for a format name; `parse.unsupported` for anything else. */
export function parserFor(format: string, options: ParseOptions = {}): Parser {
  const limits = options.zipLimits ?? defaultZipLimits;
  switch (format as Format) {
    case 'pdf':
      return lazyPdfParser(options.pdf);
    case 'docx':
      return docxParser(limits);
    case 'xlsx':
      return xlsxParser(limits);
    case 'pptx':
      return pptxParser(limits);
    case 'html':
      return parseHtml;
    case 'markdown':
      return parseMarkdown;
    case 'csv':
      return parseCsv;
    case 'tsv':
      return parseTsv;
    case 'text':
      return parseText;
    case 'doc':
      return legacyParser('doc', docxParser(limits), options);
    case 'xls':
      return legacyParser('xls', xlsxParser(limits), options);
    case 'ppt':
      return legacyParser('ppt', pptxParser(limits), options);
    default:
      throw new UnsupportedFormat(`unsupported format: ${format} (known: ${formats.join(', ')})`, { format });
  }
}

// pdfjs is large: it is loaded on the first PDF, not by everyone who parses Markdown or CSV.
function lazyPdfParser(deps: PdfParserDeps | undefined): Parser {
  let parser: Promise<Parser> | undefined;
  return async (bytes, source) => {
    parser ??= import('./pdf/index.js').then((pdf) => pdf.createPdfParser(deps));
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
