import { describe, expect, it } from 'vitest';
import { turned, unturned } from './geometry.js';

describe('turned', () => {
  it('puts the right edge of the page at the top of the frame, so columns read right to left become rows', () => {
    const width = 595;
    const right = { x0: 530, top: 80, x1: 550, bottom: 400 };
    const left = { x0: 500, top: 80, x1: 520, bottom: 300 };
    const [r, l] = [turned(right, width), turned(left, width)];
    expect(r).toEqual({ x0: 80, x1: 400, top: 45, bottom: 65 });
    expect(r.top).toBeLessThan(l.top);
    // down the column is along the row
    expect(r.x1 - r.x0).toBe(right.bottom - right.top);
  });

  it('is undone by unturned', () => {
    const box = { x0: 12.5, top: 40, x1: 100, bottom: 790 };
    expect(unturned(turned(box, 595), 595)).toEqual(box);
  });
});
