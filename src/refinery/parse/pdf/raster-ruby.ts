/**
 * Ruby (furigana) in a scanned page's pixels. Tesseract does not read a reading as a line of its own: the small
 * kana over a word spoil the word itself (作業 read at confidence 15, 危険 as 「米険」, a line's end dropped). So
 * the readings are found in the pixels and painted out before OCR, as DOCX, HTML and the text layer leave them
 * out of the text. A reading is a row of ink at most 0.65 times the size of the line it sits on (beside it, to
 * the right, in vertical writing), close against it, within its length, and over full-width characters: a small
 * label over a part number such as 「P-101」 stays.
 */
import type { GreyImage } from './raster-rulings.js';
import { unionFind } from './union-find.js';

/** A box of pixels: x0/top inclusive, x1/bottom exclusive. */
export interface PixelBox {
  readonly x0: number;
  readonly x1: number;
  readonly top: number;
  readonly bottom: number;
}

const dark = 150;

/** The bounding boxes of the image's connected blots of ink (8-connected), found run by run. */
export function inkComponents(image: GreyImage): PixelBox[] {
  const { width, height, pixels } = image;
  const starts: number[] = [];
  const ends: number[] = [];
  const rows: number[] = [];
  const joins: [number, number][] = [];
  let previous: [number, number] = [0, 0];
  for (let y = 0; y < height; y++) {
    const first = starts.length;
    let x = 0;
    const line = y * width;
    while (x < width) {
      if (pixels[line + x]! >= dark) {
        x++;
        continue;
      }
      const start = x;
      while (x < width && pixels[line + x]! < dark) x++;
      // Runs of the row above that touch this one, diagonals included.
      for (let r = previous[0]; r < previous[1]; r++) {
        if (ends[r]! >= start && starts[r]! <= x) joins.push([r, starts.length]);
      }
      starts.push(start);
      ends.push(x);
      rows.push(y);
    }
    previous = [first, starts.length];
  }
  const sets = unionFind(starts.length);
  for (const [a, b] of joins) sets.join(a, b);
  const boxes = new Map<number, { x0: number; x1: number; top: number; bottom: number }>();
  for (let r = 0; r < starts.length; r++) {
    const root = sets.find(r);
    const box = boxes.get(root);
    if (box === undefined)
      boxes.set(root, { x0: starts[r]!, x1: ends[r]!, top: rows[r]!, bottom: rows[r]! + 1 });
    else {
      box.x0 = Math.min(box.x0, starts[r]!);
      box.x1 = Math.max(box.x1, ends[r]!);
      box.bottom = Math.max(box.bottom, rows[r]! + 1);
    }
  }
  return [...boxes.values()];
}

/** Height of the page's bands in pixels, for finding rows near a blot. */
const band = 64;

/** More blots than a page of text has (about 3,000 on a dense A4 page at 300 dpi). */
const maxLetters = 20_000;

/** A row of ink in line coordinates: `x` runs along the line, `y` across it, readings on the smaller-y side. */
interface Row {
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  readonly blots: PixelBox[];
}

/**
 * The blots of the image's readings, in pixels. `vertical` reads the page as columns of vertical writing, their
 * readings to the right. `scale` is points per pixel (72 / dpi).
 */
export function rubyBlots(image: GreyImage, vertical: boolean, scale: number): PixelBox[] {
  // In vertical writing a column is a line turned a quarter: along it is down the page, and its right side is
  // the side the readings are on.
  const toLine = (b: PixelBox): PixelBox =>
    vertical ? { x0: b.top, x1: b.bottom, top: -b.x1, bottom: -b.x0 } : b;
  const fromLine = (b: PixelBox): PixelBox =>
    vertical ? { x0: -b.bottom, x1: -b.top, top: b.x0, bottom: b.x1 } : b;
  // Specks (the dots of a dotted rule, a reading's voicing marks) and anything larger than a 72 pt character
  // (a photo, a logo, a frame) are not letters; specks inside a reading go with it.
  const [speck, largest] = [2 / scale, 72 / scale];
  const blots = inkComponents(image);
  const letters = blots
    .filter(
      (b) => b.x1 - b.x0 + (b.bottom - b.top) >= speck && Math.max(b.x1 - b.x0, b.bottom - b.top) <= largest,
    )
    .map(toLine);
  // A page of halftone or noise has blots by the ten thousand: no manual with ruby looks like that.
  if (letters.length > maxLetters) return [];
  const specks = blots.filter((b) => b.x1 - b.x0 + (b.bottom - b.top) < speck).map(toLine);
  const rows = rowsOf(letters, largest).map(factsOf);
  const smallest = 4 / scale;
  // A base is a line of four characters or more; a reading, two kana or more, each about as wide as it is
  // tall. The top of a kanji split from its foot (the 宀 of 容, the dots of 学, the 丷 of 前) is one blot or
  // a few narrow ones, over one character; characters stacked in a column read across are rows of two or three.
  const bases = rows
    .filter((r) => r.size >= smallest && r.cells.length >= 4)
    .sort((a, b) => a.row.top - b.row.top);
  const out: PixelBox[] = [];
  for (const reading of rows) {
    if (reading.cells.filter((c) => c.x1 - c.x0 >= 0.5 * reading.size).length < 2) continue;
    // Bases start just under the reading: within 0.4 of the largest letter's size below its bottom.
    let i = firstAtOrAfter(bases, reading.row.bottom - 0.1 * largest);
    for (; i < bases.length && bases[i]!.row.top <= reading.row.bottom + 0.4 * largest; i++) {
      if (bases[i] !== reading && isBaseOf(bases[i]!, reading)) {
        const box = reading.row;
        const marks = specks.filter(
          (m) => m.x0 >= box.x0 && m.x1 <= box.x1 && m.top >= box.top && m.bottom <= box.bottom,
        );
        out.push(...[...box.blots, ...marks].map(fromLine));
        break;
      }
    }
  }
  return out;
}

/** A row with what the tests ask of it computed once: its characters and letter size. */
interface RowFacts {
  readonly row: Row;
  readonly cells: readonly PixelBox[];
  readonly size: number;
}

function factsOf(row: Row): RowFacts {
  const cells = cellsOf(row.blots);
  // The height three quarters of its characters stay within (punctuation is small).
  const heights = cells.map((c) => c.bottom - c.top).sort((a, b) => a - b);
  return { row, cells, size: heights[Math.ceil(0.75 * (heights.length - 1))] ?? 0 };
}

/** Index of the first base whose top is at or below `y` (bases sorted by top). */
function firstAtOrAfter(bases: readonly RowFacts[], y: number): number {
  let [lo, hi] = [0, bases.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bases[mid]!.row.top < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Blots grouped into rows: a blot joins the row it overlaps most across, if it is near that row's end. Blots
 * come left to right, so a row ended further back than any letter reaches is put aside.
 */
function rowsOf(blots: readonly PixelBox[], largest: number): Row[] {
  const rows: Row[] = [];
  // Rows by the bands of the page they cross: a blot looks only at rows beside it.
  const byBand = new Map<number, Set<Row>>();
  const file = (row: Row) => {
    for (let k = Math.floor(row.top / band); k <= Math.floor((row.bottom - 1) / band); k++) {
      const set = byBand.get(k) ?? new Set<Row>();
      set.add(row);
      byBand.set(k, set);
    }
  };
  for (const b of [...blots].sort((p, q) => p.x0 - q.x0)) {
    const h = b.bottom - b.top;
    const near = new Set<Row>();
    for (let k = Math.floor(b.top / band); k <= Math.floor((b.bottom - 1) / band); k++) {
      const set = byBand.get(k);
      if (set === undefined) continue;
      for (const row of set) {
        // Ended further back than any letter reaches: it takes nothing more.
        if (b.x0 - row.x1 > 1.5 * Math.max(largest, row.bottom - row.top)) set.delete(row);
        else near.add(row);
      }
    }
    let best: Row | undefined;
    let bestOverlap = 0;
    for (const row of near) {
      const overlap = Math.min(row.bottom, b.bottom) - Math.max(row.top, b.top);
      const reach = 1.5 * Math.max(h, row.bottom - row.top);
      if (overlap < 0.5 * Math.min(h, row.bottom - row.top) || b.x0 - row.x1 > reach) continue;
      if (overlap > bestOverlap) [best, bestOverlap] = [row, overlap];
    }
    if (best === undefined) {
      const row = { ...b, blots: [b] };
      rows.push(row);
      file(row);
    } else {
      best.blots.push(b);
      best.x1 = Math.max(best.x1, b.x1);
      best.top = Math.min(best.top, b.top);
      best.bottom = Math.max(best.bottom, b.bottom);
      file(best);
    }
  }
  return withPartsJoined(rows);
}

/**
 * Rows lying mostly within a taller row's band, beside or under it, joined to it. A kanji's top drawn apart
 * from its foot (the 亜 of 悪, the 郷 of 響) can start a row of its own when it comes first along the line;
 * a reading sits outside its base's band, so it stays apart. Kept rows are found by the bands of the page
 * they cross.
 */
function withPartsJoined(rows: Row[]): Row[] {
  const bySize = [...rows].sort((a, b) => b.bottom - b.top - (a.bottom - a.top));
  const kept: Row[] = [];
  const byBand = new Map<number, Row[]>();
  const bandsOf = (r: Row) => {
    const out: number[] = [];
    for (let k = Math.floor(r.top / band); k <= Math.floor((r.bottom - 1) / band); k++) out.push(k);
    return out;
  };
  for (const row of bySize) {
    const h = row.bottom - row.top;
    const near = new Set(bandsOf(row).flatMap((k) => byBand.get(k) ?? []));
    const host = kept.find((k) => {
      if (!near.has(k)) return false;
      const across = Math.min(k.bottom, row.bottom) - Math.max(k.top, row.top);
      const reach = k.bottom - k.top;
      return across >= 0.5 * h && row.x0 <= k.x1 + reach && row.x1 >= k.x0 - reach;
    });
    if (host === undefined) {
      kept.push(row);
      for (const k of bandsOf(row)) byBand.set(k, [...(byBand.get(k) ?? []), row]);
    } else {
      host.blots.push(...row.blots);
      host.x0 = Math.min(host.x0, row.x0);
      host.x1 = Math.max(host.x1, row.x1);
    }
  }
  return kept;
}

/** Characters of a row: blots that overlap along it are one character (「三」's strokes). */
function cellsOf(blots: readonly PixelBox[]): PixelBox[] {
  const cells: { x0: number; x1: number; top: number; bottom: number }[] = [];
  for (const b of [...blots].sort((p, q) => p.x0 - q.x0)) {
    const last = cells.at(-1);
    if (last !== undefined && b.x0 < last.x1) {
      last.x1 = Math.max(last.x1, b.x1);
      last.top = Math.min(last.top, b.top);
      last.bottom = Math.max(last.bottom, b.bottom);
    } else cells.push({ ...b });
  }
  return cells;
}

function isBaseOf(base: RowFacts, reading: RowFacts): boolean {
  if (reading.size > 0.65 * base.size) return false;
  const gap = base.row.top - reading.row.bottom;
  if (gap < -0.1 * base.size || gap > 0.4 * base.size) return false;
  if (reading.row.x0 < base.row.x0 - 0.5 * base.size || reading.row.x1 > base.row.x1 + 0.5 * base.size)
    return false;
  // Over full-width characters: a kanji is most of an em wide, a Latin letter or digit half of one.
  const under = base.cells.filter((c) => c.x1 > reading.row.x0 && c.x0 < reading.row.x1);
  return under.some((c) => c.x1 - c.x0 >= 0.7 * base.size);
}

/** The image with the given blots painted white, a pixel round each (the anti-aliased edge). */
export function withoutBlots(image: GreyImage, blots: readonly PixelBox[]): GreyImage {
  const pixels = new Uint8Array(image.pixels);
  for (const b of blots) {
    const [x0, x1] = [Math.max(0, b.x0 - 1), Math.min(image.width, b.x1 + 1)];
    for (let y = Math.max(0, b.top - 1); y < Math.min(image.height, b.bottom + 1); y++)
      pixels.fill(255, y * image.width + x0, y * image.width + x1);
  }
  return { ...image, pixels };
}
