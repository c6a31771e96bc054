/**
 * OCR at the edge: pages are rasterised with poppler's `pdftoppm` and read with `tesseract`. The parser
 * takes this as a dependency so tests can run with and without it; `systemOcr()` returns undefined
 * when either binary is missing, and the parser then lists the pages in `metadata.needsOcr`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { joinPieces, repairCjkSpacing } from './cjk.js';
import type { Box } from './geometry.js';
import type { Ruling } from './graphics.js';
import { rubyBlots, withoutBlots } from './raster-ruby.js';
import { type GreyImage, rulingsOf, strokesOf, withoutStrokes } from './raster-rulings.js';

const run = promisify(execFile);

/** One recognised word, in points on the page (top-left origin). */
export interface OcrWord extends Box {
  readonly text: string;
  /** 0–100. */
  readonly confidence: number;
}

/** One recognised line; its words are kept so a line crossing a table's cells can be split among them. */
export interface OcrLine extends OcrWord {
  /** Mean word confidence, 0–100. */
  readonly confidence: number;
  readonly words?: readonly OcrWord[];
}

/** What OCR found on one page: its lines and the ruling lines drawn in its pixels. */
export interface OcrPage {
  readonly lines: readonly OcrLine[];
  readonly rulings?: readonly Ruling[];
  /** Read as vertical writing (縦書き): each line is a column, read top to bottom. */
  readonly vertical?: boolean;
}

/** Reads the given 1-based pages of a PDF. */
export type PageOcr = (pdf: Uint8Array, pages: readonly number[]) => Promise<ReadonlyMap<number, OcrPage>>;

export interface TesseractOptions {
  /** Raster resolution; 300 dpi is what tesseract is trained for. */
  readonly dpi?: number;
  /**
   * Tesseract languages for every page. By default a page is read with `jpn` alone and read again with
   * `eng+jpn` when that gives mostly Latin letters: on Japanese pages `jpn+eng` invents Latin words
   * (character-bigram F1 against the text layer 0.858 vs 0.871 for `jpn`, on 21 pages of the 12 manufacturing
   * PDFs, and 25 % slower), while `jpn` alone reads an English page as 「Ma1ntenance」.
   */
  readonly languages?: string;
  /** Per page, so a stuck page cannot hold the parse forever. */
  readonly timeoutMs?: number;
  /** Pages read at once (each tesseract on one thread); 2 by default. */
  readonly concurrency?: number;
}

/** OCR with pdftoppm + tesseract, or undefined when they are not both installed. */
export async function systemOcr(options: TesseractOptions = {}): Promise<PageOcr | undefined> {
  const found = await Promise.all([has('pdftoppm', ['-v']), has('tesseract', ['--version'])]);
  return found.every(Boolean) ? tesseractOcr(options) : undefined;
}

async function has(binary: string, args: readonly string[]): Promise<boolean> {
  try {
    await run(binary, [...args], { timeout: 10_000 });
    return true;
  } catch (e) {
    // Only "not found" means absent; a non-zero exit still proves the binary is there.
    return (e as { code?: unknown }).code !== 'ENOENT';
  }
}

/** OCR with pdftoppm + tesseract (both must be on PATH). */
export function tesseractOcr(options: TesseractOptions = {}): PageOcr {
  const raster = rasterReader(options);
  return async (pdf, pages) =>
    withPdfFile(pdf, async (dir, input) => {
      const out = new Map<number, OcrPage>();
      await eachAtOnce(pages, raster.concurrency, async (page) => {
        out.set(page, await raster.read(dir, input, page));
      });
      return new Map(pages.flatMap((p) => (out.has(p) ? [[p, out.get(p)!] as const] : [])));
    });
}

/** A part of a page to read: an image painted on a page that has a text layer of its own. */
export interface PageRegion {
  readonly page: number;
  /** In points, top-left origin. */
  readonly box: Box;
}

/**
 * Text inside the images of pages that have a text layer: chart labels, screenshots, a scanned form pasted
 * into a report. `imagePages` lists the pages painting a large image cheaply (no rasterising), so only those
 * pages' images are located and read.
 */
export interface FigureOcr {
  readonly imagePages: (pdf: Uint8Array) => Promise<ReadonlySet<number>>;
  /** The lines read in each region (in the regions' order), in points on the page. */
  readonly read: (pdf: Uint8Array, regions: readonly PageRegion[]) => Promise<(readonly OcrLine[])[]>;
}

/** An image smaller than this on the page (points) holds an icon or a logo, not text worth reading. */
export const figureMinimum = { width: 72, height: 54, area: 2.5 * 72 * 72 };

/** Figure OCR with pdfimages + pdftoppm + tesseract, or undefined when they are not all installed. */
export async function systemFigureOcr(options: TesseractOptions = {}): Promise<FigureOcr | undefined> {
  const found = await Promise.all([
    has('pdfimages', ['-v']),
    has('pdftoppm', ['-v']),
    has('tesseract', ['--version']),
  ]);
  return found.every(Boolean) ? tesseractFigureOcr(options) : undefined;
}

/** Figure OCR with poppler's pdfimages and pdftoppm and tesseract (all on PATH). */
export function tesseractFigureOcr(options: TesseractOptions = {}): FigureOcr {
  const raster = rasterReader(options);
  return {
    imagePages: (pdf) =>
      withPdfFile(pdf, async (_dir, input) => {
        const { stdout } = await run('pdfimages', ['-list', input], {
          timeout: raster.timeout,
          maxBuffer: 64 * 2 ** 20,
        });
        return largeImagePages(stdout);
      }),
    read: (pdf, regions) =>
      withPdfFile(pdf, async (dir, input) => {
        const out: OcrLine[][] = regions.map(() => []);
        await eachAtOnce([...regions.keys()], raster.concurrency, async (i) => {
          const region = regions[i]!;
          out[i] = [...(await raster.read(dir, input, region.page, region.box)).lines];
        });
        return out;
      }),
  };
}

/**
 * Pages painting an image at least `figureMinimum` in size, from `pdfimages -list` (page, kind, pixels and
 * the resolution it is drawn at, so its size on the page). Masks and stencils are not pictures of their own.
 */
export function largeImagePages(listing: string): Set<number> {
  const pages = new Set<number>();
  for (const row of listing.split('\n').slice(2)) {
    const f = row.trim().split(/\s+/);
    if (f.length < 14 || f[2] !== 'image') continue;
    const [page, width, height, xppi, yppi] = [f[0], f[3], f[4], f[12], f[13]].map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    if (!(xppi > 0 && yppi > 0)) continue;
    const w = (width / xppi) * 72;
    const h = (height / yppi) * 72;
    if (w >= figureMinimum.width && h >= figureMinimum.height && w * h >= figureMinimum.area) pages.add(page);
  }
  return pages;
}

async function withPdfFile<T>(pdf: Uint8Array, work: (dir: string, input: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'musubi-ocr-'));
  try {
    const input = join(dir, 'in.pdf');
    await writeFile(input, pdf);
    return await work(dir, input);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A few at a time: one document otherwise keeps one core busy and the other idle. */
async function eachAtOnce<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const runner = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
}

/** Rasterises a page (or a box of it) and reads it: rulings found in the pixels, then painted out. */
function rasterReader(options: TesseractOptions) {
  const dpi = options.dpi ?? 300;
  const timeout = options.timeoutMs ?? 120_000;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const scale = 72 / dpi;
  let made = 0;
  const read = async (dir: string, input: string, page: number, box?: Box): Promise<OcrPage> => {
    const image = join(dir, `p${page}-${made++}`);
    const n = String(page);
    const px = (v: number) => Math.max(0, Math.round(v / scale));
    const crop =
      box === undefined
        ? []
        : ['-x', px(box.x0), '-y', px(box.top), '-W', px(box.x1 - box.x0), '-H', px(box.bottom - box.top)];
    // PGM: tesseract reads it, and so can we, for the page's ruling lines.
    await run(
      'pdftoppm',
      ['-r', String(dpi), '-gray', '-f', n, '-l', n, ...crop.map(String), '-singlefile', input, image],
      { timeout },
    );
    const pixels = greyImage(await readFile(`${image}.pgm`));
    const strokes = pixels === undefined ? [] : strokesOf(pixels, { scale });
    const found = rulingsOf(strokes, scale);
    // Tesseract reads the page without its rulings; the tables keep them.
    const clean = pixels !== undefined && strokes.length > 0 ? withoutStrokes(pixels, strokes) : pixels;
    // A whole page is read without its ruby, horizontal or, when it is read again as columns, vertical.
    const withoutRuby = async (vertical: boolean): Promise<string> => {
      const blots = clean === undefined || box !== undefined ? [] : rubyBlots(clean, vertical, scale);
      const file = `${image}${vertical ? '-columns' : ''}.pgm`;
      if (clean !== undefined && (blots.length > 0 || clean !== pixels || vertical))
        await writeFile(file, pgmOf(withoutBlots(clean, blots)));
      return file;
    };
    // Only a whole page is tried as vertical writing: a figure read poorly is far more often a photo.
    const read = await readImage(
      await withoutRuby(false),
      image,
      {
        ...options,
        dpi,
        timeoutMs: timeout,
        ...(box === undefined ? { vertical: () => withoutRuby(true) } : {}),
      },
      scale,
    );
    const { lines } = read;
    if (box === undefined) return { lines, rulings: found, ...(read.vertical ? { vertical: true } : {}) };
    // A region's pixels start at its corner (rounded as pdftoppm rounds it).
    const dx = px(box.x0) * scale;
    const dy = px(box.top) * scale;
    return { lines: lines.map((l) => shifted(l, dx, dy)) };
  };
  return { read, concurrency, timeout };
}

/**
 * Reads one image file with tesseract: `jpn` first, and `eng+jpn` again when that gives mostly Latin letters
 * (unless `languages` fixes them). Positions come back scaled by `scale` (pixels → points). Without a `dpi`,
 * tesseract takes the image's own resolution, or guesses.
 */
async function readImage(
  file: string,
  base: string,
  options: TesseractOptions & {
    readonly timeoutMs: number;
    /** The page may be vertical writing: the image to read it from as columns. */
    readonly vertical?: () => Promise<string>;
  },
  scale: number,
): Promise<{ lines: OcrLine[]; vertical: boolean }> {
  const recognise = async (languages: string, psm = '3', image = file): Promise<OcrLine[]> => {
    const out = `${base}-${languages}`;
    const dpi = options.dpi === undefined ? [] : ['--dpi', String(options.dpi)];
    await run('tesseract', [image, out, '-l', languages, ...dpi, '--psm', psm, 'tsv'], {
      timeout: options.timeoutMs,
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    return linesOfTsv(await readFile(`${out}.tsv`, 'utf8'), scale);
  };
  const first = await recognise(options.languages ?? 'jpn');
  if (options.languages !== undefined) return { lines: first, vertical: false };
  if (mostlyLatin(first)) return { lines: await recognise('eng+jpn'), vertical: false };
  // Vertical writing read with the horizontal model comes out as noise (mean confidence 20 on vertical.pdf
  // rasterised, against 91 with jpn_vert). A page read that poorly is read again as one block of columns,
  // and that reading kept only when it is clearly good: a horizontal contents page with dot leaders reads
  // at 55 with jpn and at 68 as columns of 「…」, which must stay horizontal.
  if (options.vertical && meanConfidence(first) < verticalRetry && (await hasVerticalModel())) {
    const columns = await recognise('jpn_vert', '5', await options.vertical());
    const better = meanConfidence(columns);
    if (better >= verticalAccept && better - meanConfidence(first) >= 30)
      return { lines: columns, vertical: true };
  }
  return { lines: first, vertical: false };
}

/** Below this mean confidence a page read with `jpn` may be vertical writing. */
const verticalRetry = 40;
/** A reading as columns at least this confident (and 30 points above `jpn`'s) is kept. */
const verticalAccept = 75;

/** Mean word confidence, each word weighted by its characters. */
export function meanConfidence(lines: readonly OcrLine[]): number {
  let sum = 0;
  let chars = 0;
  for (const line of lines) {
    for (const w of line.words ?? [line]) {
      const n = [...w.text].length;
      sum += w.confidence * n;
      chars += n;
    }
  }
  return chars === 0 ? 0 : sum / chars;
}

let verticalModel: Promise<boolean> | undefined;

/** Tesseract has the vertical Japanese model (Debian's tesseract-ocr-jpn-vert). */
function hasVerticalModel(): Promise<boolean> {
  verticalModel ??= run('tesseract', ['--list-langs'], { timeout: 10_000 })
    .then(({ stdout }) => /^jpn_vert$/m.test(stdout))
    .catch(() => false);
  return verticalModel;
}

/** Reads a picture file's bytes (PNG, JPEG, GIF, BMP, TIFF: what tesseract opens); positions in pixels. */
export type ImageOcr = (image: Uint8Array) => Promise<readonly OcrLine[]>;

/** Picture OCR with tesseract, or undefined when it is not installed. */
export async function systemImageOcr(options: TesseractOptions = {}): Promise<ImageOcr | undefined> {
  return (await has('tesseract', ['--version'])) ? tesseractImageOcr(options) : undefined;
}

/** Picture OCR with tesseract (on PATH). */
export function tesseractImageOcr(options: Omit<TesseractOptions, 'dpi' | 'concurrency'> = {}): ImageOcr {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return async (image) => {
    const dir = await mkdtemp(join(tmpdir(), 'musubi-ocr-'));
    try {
      const file = join(dir, 'image');
      await writeFile(file, image);
      return (await readImage(file, join(dir, 'read'), { ...options, timeoutMs }, 1)).lines;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}

function shifted(line: OcrLine, dx: number, dy: number): OcrLine {
  const move = <B extends Box>(b: B): B => ({
    ...b,
    x0: b.x0 + dx,
    x1: b.x1 + dx,
    top: b.top + dy,
    bottom: b.bottom + dy,
  });
  return { ...move(line), ...(line.words === undefined ? {} : { words: line.words.map(move) }) };
}

/** The pixels of a binary greyscale PGM (P5, 8 bits), or undefined for anything else. */
export function greyImage(pgm: Uint8Array): GreyImage | undefined {
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(Buffer.from(pgm.subarray(0, 40)).toString('latin1'));
  if (header === null) return undefined;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(header[0].length);
  return pixels.length >= width * height ? { width, height, pixels } : undefined;
}

function pgmOf(image: GreyImage): Uint8Array {
  return Buffer.concat([Buffer.from(`P5\n${image.width} ${image.height}\n255\n`, 'latin1'), image.pixels]);
}

/** More than half the letters read are Latin: the page is in a Latin script, not Japanese. */
export function mostlyLatin(lines: readonly OcrLine[]): boolean {
  let letters = 0;
  let latin = 0;
  for (const line of lines) {
    for (const c of line.text) {
      if (!/\p{L}/u.test(c)) continue;
      letters++;
      if (/[A-Za-z\u00C0-\u024F]/.test(c)) latin++;
    }
  }
  return latin * 2 > letters;
}

/** Tesseract TSV (level 5 = word) → lines, scaled from pixels to points. */
export function linesOfTsv(tsv: string, scale: number): OcrLine[] {
  const lines = new Map<string, OcrWord[]>();
  for (const row of tsv.split('\n').slice(1)) {
    const f = row.split('\t');
    if (f.length < 12 || f[0] !== '5') continue;
    const text = f.slice(11).join('\t').trim();
    const conf = Number(f[10]);
    if (text === '' || conf < 0) continue;
    const [left, top, width, height] = [f[6], f[7], f[8], f[9]].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    const key = `${f[2]}.${f[3]}.${f[4]}`;
    const word = {
      text,
      confidence: conf,
      x0: left * scale,
      top: top * scale,
      x1: (left + width) * scale,
      bottom: (top + height) * scale,
    };
    lines.set(key, [...(lines.get(key) ?? []), word]);
  }
  return [...lines.values()].map(lineOf);
}

/**
 * The line's words with a space where tesseract saw one: a gap of three quarters of a character or more
 * (「注意　高温」, 「1　電源を切る」). The text shown drops spaces between Japanese characters again; the step,
 * caution and heading markers are read on this one, as on a text layer's raw line. Digits and the hyphens
 * between them stay together whatever the gap (a narrow 「-」, read as 「一」, stands apart in 「3-1」). A column
 * of vertical writing (taller than wide) is measured down the page.
 */
export function spacedText(line: OcrLine): string {
  const words = line.words ?? [];
  if (words.length < 2) return line.text;
  const vertical = line.bottom - line.top > line.x1 - line.x0;
  const size = vertical ? line.x1 - line.x0 : line.bottom - line.top;
  let text = '';
  words.forEach((w, i) => {
    const prev = words[i - 1];
    const gap = prev === undefined ? 0 : vertical ? w.top - prev.bottom : w.x0 - prev.x1;
    const numbering = numberingPart.test(text.slice(-1)) && numberingPart.test(w.text[0] ?? '');
    text =
      prev !== undefined && gap >= 0.75 * size && !numbering
        ? `${text.trimEnd()} ${w.text.trimStart()}`
        : joinPieces(text, w.text);
  });
  return text;
}

/** Digits and what OCR reads the hyphen of 「3-1」 as. */
const numberingPart = /[0-9０-９一ー\-－‐]/;

/** A line of the given words, in the order tesseract read them. */
export function lineOf(words: readonly OcrWord[]): OcrLine {
  return {
    text: repairCjkSpacing(words.map((w) => w.text).reduce(joinPieces, '')),
    confidence: words.reduce((s, w) => s + w.confidence, 0) / words.length,
    x0: Math.min(...words.map((w) => w.x0)),
    top: Math.min(...words.map((w) => w.top)),
    x1: Math.max(...words.map((w) => w.x1)),
    bottom: Math.max(...words.map((w) => w.bottom)),
    words,
  };
}
