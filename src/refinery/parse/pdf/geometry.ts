/** Page geometry in points, origin top-left (y grows downwards), as the Document model records it. */

export interface Box {
  readonly x0: number;
  readonly top: number;
  readonly x1: number;
  readonly bottom: number;
}

/** A 2-D affine matrix [a, b, c, d, e, f] as PDF writes it. */
export type Matrix = readonly [number, number, number, number, number, number];

export const identity: Matrix = [1, 0, 0, 1, 0, 0];

export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

export function apply(m: Matrix, x: number, y: number): readonly [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

export function boxOfPoints(points: readonly (readonly [number, number])[]): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { x0: Math.min(...xs), top: Math.min(...ys), x1: Math.max(...xs), bottom: Math.max(...ys) };
}

export function union(boxes: readonly Box[]): Box {
  let x0 = Number.POSITIVE_INFINITY;
  let top = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let bottom = Number.NEGATIVE_INFINITY;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x0);
    top = Math.min(top, b.top);
    x1 = Math.max(x1, b.x1);
    bottom = Math.max(bottom, b.bottom);
  }
  return { x0, top, x1, bottom };
}

/**
 * A box on a page `width` wide, in the frame turned a quarter clockwise: the page's right edge is the frame's
 * top, so columns read right to left become rows read top to bottom (縦書き read as 横書き).
 */
export function turned(b: Box, width: number): Box {
  return { x0: b.top, x1: b.bottom, top: width - b.x1, bottom: width - b.x0 };
}

/** The inverse of `turned`: a box of the turned frame back on the page (`width` is the page's). */
export function unturned(b: Box, width: number): Box {
  return { x0: width - b.bottom, x1: width - b.top, top: b.x0, bottom: b.x1 };
}

/** The centre of `r` lies inside `b` (a run in a cell, a line in a table). */
export function centreIn(r: Box, b: Box): boolean {
  const x = (r.x0 + r.x1) / 2;
  const y = (r.top + r.bottom) / 2;
  return x > b.x0 && x < b.x1 && y > b.top && y < b.bottom;
}

/** The overlap of two boxes, or undefined when they do not overlap. */
export function intersection(a: Box, b: Box): Box | undefined {
  const box = {
    x0: Math.max(a.x0, b.x0),
    top: Math.max(a.top, b.top),
    x1: Math.min(a.x1, b.x1),
    bottom: Math.min(a.bottom, b.bottom),
  };
  return box.x1 > box.x0 && box.bottom > box.top ? box : undefined;
}

export function area(b: Box | undefined): number {
  return b === undefined ? 0 : (b.x1 - b.x0) * (b.bottom - b.top);
}

export function contains(outer: Box, x: number, y: number, slack = 0): boolean {
  return (
    x >= outer.x0 - slack && x <= outer.x1 + slack && y >= outer.top - slack && y <= outer.bottom + slack
  );
}

/** The bbox tuple the Document model stores, rounded to 0.01 pt. */
export function bboxOf(b: Box): readonly [number, number, number, number] {
  const r = (n: number) => Math.round(n * 100) / 100;
  return [r(b.x0), r(b.top), r(b.x1), r(b.bottom)];
}
