import { describe, expect, it } from 'vitest';
import { boundingBox, formatRange, parseRange } from './sheet-range.js';

describe('A1 ranges', () => {
  it('parses ranges, absolute references and single cells, and writes them back', () => {
    expect(parseRange('$B$3:$AA$12')).toEqual({ col0: 2, row0: 3, col1: 27, row1: 12 });
    expect(formatRange(parseRange('c7')!)).toBe('C7');
    expect(formatRange(parseRange('D9:B3')!)).toBe('B3:D9');
    expect(parseRange('A:C')).toBeUndefined();
  });

  it('merges rectangles into their bounding box', () => {
    expect(formatRange(boundingBox([parseRange('B3:D5')!, parseRange('A10:C12')!])!)).toBe('A3:D12');
  });
});
