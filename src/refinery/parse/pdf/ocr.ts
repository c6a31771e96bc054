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
  const dpi = options.dpi ?? 300;
  const timeout = options.timeoutMs ?? 120_000;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  return async (pdf, pages) => {
    const dir = await mkdtemp(join(tmpdir(), 'musubi-ocr-'));
    try {
      const input = join(dir, 'in.pdf');
      await writeFile(input, pdf);
      const out = new Map<number, OcrPage>();
      const readPage = async (page: number): Promise<void> => {
        const image = join(dir, `p${page}`);
        const n = String(page);
        // PGM: tesseract reads it, and so can we, for the page's ruling lines.
        await run('pdftoppm', ['-r', String(dpi), '-gray', '-f', n, '-l', n, '-singlefile', input, image], {
          timeout,
        });
        const pixels = greyImage(await readFile(`${image}.pgm`));
        const strokes = pixels === undefined ? [] : strokesOf(pixels, { scale: 72 / dpi });
        const rulings = rulingsOf(strokes, 72 / dpi);
        // Tesseract reads the page without its rulings; the tables keep them.
        if (pixels !== undefined && strokes.length > 0)
          await writeFile(`${image}.pgm`, pgmOf(withoutStrokes(pixels, strokes)));
        const read = async (languages: string): Promise<OcrLine[]> => {
          const base = join(dir, `p${page}-${languages}`);
          await run(
            'tesseract',
            [`${image}.pgm`, base, '-l', languages, '--dpi', String(dpi), '--psm', '3', 'tsv'],
            {
              timeout,
              env: { ...process.env, OMP_THREAD_LIMIT: '1' },
            },
          );
          return linesOfTsv(await readFile(`${base}.tsv`, 'utf8'), 72 / dpi);
        };
        const first = await read(options.languages ?? 'jpn');
        const lines = options.languages === undefined && mostlyLatin(first) ? await read('eng+jpn') : first;
        out.set(page, { lines, rulings });
      };
      // A few pages at a time: one scanned document otherwise keeps one core busy and the other idle.
      let next = 0;
      const runner = async (): Promise<void> => {
        while (next < pages.length) await readPage(pages[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, pages.length) }, runner));
      return new Map(pages.flatMap((p) => (out.has(p) ? [[p, out.get(p)!] as const] : [])));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
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
