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
  // Specks, and anything larger than a 72 pt character (a photo, a logo, a frame), are not letters.
  const [speck, largest] = [1 / scale, 72 / scale];
  const letters = inkComponents(image)
    .filter(
      (b) => b.x1 - b.x0 + (b.bottom - b.top) >= speck && Math.max(b.x1 - b.x0, b.bottom - b.top) <= largest,
    )
    .map(toLine);
  const rows = rowsOf(letters);
  const sizes = new Map(rows.map((r) => [r, sizeOf(r)]));
  const out: PixelBox[] = [];
  const smallest = 4 / scale;
  for (const reading of rows) {
    const size = sizes.get(reading)!;
    const base = rows.find(
      (b) => b !== reading && sizes.get(b)! >= smallest && isBaseOf(b, sizes.get(b)!, reading, size),
    );
    if (base !== undefined) out.push(...reading.blots.map(fromLine));
  }
  return out;
}

/** Blots grouped into rows: a blot joins the row it overlaps most across, if it is near that row's end. */
function rowsOf(blots: readonly PixelBox[]): Row[] {
  const rows: Row[] = [];
  for (const b of [...blots].sort((p, q) => p.x0 - q.x0)) {
    const h = b.bottom - b.top;
    let best: Row | undefined;
    let bestOverlap = 0;
    for (const row of rows) {
      const overlap = Math.min(row.bottom, b.bottom) - Math.max(row.top, b.top);
      const reach = 1.5 * Math.max(h, row.bottom - row.top);
      if (overlap < 0.5 * Math.min(h, row.bottom - row.top) || b.x0 - row.x1 > reach) continue;
      if (overlap > bestOverlap) [best, bestOverlap] = [row, overlap];
    }
    if (best === undefined) rows.push({ ...b, blots: [b] });
    else {
      best.blots.push(b);
      best.x1 = Math.max(best.x1, b.x1);
      best.top = Math.min(best.top, b.top);
      best.bottom = Math.max(best.bottom, b.bottom);
    }
  }
  return withPartsJoined(rows);
}

/**
 * Rows lying mostly within a taller row's band, beside or under it, joined to it. A kanji's top drawn apart
 * from its foot (the 亜 of 悪, the 郷 of 響) can start a row of its own when it comes first along the line;
 * a reading sits outside its base's band, so it stays apart.
 */
function withPartsJoined(rows: Row[]): Row[] {
  const bySize = [...rows].sort((a, b) => b.bottom - b.top - (a.bottom - a.top));
  const kept: Row[] = [];
  for (const row of bySize) {
    const h = row.bottom - row.top;
    const host = kept.find((k) => {
      const across = Math.min(k.bottom, row.bottom) - Math.max(k.top, row.top);
      const reach = k.bottom - k.top;
      return across >= 0.5 * h && row.x0 <= k.x1 + reach && row.x1 >= k.x0 - reach;
    });
    if (host === undefined) kept.push(row);
    else {
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

/** A row's letter size: the height three quarters of its characters stay within (punctuation is small). */
function sizeOf(row: Row): number {
  const heights = cellsOf(row.blots)
    .map((c) => c.bottom - c.top)
    .sort((a, b) => a - b);
  return heights[Math.ceil(0.75 * (heights.length - 1))] ?? 0;
}

function isBaseOf(base: Row, baseSize: number, reading: Row, readingSize: number): boolean {
  if (readingSize > 0.65 * baseSize) return false;
  // A reading is two kana or more, each about as wide as it is tall; the line it reads is four characters or
  // more. The
  // top of a kanji split from its foot (the 宀 of 容, the dots of 学, the 丷 of 前) is one blot or a few
  // narrow ones, over one character; characters stacked in a column read across are rows of two or three.
  const kana = cellsOf(reading.blots).filter((c) => c.x1 - c.x0 >= 0.5 * readingSize);
  if (kana.length < 2 || cellsOf(base.blots).length < 4) return false;
  const gap = base.top - reading.bottom;
  if (gap < -0.1 * baseSize || gap > 0.4 * baseSize) return false;
  if (reading.x0 < base.x0 - 0.5 * baseSize || reading.x1 > base.x1 + 0.5 * baseSize) return false;
  // Over full-width characters: a kanji is most of an em wide, a Latin letter or digit half of one.
  const under = cellsOf(base.blots).filter((c) => c.x1 > reading.x0 && c.x0 < reading.x1);
  return under.some((c) => c.x1 - c.x0 >= 0.7 * baseSize);
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
