/**
 * Whether a page's text layer can be trusted. Scans have no text; fonts without a Unicode map yield
 * private-use or replacement characters, or Latin-1 letters from their single-byte codes; some producers
 * draw glyphs as filled outlines. Those pages need OCR, and must never come out silently empty.
 */
import type { PageGraphics } from './graphics.js';

export type TextLayer = 'usable' | 'blank' | 'missing' | 'unmapped';

/** Fewer characters than this, and the area painted by images decides whether a page is a scan. */
const fewChars = 20;

/** Whether `textLayerOf` looks at the page's images for this text (a page with little or no text). */
export function imagesMatter(text: string): boolean {
  return [...text.replace(/\s+/g, '')].length < fewChars;
}

/** Classifies a page from its extracted text and what it paints. */
export function textLayerOf(text: string, graphics: PageGraphics): TextLayer {
  const chars = [...text.replace(/\s+/g, '')];
  if (chars.length === 0) {
    return graphics.imageCover > 0.2 || graphics.curveFills > 40 ? 'missing' : 'blank';
  }
  const bad = chars.filter(isGarbage).length;
  if (bad / chars.length > 0.3 || singleByteGarbage(chars)) return 'unmapped';
  // A few characters over a page-sized image: a scan with a stamp or a page number on it.
  if (chars.length < fewChars && graphics.imageCover > 0.5) return 'missing';
  return 'usable';
}

function isGarbage(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (c >= 0xe000 && c <= 0xf8ff) || c === 0xfffd || c < 0x20 || (c >= 0xf0000 && c <= 0x10ffff);
}

// The letters of Latin-1 (À–ÿ without × and ÷): what a single-byte font's codes 0xC0–0xFF come out as.
const latin1Letter = /[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]/u;
const letter = /\p{L}/u;

/**
 * A font without a Unicode map whose single-byte codes come out as Latin-1 ('èÿ0÷Ïøwj_ßoöí'): such pages
 * of a Japanese PDF had 36–89 % of their letters in Latin-1. Running text of the languages that use those
 * letters most stays far below 30 % (Icelandic ~19 %, French and Vietnamese under 10 %).
 */
function singleByteGarbage(chars: readonly string[]): boolean {
  let letters = 0;
  let marked = 0;
  for (const c of chars) {
    if (!letter.test(c)) continue;
    letters++;
    if (latin1Letter.test(c)) marked++;
  }
  return marked >= 20 && marked >= letters * 0.3;
}

/** True when the layer has to be replaced (OCR) or flagged. */
export function needsOcr(layer: TextLayer): boolean {
  return layer === 'missing' || layer === 'unmapped';
}
