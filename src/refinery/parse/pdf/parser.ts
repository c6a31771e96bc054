/**
 * The PDF parser: pages are read one by one (text runs, rulings, tag tree), pages without a usable text
 * layer go to OCR when it is available, running headers/footers are removed and mined for metadata,
 * and the rest becomes blocks in reading order with page and bbox recorded as they are found.
 */

import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import type { Document, DocumentMetadata, Parser, SourceInfo } from '../../document/index.js';
import { type BlockDraft, buildBlocks } from '../../structure/index.js';
import { draftsOf, type FlowItem } from './blocks.js';
import { withCarriedHeaders } from './continued-tables.js';
import { type Box, bboxOf, type Matrix, unturned } from './geometry.js';
import { graphicsOf, type OperatorList } from './graphics.js';
import type { Line } from './lines.js';
import { openPdf } from './load.js';
import {
  type FigureOcr,
  figureMinimum,
  type OcrLine,
  type PageOcr,
  type PageRegion,
  systemFigureOcr,
  systemOcr,
} from './ocr.js';
import {
  type FigureText,
  figureRegions,
  ocrSizesToBody,
  type PageLayout,
  readPage,
  withFigureText,
  withOcr,
} from './page.js';
import type { PDFDocumentProxy, PDFPageProxy } from './pdfjs.js';
import { readingOrder } from './reading-order.js';
import { printedFacts, runningText } from './running-text.js';
import { typographyOf } from './style.js';
import type { RuledTable } from './tables.js';
import { needsOcr } from './text-layer.js';

export interface PdfParserDeps {
  /**
   * Reads pages without a usable text layer. `null` turns OCR off (pages are then listed in
   * `metadata.needsOcr`); left out, pdftoppm + tesseract are used when installed.
   */
  readonly ocr?: PageOcr | null;
  /**
   * Reads the text inside the images of pages that have a text layer (chart labels, screenshots). `null`
   * turns it off; left out, it follows `ocr`: pdfimages + pdftoppm + tesseract when `ocr` is left out too
   * and they are installed, off when `ocr` was given.
   */
  readonly figureOcr?: FigureOcr | null;
  /**
   * Image regions read per document, at most (100 by default, about a minute and a half on two cores);
   * pages past that are listed in `metadata.figuresNotRead`.
   */
  readonly maxFigureRegions?: number;
}

/** A PDF parser with its OCR dependency bound. */
export function createPdfParser(deps: PdfParserDeps = {}): Parser {
  let detected: Promise<PageOcr | undefined> | undefined;
  const ocrOf = (): Promise<PageOcr | undefined> => {
    if (deps.ocr !== undefined) return Promise.resolve(deps.ocr ?? undefined);
    detected ??= systemOcr();
    return detected;
  };
  let detectedFigures: Promise<FigureOcr | undefined> | undefined;
  const figureOcrOf = (): Promise<FigureOcr | undefined> => {
    if (deps.figureOcr !== undefined) return Promise.resolve(deps.figureOcr ?? undefined);
    if (deps.ocr !== undefined) return Promise.resolve(undefined);
    detectedFigures ??= systemFigureOcr();
    return detectedFigures;
  };
  return async (bytes, source) => {
    const doc = await openPdf(bytes, source.uri, { maxImagePixels });
    const everyImage = everyImageOf(bytes, source.uri);
    try {
      const pages = await readPages(doc, everyImage.page);
      const wanted = pages.filter((p) => needsOcr(p.layer)).map((p) => p.page);
      const ocr = wanted.length > 0 ? await ocrOf() : undefined;
      const read = ocr === undefined ? { pages } : await ocrPages(pages, wanted, ocr, bytes);
      const figures = await readFigures(read.pages, bytes, {
        ocr: await figureOcrOf(),
        imagesOf: everyImage.images,
        max: deps.maxFigureRegions ?? 100,
      });
      const parsed = assemble(figures.pages, source, await infoOf(doc));
      const extra = {
        ...(read.error === undefined ? {} : { ocrError: read.error }),
        ...(figures.error === undefined ? {} : { figureOcrError: figures.error }),
        ...(figures.notRead.length === 0 ? {} : { figuresNotRead: figures.notRead }),
      };
      return Object.keys(extra).length === 0
        ? parsed
        : { ...parsed, metadata: { ...parsed.metadata, ...extra } };
    } finally {
      await Promise.all([doc.destroy(), everyImage.close()]);
    }
  };
}

/**
 * Images above this many pixels (64 × 64) are not decoded while reading pages: decoding them was a sixth of the
 * parse of the 12 manufacturing PDFs, and nothing here looks at pixels. Small ones stay, since some producers
 * draw table rulings as tiny images stretched into bars.
 */
const maxImagePixels = 4096;

/**
 * The same PDF opened again with every image, on first need: a page with little text is judged (scan or
 * blank) by the area its images cover. Scanned documents go to OCR, which costs far more than opening twice.
 */
function everyImageOf(bytes: Uint8Array, uri: string) {
  let doc: Promise<PDFDocumentProxy> | undefined;
  const withPage = async <T>(n: number, work: (page: PDFPageProxy) => Promise<T>): Promise<T> => {
    doc ??= openPdf(bytes, uri);
    const opened = await doc;
    const page = await opened.getPage(n);
    try {
      return await work(page);
    } finally {
      page.cleanup();
      // decoded images are what this copy holds: let them go, as readPages does for the first copy
      await opened.cleanup();
    }
  };
  return {
    page: (n: number) => () => withPage(n, async (page) => (await page.getOperatorList()) as OperatorList),
    /** Where the page's images land, in points. */
    images: (n: number) =>
      withPage(n, async (page) => {
        const viewport = page.getViewport({ scale: 1 });
        const ops = (await page.getOperatorList()) as OperatorList;
        return graphicsOf(ops, viewport.transform as unknown as Matrix, viewport.width * viewport.height)
          .images;
      }),
    close: async () => doc?.then((d) => d.destroy()).catch(() => undefined),
  };
}

/** The default PDF parser: OCR through pdftoppm + tesseract when both are installed. */
export const parsePdf: Parser = createPdfParser();

/** OCR for pages without a usable text layer only, not for the images of the others. */
export const parsePdfScansOnly: Parser = createPdfParser({ figureOcr: null });

/** Text layer only: pages that would need OCR are listed in `metadata.needsOcr` (fast path, batch jobs). */
export const parsePdfTextLayer: Parser = createPdfParser({ ocr: null });

/**
 * pdf.js keeps every font, parsed object and image of a document until told to let go, and what it lets go
 * it parses again on the next page that needs it (a Japanese TrueType font is re-sanitised glyph by glyph).
 * So its caches are released by what they hold, not by a page count: when the old generation and the
 * buffers outside the heap have grown this much since the last release. Every 25 pages cost a tenth of the
 * parse CPU on the 12 manufacturing PDFs; never releasing took a 1,268-page file to 3.3 GiB.
 */
const cacheBudgetBytes = 64 * 2 ** 20;

/** Bytes that survived young-generation collection, plus buffers outside the heap (streams, fonts). */
function retainedBytes(): number {
  const old = getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0;
  return old + getHeapStatistics().external_memory;
}

async function readPages(
  doc: PDFDocumentProxy,
  everyImage: (n: number) => () => Promise<OperatorList>,
): Promise<PageLayout[]> {
  const pages: PageLayout[] = [];
  let released = retainedBytes();
  for (let n = 1; n <= doc.numPages; n++) {
    try {
      const page = await doc.getPage(n);
      pages.push(await readPage(page, everyImage(n)));
      page.cleanup();
      if (retainedBytes() - released > cacheBudgetBytes) {
        await doc.cleanup();
        released = retainedBytes();
      }
    } catch (e) {
      // One broken page (bad content stream, missing object) must not lose the rest of the document:
      // it is treated like a page without a text layer, so OCR gets a chance and it is never silent.
      const error = e instanceof Error ? e.message : String(e);
      pages.push({
        page: n,
        width: 595,
        height: 842,
        lines: [],
        tables: [],
        layer: 'missing',
        ocr: false,
        error,
      });
    }
  }
  return pages;
}

async function ocrPages(
  pages: PageLayout[],
  wanted: number[],
  ocr: PageOcr,
  bytes: Uint8Array,
): Promise<{ pages: PageLayout[]; error?: string }> {
  try {
    const read = await ocr(bytes, wanted);
    return {
      pages: pages.map((p) => {
        const page = read.get(p.page);
        return page === undefined ? p : withOcr(p, page);
      }),
    };
  } catch (e) {
    // OCR is best effort: the pages stay listed in metadata.needsOcr and the reason is kept.
    return { pages, error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}

/**
 * Text inside the images of text-layer pages: only pages that `pdfimages` lists with a large image are
 * opened for their images' places, and each region is read once. Best effort, like OCR of scans: a failure
 * leaves the pages as they were and says why.
 */
async function readFigures(
  pages: PageLayout[],
  bytes: Uint8Array,
  options: {
    readonly ocr: FigureOcr | undefined;
    readonly imagesOf: (page: number) => Promise<readonly Box[]>;
    readonly max: number;
  },
): Promise<{ pages: PageLayout[]; notRead: number[]; error?: string }> {
  const { ocr } = options;
  if (ocr === undefined) return { pages, notRead: [] };
  try {
    const listed = await ocr.imagePages(bytes);
    const regions: PageRegion[] = [];
    const notRead = new Set<number>();
    for (const p of pages) {
      // (a page read in the turned frame has its lines there, not where its images are)
      if (!listed.has(p.page) || p.ocr || p.turned || needsOcr(p.layer)) continue;
      for (const box of figureRegions(p, await options.imagesOf(p.page), figureMinimum)) {
        if (regions.length < options.max) regions.push({ page: p.page, box });
        else notRead.add(p.page);
      }
    }
    const read = regions.length === 0 ? [] : await ocr.read(bytes, regions);
    const byPage = new Map<number, { box: Box; lines: readonly OcrLine[] }[]>();
    regions.forEach((r, i) => {
      byPage.set(r.page, [...(byPage.get(r.page) ?? []), { box: r.box, lines: read[i] ?? [] }]);
    });
    return {
      pages: pages.map((p) => (byPage.has(p.page) ? withFigureText(p, byPage.get(p.page)!) : p)),
      notRead: [...notRead],
    };
  } catch (e) {
    return { pages, notRead: [], error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}

interface Info {
  readonly title?: string;
}

async function infoOf(doc: PDFDocumentProxy): Promise<Info> {
  const meta = await doc.getMetadata().catch(() => undefined);
  const title = (meta?.info as { Title?: unknown } | undefined)?.Title;
  // Producers often leave "Microsoft Word - file.docx", a file name or an undecoded hex string here.
  if (
    typeof title !== 'string' ||
    title.trim() === '' ||
    /^<[0-9A-F]+>$|^Microsoft Word - |\.[a-z0-9]{2,4}$/i.test(title)
  ) {
    return {};
  }
  return { title: title.trim() };
}

function assemble(pages: readonly PageLayout[], source: SourceInfo, info: Info): Document {
  const { keep: kept, running } = runningText(pages);
  const keep = ocrSizesToBody(pages, kept);
  const all = keep.flat();
  const type = typographyOf(all);
  const items = pages.flatMap((p, i) => pageFlow(p, keep[i]!));
  const blocks = buildBlocks(withCarriedHeaders(unturnedDrafts(draftsOf(items, type), pages)));
  const firstPage = keep[0]?.slice(0, 12).map((l) => l.text) ?? [];
  const facts = printedFacts([...running, ...firstPage]);
  const unread = pages.filter((p) => needsOcr(p.layer) && !p.ocr).map((p) => p.page);
  const ocred = pages.filter((p) => p.ocr).map((p) => p.page);
  const figures = pages.filter((p) => (p.figures?.length ?? 0) > 0).map((p) => p.page);
  const broken = pages.flatMap((p) => (p.error === undefined ? [] : [{ page: p.page, error: p.error }]));
  const language = languageOf(all);
  const title = info.title ?? blocks.find((b) => b.kind === 'heading' && b.location.page === 1)?.text;
  const metadata: DocumentMetadata = {
    pages: pages.length,
    ...(language === undefined ? {} : { language }),
    ...(title === undefined ? {} : { title }),
    ...facts,
    ...(running.length > 0 ? { runningText: running } : {}),
    ...(unread.length > 0 ? { needsOcr: unread } : {}),
    ...(ocred.length > 0 ? { ocrPages: ocred } : {}),
    ...(figures.length > 0 ? { figureTextPages: figures } : {}),
    ...(broken.length > 0 ? { pageErrors: broken } : {}),
  };
  return { source, metadata, blocks };
}

/** Drafts of pages read in the turned frame (縦書き) get their boxes back on the page. */
function unturnedDrafts(drafts: readonly BlockDraft[], pages: readonly PageLayout[]): BlockDraft[] {
  // A turned page's height is the page's width.
  const widths = new Map(pages.flatMap((p) => (p.turned ? [[p.page, p.height] as const] : [])));
  if (widths.size === 0) return [...drafts];
  return drafts.map((d) => {
    const width = widths.get(d.location.page ?? 0);
    const b = d.location.bbox;
    if (width === undefined || b === undefined) return d;
    const box = unturned({ x0: b[0], top: b[1], x1: b[2], bottom: b[3] }, width);
    return { ...d, location: { ...d.location, bbox: bboxOf(box) } };
  });
}

/** One page's lines and tables in reading order, with table captions attached. */
function pageFlow(page: PageLayout, lines: readonly Line[]): FlowItem[] {
  if (needsOcr(page.layer) && !page.ocr) {
    return [
      { kind: 'no-text', page: page.page, box: { x0: 0, top: 0, x1: page.width, bottom: page.height } },
    ];
  }
  const captions = new Map<RuledTable, Line>();
  // On a turned page a table set horizontally has its caption above it on the page, not in the turned frame.
  const captionOf = (l: Line, t: RuledTable) =>
    isCaptionOf(l, t) ||
    (page.turned === true &&
      isCaptionOf({ ...l, ...unturned(l, page.height) }, { ...t, ...unturned(t, page.height) }));
  for (const t of page.tables) {
    const c = lines.find((l) => captionOf(l, t) && ![...captions.values()].includes(l));
    if (c) captions.set(t, c);
  }
  const used = new Set(captions.values());
  type Piece = {
    text: string;
    x0: number;
    x1: number;
    top: number;
    bottom: number;
    line?: Line;
    table?: RuledTable;
    figure?: FigureText;
  };
  const pieces: Piece[] = [
    ...lines.filter((l) => !used.has(l)).map((l): Piece => ({ ...box(l), text: l.text, line: l })),
    ...page.tables.map((t): Piece => ({ ...box(t), text: '', table: t })),
    ...(page.figures ?? []).map((f): Piece => ({ ...box(f.box), text: '', figure: f })),
  ];
  const ordered = page.turned
    ? bands(pieces).flatMap((band) => readingOrder(band, page.width))
    : readingOrder(pieces, page.width);
  return ordered.map(({ line: piece, column }): FlowItem => {
    if (piece.table) {
      const caption = captions.get(piece.table)?.text;
      return {
        kind: 'table',
        page: page.page,
        table: piece.table,
        ...(caption === undefined ? {} : { caption }),
      };
    }
    if (piece.figure)
      return { kind: 'figure', page: page.page, box: piece.figure.box, lines: piece.figure.lines };
    return { kind: 'line', page: page.page, column, line: piece.line! };
  });
}

function box(b: { x0: number; x1: number; top: number; bottom: number }) {
  return { x0: b.x0, x1: b.x1, top: b.top, bottom: b.bottom };
}

/**
 * A turned page's pieces in bands (段) down the page — runs of the turned frame's x that no piece crosses —
 * each band read on its own: a table set horizontally under a block of columns is read after all of them,
 * not after the first column it happens to reach past.
 */
function bands<P extends Box>(pieces: readonly P[]): P[][] {
  const out: { x1: number; pieces: P[] }[] = [];
  for (const p of [...pieces].sort((a, b) => a.x0 - b.x0)) {
    const last = out[out.length - 1];
    if (last !== undefined && p.x0 <= last.x1) {
      last.pieces.push(p);
      last.x1 = Math.max(last.x1, p.x1);
    } else out.push({ x1: p.x1, pieces: [p] });
  }
  return out.map((b) => b.pieces);
}

function isCaptionOf(line: Line, table: RuledTable): boolean {
  if (
    !/^(?:表|Table)\s*[0-9０-９]/i.test(line.text.trim()) &&
    !/^表[-‐－]\s*[0-9０-９]/.test(line.text.trim())
  )
    return false;
  const near = 3 * line.size;
  const above = table.top - line.bottom;
  const below = line.top - table.bottom;
  const overlaps = Math.min(line.x1, table.x1) - Math.max(line.x0, table.x0) > 0;
  return overlaps && ((above >= -1 && above <= near) || (below >= -1 && below <= near));
}

// Japanese when a tenth of the letters are kana or kanji; manuals mix in a lot of Latin part numbers.
function languageOf(lines: readonly Line[]): string | undefined {
  let cjk = 0;
  let letters = 0;
  for (const l of lines) {
    cjk += l.text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu)?.length ?? 0;
    letters += l.text.match(/\p{L}/gu)?.length ?? 0;
  }
  if (letters === 0) return undefined;
  return cjk >= letters * 0.1 ? 'ja' : 'en';
}
