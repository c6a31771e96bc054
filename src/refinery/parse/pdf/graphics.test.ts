import { describe, expect, it } from 'vitest';
import type { Matrix } from './geometry.js';
import { graphicsOf, type OperatorList } from './graphics.js';
import { OPS } from './pdfjs.js';

// A4 page: PDF user space (origin bottom-left) to top-left page space.
const viewport: Matrix = [1, 0, 0, -1, 0, 842];
const area = 595 * 842;
const rect = (x: number, y: number, w: number, h: number) =>
  new Float32Array([0, x, y, 1, x + w, y, 1, x + w, y + h, 1, x, y + h, 4]);

function list(...ops: [number, unknown][]): OperatorList {
  return { fnArray: ops.map((o) => o[0]), argsArray: ops.map((o) => o[1]) };
}

describe('graphicsOf', () => {
  it('reads stroked lines as rulings in top-left page space', () => {
    const path = new Float32Array([0, 100, 742, 1, 300, 742]);
    const g = graphicsOf(list([OPS.constructPath, [OPS.stroke, [path], null]]), viewport, area);
    expect(g.rulings).toEqual([{ axis: 'h', at: 100, from: 100, to: 300 }]);
  });

  it('reads thin filled rectangles as rulings, through the current transformation', () => {
    const g = graphicsOf(
      list(
        [OPS.save, null],
        [OPS.transform, [1, 0, 0, 1, 50, 0]],
        [OPS.constructPath, [OPS.fill, [rect(10, 100, 0.5, 200)], null]],
        [OPS.restore, null],
        [OPS.constructPath, [OPS.fill, [rect(10, 100, 0.5, 200)], null]],
      ),
      viewport,
      area,
    );
    expect(g.rulings).toEqual([
      { axis: 'v', at: 60.25, from: 542, to: 742 },
      { axis: 'v', at: 10.25, from: 542, to: 742 },
    ]);
  });

  it('reads a ruling drawn as stacked 0.5 × 1 pt images as pieces of one vertical line', () => {
    const dots = [0, 1, 2].flatMap((i): [number, unknown][] => [
      [OPS.save, null],
      [OPS.transform, [0.5, 0, 0, 1, 200, 500 + i]],
      [OPS.paintImageXObject, ['img', 1, 2]],
      [OPS.restore, null],
    ]);
    const g = graphicsOf(list(...dots), viewport, area);
    expect(g.rulings.map((r) => [r.axis, r.at])).toEqual([
      ['v', 200.25],
      ['v', 200.25],
      ['v', 200.25],
    ]);
    expect(g.imageCover).toBe(0);
  });

  it('measures how much of the page images cover', () => {
    const g = graphicsOf(
      list(
        [OPS.save, null],
        [OPS.transform, [595, 0, 0, 842, 0, 0]],
        [OPS.paintImageXObject, ['scan', 1, 1]],
        [OPS.restore, null],
      ),
      viewport,
      area,
    );
    expect(g.imageCover).toBeCloseTo(1);
    expect(g.rulings).toEqual([]);
  });

  it('counts filled curve paths, which is how glyphs drawn as outlines show up', () => {
    const glyph = new Float32Array([0, 10, 10, 2, 12, 14, 16, 14, 18, 10, 4]);
    const g = graphicsOf(list([OPS.constructPath, [OPS.fill, [glyph], null]]), viewport, area);
    expect(g.curveFills).toBe(1);
  });
});
