/**
 * One page read through pdfjs: runs, lines, ruled tables and the state of its text layer. Nothing here
 * decides about blocks; `blocks.ts` does that once all pages (and their running text) are known.
 */

import { alignedTables } from './aligned-tables.js';
import type { Matrix } from './geometry.js';
import { graphicsOf, type OperatorList, type PageGraphics } from './graphics.js';
import { type Line, linesOf } from './lines.js';
import type { OcrLine } from './ocr.js';
import type { PDFPageProxy } from './pdfjs.js';
import { type FontFacts, headingTags, runsOf, type TextRun } from './runs.js';
import { typographyOf } from './style.js';
import { type RuledTable, tablesOf } from './tables.js';
import { imagesMatter, needsOcr, type TextLayer, textLayerOf } from './text-layer.js';

export interface PageLayout {
  readonly page: number;
  readonly width: number;
  readonly height: number;
  readonly lines: readonly Line[];
  readonly tables: readonly RuledTable[];
  readonly layer: TextLayer;
  /** True once OCR replaced the text layer. */
  readonly ocr: boolean;
  /** Why the page could not be read at all, when it could not. */
  readonly error?: string;
}

/**
 * Reads one page; a page whose text layer is unusable comes back with no lines (OCR fills them later).
 * `everyImage` reads the same page's operator list with no image left out, for when `page` came from a
 * document opened with `maxImagePixels`.
 */
export async function readPage(
  page: PDFPageProxy,
  everyImage?: () => Promise<OperatorList>,
): Promise<PageLayout> {
  const viewport = page.getViewport({ scale: 1 });
  const transform = viewport.transform as unknown as Matrix;
  const ops = (await page.getOperatorList()) as OperatorList;
  const content = await page.getTextContent({ includeMarkedContent: true });
  const tree = await page.getStructTree().catch(() => null);
  const fonts = fontsOf(page, content.items);
  const runs = runsOf(content, transform, fonts, headingTags(tree));
  const text = runs.map((r) => r.text).join('');
  const area = viewport.width * viewport.height;
  let graphics: PageGraphics = graphicsOf(ops, transform, area);
  // Large images only tell a scan from a blank page; a page with text of its own does not need them.
  if (everyImage && imagesMatter(text)) graphics = graphicsOf(await everyImage(), transform, area);
  const layer = textLayerOf(text, graphics);
  const base = { page: page.pageNumber, width: viewport.width, height: viewport.height, layer, ocr: false };
  if (needsOcr(layer)) return { ...base, lines: [], tables: [] };
  const { tables, rest } = tablesOf(graphics.rulings, runs);
  const aligned = alignedTables(linesOf(rest), viewport.width);
  return { ...base, lines: aligned.rest, tables: [...tables, ...aligned.tables] };
}

function fontsOf(page: PDFPageProxy, items: readonly unknown[]): Map<string, FontFacts> {
  const fonts = new Map<string, FontFacts>();
  for (const item of items) {
    const id = (item as { fontName?: unknown }).fontName;
    if (typeof id !== 'string' || fonts.has(id) || !page.commonObjs.has(id)) continue;
    const font = page.commonObjs.get(id) as { name?: unknown; bold?: unknown; black?: unknown } | null;
    fonts.set(id, {
      name: typeof font?.name === 'string' ? font.name : '',
      bold: font?.bold === true || font?.black === true,
    });
  }
  return fonts;
}

/** The page again, its lines taken from OCR. */
export function withOcr(layout: PageLayout, lines: readonly OcrLine[]): PageLayout {
  const runs: TextRun[] = lines.map((l) => ({
    ...l,
    baseline: l.bottom,
    size: Math.max(4, Math.round(ocrSize(l) * 2) / 2),
    bold: false,
    vertical: false,
  }));
  return { ...layout, lines: linesOf(runs), ocr: true };
}

/**
 * OCR'd pages' sizes brought to the document's body size. A size read off a scan is its size in print,
 * which has nothing to do with the text layer's points or with the next scan's (another original, another
 * scale): unscaled, every line of a scanned page set at 12 pt read as a heading over a 10.5 pt body. Each
 * OCR page's own body size becomes the text pages' body size (or, when every page was scanned, the median
 * of the pages' body sizes); its larger titles stay larger by the same ratio.
 */
export function ocrSizesToBody(pages: readonly PageLayout[], lines: readonly (readonly Line[])[]): Line[][] {
  const text = pages.flatMap((p, i) => (p.ocr ? [] : lines[i]!));
  const bodies = pages.flatMap((p, i) =>
    p.ocr && lines[i]!.length > 0 ? [typographyOf(lines[i]!).bodySize] : [],
  );
  const sorted = [...bodies].sort((a, b) => a - b);
  const body = text.length > 0 ? typographyOf(text).bodySize : sorted[Math.floor(sorted.length / 2)];
  return pages.map((p, i) => {
    const own = lines[i]!;
    // A page of a few labels (a figure) has no body of its own to go by.
    const chars = own.reduce((n, l) => n + [...l.text].length, 0);
    if (!p.ocr || chars < 200 || body === undefined) return [...own];
    const scale = body / typographyOf(own).bodySize;
    return own.map((l) => ({ ...l, size: Math.round(l.size * scale * 2) / 2 }));
  });
}

/**
 * Font size of an OCR'd line. Box heights swing with the glyphs (ポ, 。, descenders), so a 22 pt title can
 * measure shorter than 16 pt text; full-width characters are square, so a line of them is as tall as its
 * width per character.
 */
function ocrSize(l: OcrLine): number {
  const chars = [...l.text.replace(/\s/g, '')];
  const wide = chars.filter((c) =>
    /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u30ff\uff01-\uff60]/u.test(c),
  );
  if (chars.length >= 2 && wide.length * 10 >= chars.length * 8) return (l.x1 - l.x0) / chars.length;
  return (l.bottom - l.top) * 0.85;
}
