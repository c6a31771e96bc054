import { describe, expect, it } from 'vitest';
import { withoutRuby } from './ruby.js';
import type { TextRun } from './runs.js';

/** A horizontal run of 1-em characters whose box is `size` tall and starts at (x0, top). */
const run = (text: string, x0: number, top: number, size: number, vertical = false): TextRun => {
  const length = [...text].length * size;
  return vertical
    ? {
        text,
        x0,
        x1: x0 + size,
        top,
        bottom: top + length,
        baseline: top + length,
        size,
        bold: false,
        vertical,
      }
    : {
        text,
        x0,
        x1: x0 + length,
        top,
        bottom: top + size,
        baseline: top + size,
        size,
        bold: false,
        vertical,
      };
};

describe('withoutRuby', () => {
  it('leaves out kana set small over kanji, and keeps the base line', () => {
    const base = run('作業を始める', 60, 118, 12);
    const reading = run('さぎょう', 60, 113, 6);
    expect(withoutRuby([reading, base])).toEqual([base]);
  });

  it('reads a vertical column’s reading to its right', () => {
    const column = run('毎日の点検', 534, 80, 12, true);
    const reading = run('てんけん', 546, 116, 6, true);
    expect(withoutRuby([column, reading])).toEqual([column]);
  });

  it('keeps small kana that sit over anything but kanji, or are not much smaller, or stand apart', () => {
    const part = run('P-101の吐出', 60, 211, 12);
    const label = run('ポンプ', 60, 205, 7);
    expect(withoutRuby([label, part])).toHaveLength(2);
    const kana = run('ひらがな', 60, 118, 12);
    expect(withoutRuby([run('ふりがな', 60, 113, 6), kana])).toHaveLength(2);
    const near = run('作業', 60, 118, 12);
    expect(withoutRuby([run('さぎょう', 60, 110, 9), near])).toHaveLength(2);
    expect(withoutRuby([run('さぎょう', 60, 90, 6), near])).toHaveLength(2);
  });
});
