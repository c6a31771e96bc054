/**
 * One page read through pdfjs: runs, lines, ruled tables and the state of its text layer. Nothing here
 * decides about blocks; `blocks.ts` does that once all pages (and their running text) are known.
 */

import { alignedTables } from './aligned-tables.js';
import { figureLines, slices, withoutBars } from './figure-words.js';
import { fieldRuns, type PdfAnnotation } from './form-fields.js';
import { area, type Box, centreIn, intersection, type Matrix, turned, union } from './geometry.js';
import { graphicsOf, type OperatorList, type PageGraphics, type Ruling } from './graphics.js';
import { type Line, linesOf } from './lines.js';
import { lineOf, type OcrLine, type OcrPage, type OcrWord, spacedText } from './ocr.js';
import type { PDFPageProxy } from './pdfjs.js';
import { withoutRuby } from './ruby.js';
import { type FontFacts, headingTags, runsOf, type TextRun } from './runs.js';
import { typographyOf } from './style.js';
import { type RuledTable, tablesOf } from './tables.js';
import { imagesMatter, needsOcr, type TextLayer, textLayerOf } from './text-layer.js';

/** The lines read inside one image of a page that has a text layer; `box` is where the image lands. */
export interface FigureText {
  readonly box: Box;
  readonly lines: readonly Line[];
}

export interface PageLayout {
  readonly page: number;
  readonly width: number;
  readonly height: number;
  readonly lines: readonly Line[];
  readonly tables: readonly RuledTable[];
  readonly layer: TextLayer;
  /** True once OCR replaced the text layer. */
  readonly ocr: boolean;
  /**
   * Set mostly in vertical writing (縦書き): lines, tables, `width` and `height` are in the frame turned a
   * quarter clockwise (`turned`), where its columns are rows; the blocks' boxes are turned back at the end.
   */
  readonly turned?: boolean;
  /** Text read by OCR inside the page's images, one entry per image region. */
  readonly figures?: readonly FigureText[];
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
  const printed = withoutRuby(runsOf(content, transform, fonts, headingTags(tree)));
  // Whether the text layer is usable is judged on the printed text alone: a scanned form's typed-in values
  // do not make it readable.
  const text = printed.map((r) => r.text).join('');
  const annotations = (await page.getAnnotations({ intent: 'display' }).catch(() => [])) as PdfAnnotation[];
  const runs = [...printed, ...fieldRuns(annotations, transform)];
  const area = viewport.width * viewport.height;
  let graphics: PageGraphics = graphicsOf(ops, transform, area);
  // Large images only tell a scan from a blank page; a page with text of its own does not need them.
  if (everyImage && imagesMatter(text)) graphics = graphicsOf(await everyImage(), transform, area);
  const layer = textLayerOf(text, graphics);
  const base = { page: page.pageNumber, width: viewport.width, height: viewport.height, layer, ocr: false };
  if (needsOcr(layer)) return { ...base, lines: [], tables: [] };
  const frame = frameOf(runs, graphics.rulings, viewport);
  const { tables, rest } = tablesOf(frame.rulings, frame.runs);
  const aligned = alignedTables(linesOf(rest), frame.width);
  return {
    ...base,
    ...frame.page,
    lines: [...aligned.rest, ...frame.upright.lines].sort((a, b) => a.top - b.top || a.x0 - b.x0),
    tables: [...frame.upright.tables, ...tables, ...aligned.tables],
  };
}

/**
 * The runs and rulings in the frame the page is read in: as they are, or, for a page set mostly in vertical
 * writing, turned a quarter clockwise (its columns become rows), with the page's size in that frame.
 */
function frameOf(
  runs: readonly TextRun[],
  rulings: readonly Ruling[],
  page: { readonly width: number; readonly height: number },
): {
  runs: readonly TextRun[];
  rulings: readonly Ruling[];
  width: number;
  /** What changes in the page's layout: nothing, or its size in the turned frame. */
  page: Partial<Pick<PageLayout, 'width' | 'height' | 'turned'>>;
  /** On a turned page, what is set horizontally: read as it stands, then placed in the turned frame whole. */
  upright: { lines: readonly Line[]; tables: readonly RuledTable[] };
} {
  if (!verticalWriting(runs)) {
    return { runs, rulings, width: page.width, page: {}, upright: { lines: [], tables: [] } };
  }
  const upright = uprightPart(withTateChuYoko(runs), rulings);
  return {
    runs: upright.rest.runs.map((r) => turnedRun(r, page.width)),
    rulings: upright.rest.rulings.map((r) => turnedRuling(r, page.width)),
    width: page.height,
    page: { width: page.height, height: page.width, turned: true },
    upright: {
      lines: upright.lines.map((l) => turnedLine(l, page.width)),
      tables: upright.tables.map((t) => ({ ...t, ...turned(t, page.width) })),
    },
  };
}

/** A few digits or Latin letters set across inside a column (縦中横: 「12」月, 「A」棟). */
const acrossInColumn = /^[0-9A-Za-z０-９Ａ-Ｚａ-ｚ!?！？%％.．,，]{1,4}$/u;

/**
 * Vertical writing sets a short number across the column (縦中横): pdf.js gives it as a horizontal run
 * inside the column, which would leave the column as a line of its own. It becomes part of the column: a
 * vertical run as wide as the column, where it stands.
 */
function withTateChuYoko(runs: readonly TextRun[]): TextRun[] {
  const columns = runs.filter((r) => r.writing === 'vertical');
  return runs.map((r) => {
    if (r.vertical || !acrossInColumn.test(r.text.trim())) return r;
    const middle = (r.x0 + r.x1) / 2;
    const column = columns.find(
      (c) =>
        middle > c.x0 &&
        middle < c.x1 &&
        r.x1 - r.x0 <= 1.2 * (c.x1 - c.x0) &&
        r.top < c.bottom + c.size &&
        r.bottom > c.top - c.size,
    );
    if (column === undefined) return r;
    return { ...r, x0: column.x0, x1: column.x1, size: column.size, vertical: true, writing: 'vertical' };
  });
}

/**
 * What a vertical page sets horizontally — a table of horizontal text, its caption, a date, a page number —
 * read in the page's own frame: turned with the columns, a table's rows would become its columns and a
 * line's words lines of their own. A table whose text is mostly vertical (a 縦書き table) turns with the page.
 */
function uprightPart(
  runs: readonly TextRun[],
  rulings: readonly Ruling[],
): {
  lines: readonly Line[];
  tables: readonly RuledTable[];
  rest: { runs: readonly TextRun[]; rulings: readonly Ruling[] };
} {
  const chars = (list: readonly TextRun[]) => list.reduce((n, r) => n + [...r.text.trim()].length, 0);
  const grids = tablesOf(rulings, runs).tables;
  const tables = grids.filter((t) => {
    const own = runs.filter((r) => centreIn(r, t));
    return chars(own.filter((r) => !r.vertical)) >= chars(own.filter((r) => r.vertical));
  });
  const upright = new Set(runs.filter((r) => !r.vertical && !grids.some((t) => centreIn(r, t))));
  const taken = (r: TextRun) => upright.has(r) || tables.some((t) => centreIn(r, t));
  const near = (r: Ruling, t: Box) =>
    r.axis === 'h'
      ? r.at >= t.top - 1 && r.at <= t.bottom + 1 && r.from >= t.x0 - 1 && r.to <= t.x1 + 1
      : r.at >= t.x0 - 1 && r.at <= t.x1 + 1 && r.from >= t.top - 1 && r.to <= t.bottom + 1;
  return {
    lines: linesOf([...upright]),
    tables,
    rest: {
      runs: runs.filter((r) => !taken(r)),
      rulings: rulings.filter((r) => !tables.some((t) => near(r, t))),
    },
  };
}

/** A line read in the page's frame, placed in the turned one: it keeps its text and reads as one piece. */
function turnedLine(l: Line, width: number): Line {
  const box = turned(l, width);
  return { ...l, ...box, baseline: box.bottom - 0.12 * l.size, runs: l.runs.map((r) => turnedRun(r, width)) };
}

/** Most of the page's characters are set in a vertical font (at least a line's worth). */
function verticalWriting(runs: readonly TextRun[]): boolean {
  let vertical = 0;
  let all = 0;
  for (const r of runs) {
    const n = [...r.text.trim()].length;
    all += n;
    if (r.writing === 'vertical') vertical += n;
  }
  return vertical >= 10 && vertical * 2 > all;
}

/** A run in the turned frame: a column's run lies along a row there, and a row's across one. */
function turnedRun(r: TextRun, width: number): TextRun {
  const box = turned(r, width);
  const { writing: _, ...rest } = r;
  return { ...rest, ...box, baseline: box.bottom - 0.12 * r.size, vertical: !r.vertical };
}

function turnedRuling(r: Ruling, width: number): Ruling {
  return r.axis === 'h'
    ? { axis: 'v', at: r.at, from: width - r.to, to: width - r.from }
    : { axis: 'h', at: width - r.at, from: r.from, to: r.to };
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

/**
 * Below this mean word confidence tesseract's line is noise, not text: on the 30 scanned pages of the 12
 * manufacturing PDFs, such lines read 「昌Y |基刀量」 or 「出樺予博基再寺販ホホ」 off a form's ruled cells and a
 * photo, while lines at 60 and above are mostly words.
 */
export const ocrNoiseConfidence = 50;
/**
 * A line read with less confidence than this keeps its text but not its size: a misread line can measure as
 * tall as a cell (54–208 pt), and as a heading it would head the rest of the document.
 */
export const ocrTitleConfidence = 80;

/**
 * The page again, its lines taken from OCR. Rulings found in the scan's pixels make tables as drawn ones do;
 * a line that a vertical ruling crosses is cut there, so each cell gets its words in the order read.
 */
export function withOcr(layout: PageLayout, page: OcrPage): PageLayout {
  const read = page.lines.filter((l) => l.confidence >= ocrNoiseConfidence);
  const sizes = read.map((l) => Math.max(4, Math.round(ocrSize(l, page.vertical) * 2) / 2));
  const typical = median(read.flatMap((l, i) => (l.confidence >= ocrTitleConfidence ? [sizes[i]!] : [])));
  const rulings = page.rulings ?? [];
  const verticals = rulings.filter((r) => r.axis === 'v');
  // A size read off a scan is good to about 15 %: within that of the page's usual size, a line is set in it,
  // and its numbering, not a measuring error, decides whether it heads the line before.
  const sizeOf = (i: number, confident: boolean): number => {
    const size = sizes[i]!;
    if (typical === undefined) return size;
    if (!confident) return Math.min(size, typical);
    return Math.abs(size - typical) <= 0.15 * typical ? typical : size;
  };
  // Read as vertical writing, each line is a column: a run of its own, read in the turned frame.
  const runs: TextRun[] = read.flatMap((l, i) =>
    (page.vertical ? [l] : cutAtRulings(l, verticals)).map((part) => ({
      ...part,
      raw: spacedText(part),
      baseline: part.bottom,
      size: sizeOf(i, l.confidence >= ocrTitleConfidence),
      bold: false,
      vertical: page.vertical === true,
      ...(page.vertical ? { writing: 'vertical' as const } : {}),
    })),
  );
  const frame = frameOf(runs, rulings, layout);
  const { tables, rest } = tablesOf(frame.rulings, frame.runs);
  return { ...layout, ...frame.page, lines: linesOf(rest), tables, ocr: true };
}

/**
 * The parts of a page worth reading by OCR although it has a text layer: its images of at least
 * `minimum` size, overlapping ones merged, left out when they are a background (text-layer lines cover
 * a third of them) or when one fills the page behind a page of text (a scan that carries its own text layer).
 */
export function figureRegions(
  layout: Pick<PageLayout, 'width' | 'height' | 'lines' | 'tables'>,
  images: readonly Box[],
  minimum: { readonly width: number; readonly height: number; readonly area: number },
): Box[] {
  const page = { x0: 0, top: 0, x1: layout.width, bottom: layout.height };
  let regions = images
    .map((b) => intersection(b, page))
    .filter((b): b is Box => b !== undefined)
    .filter(
      (b) => b.x1 - b.x0 >= minimum.width && b.bottom - b.top >= minimum.height && area(b) >= minimum.area,
    );
  for (let merged = true; merged; ) {
    merged = false;
    const out: Box[] = [];
    for (const b of regions) {
      const i = out.findIndex((o) => intersection(o, b) !== undefined);
      if (i < 0) out.push(b);
      else {
        out[i] = union([out[i]!, b]);
        merged = true;
      }
    }
    regions = out;
  }
  const text: Box[] = [...layout.lines, ...layout.tables];
  const chars = layout.lines.reduce((n, l) => n + [...l.text].length, 0);
  return regions.filter((r) => {
    if (area(r) > 0.85 * area(page) && chars >= 200) return false;
    const covered = text.reduce((n, t) => n + area(intersection(t, r)), 0);
    return covered < area(r) / 3;
  });
}

/**
 * The page with the text read inside its images. Words the text layer already has (vector text drawn over an
 * image is rasterised with it) are dropped, and so are tesseract's 「|」 bars; what is left is set in the page's
 * usual size and kept apart from the page's own lines, as one figure per image.
 */
export function withFigureText(
  layout: PageLayout,
  read: readonly { readonly box: Box; readonly lines: readonly OcrLine[] }[],
): PageLayout {
  const own: Box[] = [...layout.lines, ...layout.tables];
  const typical = median(layout.lines.map((l) => l.size));
  const fresh = (w: OcrWord) => !own.some((o) => area(intersection(o, w)) > 0.3 * area(w));
  const figures: FigureText[] = read.flatMap(({ box, lines }) => {
    const runs: TextRun[] = figureLines(lines, fresh).map((l) => ({
      ...l,
      baseline: l.bottom,
      size: typical ?? Math.max(4, Math.round(ocrSize(l) * 2) / 2),
      bold: false,
      vertical: false,
    }));
    return runs.length === 0 ? [] : [{ box, lines: linesOf(runs) }];
  });
  if (figures.length === 0) return layout;
  return { ...layout, figures: [...(layout.figures ?? []), ...figures] };
}

/**
 * The line, or its pieces where a vertical ruling passes between two of its words. Tesseract reads a ruling
 * as 「|」, inside a word (「ミルク|」, 「バター|バター」) or as one: on a ruled page those bars are taken out,
 * and the word split there, its box shared out by characters.
 */
function cutAtRulings(line: OcrLine, verticals: readonly Ruling[]): OcrLine[] {
  if (verticals.length === 0) return [line];
  const words = (line.words ?? []).flatMap(withoutBars).flatMap((w) => splitAcross(w, verticals));
  const parts: OcrWord[][] = [];
  words.forEach((w, i) => {
    const prev = words[i - 1];
    const cut =
      prev !== undefined &&
      verticals.some((v) => v.at >= prev.x1 - 1 && v.at <= w.x0 + 1 && v.from < w.bottom && v.to > w.top);
    if (prev === undefined || cut) parts.push([]);
    parts[parts.length - 1]!.push(w);
  });
  if (parts.length === 1 && words.length === (line.words ?? []).length) return [line];
  return parts.map(lineOf);
}

/** A word a ruling runs through (「和牛乳和牛乳」 read across two cells) split where it passes. */
function splitAcross(word: OcrWord, verticals: readonly Ruling[]): OcrWord[] {
  const length = [...word.text].length;
  const width = (word.x1 - word.x0) / length;
  const cuts = verticals
    .filter((v) => v.from < word.bottom && v.to > word.top)
    .map((v) => Math.round((v.at - word.x0) / width))
    .filter((k) => k > 0 && k < length)
    .sort((x, y) => x - y);
  if (cuts.length === 0) return [word];
  const bounds = [0, ...cuts, length];
  return slices(
    word,
    bounds.slice(1).map((end, i) => [bounds[i]!, end]),
  );
}

function median(values: readonly number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
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
  const body = text.length > 0 ? typographyOf(text).bodySize : median(bodies);
  return pages.map((p, i) => {
    const own = lines[i]!;
    // A page of a few labels (a figure) has no body of its own to go by.
    const chars = own.reduce((n, l) => n + [...l.text].length, 0);
    if (!p.ocr) return [...own];
    if (chars < 200 || body === undefined) return own.map((l) => ({ ...l, measured: true }));
    const scale = body / typographyOf(own).bodySize;
    return own.map((l) => ({ ...l, size: Math.round(l.size * scale * 2) / 2, measured: true }));
  });
}

/**
 * Font size of an OCR'd line. Box heights swing with the glyphs (ポ, 。, descenders), so a 22 pt title can
 * measure shorter than 16 pt text; full-width characters are square, so a line mostly of them is as tall as
 * its width per em, a digit or a Latin letter counting half an em (「2.定義」 measured by height read as 8 pt
 * beside 「1.適用の範囲」 at 10.5).
 */
function ocrSize(l: OcrLine, vertical = false): number {
  // A column of vertical writing is one character wide.
  if (vertical) return l.x1 - l.x0;
  const chars = [...l.text.replace(/\s/g, '')];
  const wide = chars.filter((c) =>
    /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u30ff\uff01-\uff60]/u.test(c),
  ).length;
  // A title spread to a width (均等割り, 「固　さ」) is set no larger: the wide gaps before its single letters
  // are left out.
  const gaps = (l.words ?? []).reduce((sum, w, i, words) => {
    const gap = i === 0 ? 0 : w.x0 - words[i - 1]!.x1;
    return [...w.text].length === 1 && gap > 0.5 * (l.bottom - l.top) ? sum + gap : sum;
  }, 0);
  const width = l.x1 - l.x0 - gaps;
  if (wide >= 2 && wide * 2 >= chars.length) return width / (wide + (chars.length - wide) / 2);
  return (l.bottom - l.top) * 0.85;
}
