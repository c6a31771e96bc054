/**
 * What the page draws besides text, read from pdfjs's operator list: ruling lines (for tables), the
 * area covered by images and the number of filled curve paths (for telling scanned or outlined text).
 */

import { apply, type Box, identity, type Matrix, multiply } from './geometry.js';
import { OPS } from './pdfjs.js';

/** An axis-aligned line segment in page space (top-left origin). */
export interface Ruling {
  readonly axis: 'h' | 'v';
  /** y for horizontal, x for vertical. */
  readonly at: number;
  readonly from: number;
  readonly to: number;
}

export interface PageGraphics {
  readonly rulings: readonly Ruling[];
  /** Fraction of the page area covered by painted images (overlaps counted twice). */
  readonly imageCover: number;
  /** Filled paths containing curves: glyphs drawn as outlines show up as hundreds of these. */
  readonly curveFills: number;
  /** Where each painted image lands on the page (clipped), bars drawn as images left out. */
  readonly images: readonly Box[];
}

export interface OperatorList {
  readonly fnArray: readonly number[];
  readonly argsArray: readonly unknown[];
}

// pdfjs's DrawOPS codes inside a constructPath buffer.
const MOVE = 0;
const LINE = 1;
const CURVE = 2;
const QUAD = 3;
const CLOSE = 4;

const strokeOps = new Set([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke]);
const fillOps = new Set([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke]);
const imageOps = new Set([
  OPS.paintImageXObject,
  OPS.paintInlineImageXObject,
  OPS.paintImageMaskXObject,
  OPS.paintImageXObjectRepeat,
  OPS.paintSolidColorImageMask,
]);

type Extent = readonly [Point, Point];

interface State {
  readonly ctm: Matrix;
  /** Bounding box of the current clip path in page space, when one was set. */
  readonly clip?: Extent;
}

/** Walks the operator list, tracking the transformation matrix and clip box through save/restore. */
export function graphicsOf(ops: OperatorList, viewport: Matrix, pageArea: number): PageGraphics {
  const rulings: Ruling[] = [];
  let state: State = { ctm: identity };
  const stack: State[] = [];
  let clipping = false;
  let imageArea = 0;
  let curveFills = 0;
  const images: Box[] = [];
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as readonly unknown[] | null;
    if (fn === OPS.save) stack.push(state);
    else if (fn === OPS.restore || fn === OPS.paintFormXObjectEnd) state = stack.pop() ?? { ctm: identity };
    else if (fn === OPS.transform && args) state = { ...state, ctm: multiply(asMatrix(args), state.ctm) };
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(state);
      const m = args?.[0] as ArrayLike<number> | null | undefined;
      if (m && m.length === 6) state = { ...state, ctm: multiply(asMatrix(Array.from(m)), state.ctm) };
    } else if (fn === OPS.clip || fn === OPS.eoClip) clipping = true;
    else if (fn !== undefined && imageOps.has(fn)) {
      // Some producers draw table rulings as images stretched (or clipped) into thin bars.
      const m = multiply(state.ctm, viewport);
      const box = clipped(
        extent([apply(m, 0, 0), apply(m, 1, 0), apply(m, 0, 1), apply(m, 1, 1)]),
        state.clip,
      );
      const bar = thinBoxAsRuling(box).concat(dotAsRuling(box));
      if (bar.length > 0) rulings.push(...bar);
      else {
        imageArea += unitSquareArea(m);
        if (box[1][0] > box[0][0] && box[1][1] > box[0][1])
          images.push({ x0: box[0][0], top: box[0][1], x1: box[1][0], bottom: box[1][1] });
      }
    } else if (fn === OPS.constructPath && args) {
      const op = args[0] as number;
      const buffer = (args[1] as readonly (ArrayLike<number> | null)[] | undefined)?.[0];
      if (!buffer) continue;
      const path = segmentsOf(buffer, multiply(state.ctm, viewport));
      if (clipping && path.boxes.length > 0)
        state = { ...state, clip: clipped(extent(path.boxes.flat()), state.clip) };
      clipping = false;
      if (fillOps.has(op) && path.curved) curveFills++;
      if (strokeOps.has(op)) rulings.push(...path.segments.flatMap(asRuling));
      if (fillOps.has(op)) rulings.push(...path.boxes.flatMap(thinBoxAsRuling));
    }
  }
  return { rulings, imageCover: pageArea > 0 ? imageArea / pageArea : 0, curveFills, images };
}

function clipped(box: Extent, clip: Extent | undefined): Extent {
  if (clip === undefined) return box;
  return [
    [Math.max(box[0][0], clip[0][0]), Math.max(box[0][1], clip[0][1])],
    [Math.min(box[1][0], clip[1][0]), Math.min(box[1][1], clip[1][1])],
  ];
}

function asMatrix(a: readonly unknown[]): Matrix {
  const n = a.map((v) => (typeof v === 'number' ? v : 0));
  return [n[0] ?? 1, n[1] ?? 0, n[2] ?? 0, n[3] ?? 1, n[4] ?? 0, n[5] ?? 0];
}

function unitSquareArea(m: Matrix): number {
  return Math.abs(m[0] * m[3] - m[1] * m[2]);
}

type Point = readonly [number, number];
interface PathShape {
  readonly segments: readonly (readonly [Point, Point])[];
  /** Bounding boxes of closed subpaths (rectangles drawn as fills). */
  readonly boxes: readonly (readonly [Point, Point])[];
  readonly curved: boolean;
}

function segmentsOf(buffer: ArrayLike<number>, m: Matrix): PathShape {
  const segments: (readonly [Point, Point])[] = [];
  const boxes: (readonly [Point, Point])[] = [];
  let start: Point | null = null;
  let current: Point | null = null;
  let sub: Point[] = [];
  let curved = false;
  const closeSub = () => {
    if (sub.length >= 3) boxes.push(extent(sub));
    sub = [];
  };
  for (let k = 0; k < buffer.length; ) {
    const code = buffer[k++];
    if (code === MOVE || code === LINE) {
      const p = apply(m, buffer[k]!, buffer[k + 1]!);
      k += 2;
      if (code === MOVE) {
        closeSub();
        start = p;
      } else if (current) segments.push([current, p]);
      current = p;
      sub.push(p);
    } else if (code === CURVE || code === QUAD) {
      const n = code === CURVE ? 6 : 4;
      current = apply(m, buffer[k + n - 2]!, buffer[k + n - 1]!);
      sub.push(current);
      k += n;
      curved = true;
    } else if (code === CLOSE) {
      if (current && start) segments.push([current, start]);
      current = start;
      closeSub();
    } else break;
  }
  closeSub();
  return { segments, boxes, curved };
}

function extent(points: readonly Point[]): readonly [Point, Point] {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [
    [Math.min(...xs), Math.min(...ys)],
    [Math.max(...xs), Math.max(...ys)],
  ];
}

function asRuling([a, b]: readonly [Point, Point]): Ruling[] {
  const dx = Math.abs(a[0] - b[0]);
  const dy = Math.abs(a[1] - b[1]);
  if (dy < 1 && dx > 2)
    return [{ axis: 'h', at: (a[1] + b[1]) / 2, from: Math.min(a[0], b[0]), to: Math.max(a[0], b[0]) }];
  if (dx < 1 && dy > 2)
    return [{ axis: 'v', at: (a[0] + b[0]) / 2, from: Math.min(a[1], b[1]), to: Math.max(a[1], b[1]) }];
  return [];
}

// Tables are often drawn as thin filled rectangles instead of stroked lines.
function thinBoxAsRuling([lo, hi]: readonly [Point, Point]): Ruling[] {
  const w = hi[0] - lo[0];
  const h = hi[1] - lo[1];
  if (h < 2.5 && w > 2) return [{ axis: 'h', at: (lo[1] + hi[1]) / 2, from: lo[0], to: hi[0] }];
  if (w < 2.5 && h > 2) return [{ axis: 'v', at: (lo[0] + hi[0]) / 2, from: lo[1], to: hi[1] }];
  return [];
}

// A ruling drawn as a run of tiny stretched images (0.5 × 1 pt each): each piece becomes a short
// segment along its longer side, and `merge` in tables.ts joins the run back into one line.
function dotAsRuling([lo, hi]: Extent): Ruling[] {
  const w = hi[0] - lo[0];
  const h = hi[1] - lo[1];
  if (w <= 0 || h <= 0 || w >= 2.5 || h >= 2.5 || (w > 2 && h > 2)) return [];
  if (h <= 2 && w <= 2 && h >= w) return [{ axis: 'v', at: (lo[0] + hi[0]) / 2, from: lo[1], to: hi[1] }];
  if (h <= 2 && w <= 2) return [{ axis: 'h', at: (lo[1] + hi[1]) / 2, from: lo[0], to: hi[0] }];
  return [];
}
