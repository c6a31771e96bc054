/**
 * Ruling lines found in a scanned page's pixels, so a scanned table is read as a table like a drawn one.
 * A ruling is a long, thin run of dark pixels: text never makes one (its strokes are short and broken by
 * the gaps between characters), a photo or a filled box is too thick to be one.
 */
import type { Ruling } from './graphics.js';

/** A greyscale raster, one byte per pixel, rows top to bottom (as pdftoppm's PGM writes it). */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

export interface RasterRulingOptions {
  /** Points per pixel: 72 / dpi. */
  readonly scale: number;
  /** Shortest ruling, in points (default 28 pt, a centimetre: longer than a stroke of a 24 pt character). */
  readonly minLength?: number;
  /** Thickest ruling, in points (default 2.5 pt); anything thicker is a bar or a filled box. */
  readonly maxThickness?: number;
}

const dark = 150;

/** Horizontal and vertical rulings of the image, in points (top-left origin). */
export function rasterRulings(image: GreyImage, options: RasterRulingOptions): Ruling[] {
  return rulingsOf(strokesOf(image, options), options.scale);
}

/** The image's long thin dark strokes, in pixels. */
export function strokesOf(image: GreyImage, options: RasterRulingOptions): Stroke[] {
  const { scale } = options;
  const minRun = Math.max(8, Math.round((options.minLength ?? 28) / scale));
  const maxThick = Math.max(2, Math.round((options.maxThickness ?? 2.5) / scale));
  const at = (x: number, y: number) => image.pixels[y * image.width + x]! < dark;
  return [
    ...strokes(image.height, image.width, (row, i) => at(i, row), minRun, maxThick, 'h'),
    ...strokes(image.width, image.height, (col, i) => at(col, i), minRun, maxThick, 'v'),
  ];
}

export function rulingsOf(found: readonly Stroke[], scale: number): Ruling[] {
  return found.map((s) => ({
    axis: s.axis,
    at: ((s.first + s.last + 1) / 2) * scale,
    from: s.from * scale,
    to: s.to * scale,
  }));
}

/**
 * The image with its strokes painted white: tesseract reads a ruling beside a character as 「|」 or 「1」
 * (「M12|85」 → 「M12185」) and loses confidence in the whole line.
 */
export function withoutStrokes(image: GreyImage, found: readonly Stroke[]): GreyImage {
  const pixels = new Uint8Array(image.pixels);
  for (const s of found) {
    // a pixel either side: the anti-aliased edge of the line
    const across = [Math.max(0, s.first - 1), s.last + 1] as const;
    for (let line = across[0]; line <= across[1]; line++) {
      for (let i = s.from; i <= s.to; i++) {
        const [x, y] = s.axis === 'h' ? [i, line] : [line, i];
        if (x < image.width && y < image.height) pixels[y * image.width + x] = 255;
      }
    }
  }
  return { ...image, pixels };
}

export interface Stroke {
  readonly axis: 'h' | 'v';
  /** First and last line (row or column) the stroke covers. */
  first: number;
  last: number;
  from: number;
  to: number;
}

/**
 * Long runs along each line (a row for horizontal strokes), a gap of a pixel or two bridged as scan noise;
 * runs on neighbouring lines that overlap are one stroke, kept when it is thin enough.
 */
function strokes(
  lines: number,
  length: number,
  darkAt: (line: number, i: number) => boolean,
  minRun: number,
  maxThick: number,
  axis: 'h' | 'v',
): Stroke[] {
  const done: Stroke[] = [];
  let open: Stroke[] = [];
  for (let line = 0; line < lines; line++) {
    const runs: [number, number][] = [];
    let start = -1;
    let lastDark = -10;
    for (let i = 0; i <= length; i++) {
      const d = i < length && darkAt(line, i);
      if (d) {
        if (start < 0 || i - lastDark > 3) {
          if (start >= 0 && lastDark - start + 1 >= minRun) runs.push([start, lastDark]);
          start = i;
        }
        lastDark = i;
      }
    }
    if (start >= 0 && lastDark - start + 1 >= minRun) runs.push([start, lastDark]);
    const next: Stroke[] = [];
    for (const [from, to] of runs) {
      const joined = open.find((s) => s.from <= to && from <= s.to);
      if (joined !== undefined) {
        joined.last = line;
        joined.from = Math.min(joined.from, from);
        joined.to = Math.max(joined.to, to);
        if (!next.includes(joined)) next.push(joined);
      } else next.push({ axis, first: line, last: line, from, to });
    }
    for (const s of open) if (!next.includes(s)) done.push(s);
    open = next;
  }
  done.push(...open);
  return done.filter((s) => s.last - s.first + 1 <= maxThick);
}
