import { InvalidInput } from '../../../errors/index.js';

/** The bytes are not a readable PDF (truncated, not a PDF at all, broken cross-reference table). */
export class PdfCorrupt extends InvalidInput {
  constructor(uri: string, reason: string, options?: { cause?: unknown }) {
    super('parse.corrupt', `${uri}: not a readable PDF (${reason})`, { uri, reason }, options);
  }
}

/** The PDF needs a password to open; we never guess one. */
export class PdfEncrypted extends InvalidInput {
  constructor(uri: string, options?: { cause?: unknown }) {
    super('parse.encrypted', `${uri}: the PDF is password-protected`, { uri }, options);
  }
}

/** Zero bytes, or a PDF with no pages. */
export class PdfEmpty extends InvalidInput {
  constructor(uri: string) {
    super('parse.empty', `${uri}: the PDF is empty`, { uri });
  }
}
