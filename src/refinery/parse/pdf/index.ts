export { cjkGap, isCjk, joinPieces, repairCjkSpacing } from './cjk.js';
export { PdfCorrupt, PdfEmpty, PdfEncrypted } from './errors.js';
export {
  type FigureOcr,
  largeImagePages,
  linesOfTsv,
  type OcrLine,
  type PageOcr,
  type PageRegion,
  systemFigureOcr,
  systemOcr,
  type TesseractOptions,
  tesseractFigureOcr,
  tesseractOcr,
} from './ocr.js';
export {
  createPdfParser,
  type PdfParserDeps,
  parsePdf,
  parsePdfScansOnly,
  parsePdfTextLayer,
} from './parser.js';
export { findGutter, readingOrder } from './reading-order.js';
export { isPageNumber, printedFacts } from './running-text.js';
