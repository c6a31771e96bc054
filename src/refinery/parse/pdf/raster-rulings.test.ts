import { describe, expect, it } from 'vitest';
import { rasterRulings } from './raster-rulings.js';

/** A white image with dark rectangles drawn into it. */
function image(width: number, height: number, boxes: readonly [number, number, number, number][]) {
  const pixels = new Uint8Array(width * height).fill(255);
  for (const [x0, y0, x1, y1] of boxes)
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) pixels[y * width + x] = 20;
  return { width, height, pixels };
}

describe('rasterRulings', () => {
  it("finds a scanned table's rulings, bridging the scan's one-pixel breaks", () => {
    const grid = image(400, 300, [
      // three rows of a two-column table, 2 px lines; the middle rule broken for a pixel
      [50, 50, 350, 52],
      [50, 100, 120, 102],
      [121, 100, 350, 102],
      [50, 150, 350, 152],
      [50, 50, 52, 152],
      [200, 50, 202, 152],
      [348, 50, 350, 152],
    ]);
    const found = rasterRulings(grid, { scale: 1, minLength: 20, maxThickness: 4 });
    const h = found.filter((r) => r.axis === 'h').map((r) => [r.at, r.from, r.to]);
    const v = found.filter((r) => r.axis === 'v').map((r) => [r.at, r.from, r.to]);
    expect(h).toEqual([
      [51, 50, 349],
      [101, 50, 349],
      [151, 50, 349],
    ]);
    expect(v).toEqual([
      [51, 50, 151],
      [201, 50, 151],
      [349, 50, 151],
    ]);
  });

  it('takes no ruling from text strokes or from a filled box, and scales pixels to points', () => {
    const page = image(300, 200, [
      // characters: short strokes with gaps between them
      ...Array.from({ length: 12 }, (_, i): [number, number, number, number] => [
        20 + i * 14,
        20,
        30 + i * 14,
        22,
      ]),
      // a filled box: far thicker than a ruling
      [20, 60, 280, 120],
      // one real rule
      [20, 150, 280, 152],
    ]);
    expect(
      rasterRulings(page, { scale: 72 / 300, minLength: 20 * (72 / 300), maxThickness: 4 * (72 / 300) }),
    ).toEqual([{ axis: 'h', at: 151 * (72 / 300), from: 20 * (72 / 300), to: 279 * (72 / 300) }]);
  });
});
