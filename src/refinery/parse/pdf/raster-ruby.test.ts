import { describe, expect, it } from 'vitest';
import { inkComponents, type PixelBox, rubyBlots, withoutBlots } from './raster-ruby.js';
import type { GreyImage } from './raster-rulings.js';

/** A white image with the given boxes filled black. */
function image(width: number, height: number, boxes: readonly PixelBox[]): GreyImage {
  const pixels = new Uint8Array(width * height).fill(255);
  for (const b of boxes)
    for (let y = b.top; y < b.bottom; y++) pixels.fill(0, y * width + b.x0, y * width + b.x1);
  return { width, height, pixels };
}

const box = (x0: number, top: number, w: number, h: number): PixelBox => ({
  x0,
  x1: x0 + w,
  top,
  bottom: top + h,
});

/** `n` characters of `w` × `h` pixels along a line from (x, top), `pitch` apart. */
const line = (n: number, x: number, top: number, w: number, h: number, pitch: number): PixelBox[] =>
  Array.from({ length: n }, (_, i) => box(x + i * pitch, top, w, h));

// At 300 dpi: a 12 pt line is 50 pixels, its reading at 6 pt 25.
const scale = 72 / 300;

describe('inkComponents', () => {
  it('finds each blot once, joining pixels that touch at a corner', () => {
    const found = inkComponents(image(20, 10, [box(1, 1, 3, 3), box(4, 4, 2, 2), box(10, 1, 4, 8)]));
    expect(found.sort((a, b) => a.x0 - b.x0)).toEqual([
      { x0: 1, x1: 6, top: 1, bottom: 6 },
      { x0: 10, x1: 14, top: 1, bottom: 9 },
    ]);
  });
});

describe('rubyBlots', () => {
  const base = line(8, 100, 200, 46, 46, 50);

  it('finds small kana set close over full-width characters', () => {
    const reading = line(4, 100, 170, 22, 22, 25);
    const blots = rubyBlots(image(600, 300, [...base, ...reading]), false, scale);
    expect(blots.sort((a, b) => a.x0 - b.x0)).toEqual(reading);
  });

  it('leaves a line with normal leading, a label over narrow letters, and a kanji top apart from its foot', () => {
    // a small line a whole line's height above: a note, not a reading
    const note = line(4, 100, 130, 22, 22, 25);
    expect(rubyBlots(image(600, 300, [...base, ...note]), false, scale)).toEqual([]);
    // over Latin letters and digits (half an em wide): 「ポンプ」 over 「P-101」
    const latin = line(8, 100, 200, 22, 46, 26);
    const label = line(3, 100, 170, 22, 22, 25);
    expect(rubyBlots(image(600, 300, [...latin, ...label]), false, scale)).toEqual([]);
    // one wide blot over the line's first character (the 宀 of 容)
    const top = box(100, 176, 46, 20);
    expect(rubyBlots(image(600, 300, [...base, top]), false, scale)).toEqual([]);
  });

  it('finds a reading to the right of a column of vertical writing, and not in the horizontal reading', () => {
    const column = line(8, 200, 100, 46, 46, 50).map((b) => box(b.top, b.x0, 46, 46));
    const reading = line(3, 250, 150, 22, 22, 25).map((b) => box(b.top, b.x0, 22, 22));
    const page = image(300, 600, [...column, ...reading]);
    expect(rubyBlots(page, true, scale).sort((a, b) => a.top - b.top)).toEqual(reading);
    expect(rubyBlots(page, false, scale)).toEqual([]);
  });
});

describe('withoutBlots', () => {
  it('paints the blots white with a pixel round them, and nothing else', () => {
    const page = image(10, 10, [box(2, 2, 2, 2), box(7, 7, 2, 2)]);
    const out = withoutBlots(page, [box(2, 2, 2, 2)]);
    expect(inkComponents(out)).toEqual([box(7, 7, 2, 2)]);
    expect(inkComponents(page)).toHaveLength(2);
  });
});
