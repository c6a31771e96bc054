export { cjkGap, isCjk, joinPieces, repairCjkSpacing } from './cjk.js';
export { PdfCorrupt, PdfEmpty, PdfEncrypted } from './errors.js';
export {
  linesOfTsv,
  type OcrLine,
  type PageOcr,
  systemOcr,
  type TesseractOptions,
  tesseractOcr,
} from './ocr.js';
export { createPdfParser, type PdfParserDeps, parsePdf, parsePdfTextLayer } from './parser.js';
export { findGutter, readingOrder } from './reading-order.js';
export { isPageNumber, printedFacts } from './running-text.js';
