export { a1, a1Range, columnName, parseA1 } from './a1.js';
export {
  checkZipLimits,
  defaultZipLimits,
  listZip,
  readZip,
  type ZipEntryInfo,
  type ZipLimits,
} from './archive.js';
export { type CsvRecord, parseCsv, parseDelimited, parseTsv } from './csv.js';
export { detectFormat, extensionOf, type Format, formats } from './detect.js';
export { docxParser, paragraphText, parseDocx } from './docx.js';
export { type DecodedText, decodeText, type TextEncodingName } from './encoding.js';
export {
  ArchiveTooLarge,
  ConversionFailed,
  CorruptFile,
  EmptyFile,
  UndecodableText,
  UnsupportedFormat,
} from './errors.js';
export { parseHtml } from './html.js';
export { findSoffice, type LegacyFormat, type LegacyOptions, legacyParser } from './legacy.js';
export { parseMarkdown } from './markdown.js';
export { parsePptx, pptxParser } from './pptx.js';
export { type ParseOptions, parseBytes, parserFor, sourceInfoFor } from './registry.js';
export { parseText, textDrafts } from './text.js';
export { parseXlsx, xlsxParser } from './xlsx.js';
