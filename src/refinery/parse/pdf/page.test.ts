import { describe, expect, it } from 'vitest';
import type { Line } from './lines.js';
import type { OcrLine } from './ocr.js';
import { ocrSizesToBody, type PageLayout, withOcr } from './page.js';
import type { TextLayer } from './text-layer.js';

const line = (text: string, size: number): Line => ({
  text,
  raw: text,
  x0: 70,
  x1: 70 + [...text].length * size,
  top: 0,
  bottom: size,
  baseline: size,
  size,
  bold: false,
  runs: [],
});
const page = (n: number, ocr: boolean, lines: Line[]): PageLayout => ({
  page: n,
  width: 595,
  height: 842,
  lines,
  tables: [],
  layer: {} as TextLayer,
  ocr,
});
const prose = '日本ベビーフード協議会は昭和35年に創立し、以後一貫して我が国におけるベビー';

describe('ocrSizesToBody', () => {
  it("sets a scanned page's body to the text pages' body size, its title staying larger by the same ratio", () => {
    const text = [line(prose, 10.5), line(prose, 10.5), line('第1章　総則', 14)];
    const scanned = [
      line('規格第V版発行にあたって', 14),
      ...Array.from({ length: 6 }, () => line(prose, 12)),
    ];
    const pages = [page(1, false, text), page(2, true, scanned)];
    const out = ocrSizesToBody(
      pages,
      pages.map((p) => p.lines),
    );
    expect(out[0]!.map((l) => l.size)).toEqual([10.5, 10.5, 14]);
    expect(out[1]!.map((l) => l.size)).toEqual([12.5, 10.5, 10.5, 10.5, 10.5, 10.5, 10.5]);
  });

  it('leaves a scanned page of a few labels as read, and goes by the median page when every page was scanned', () => {
    const labels = [line('タール 7mg', 8), line('ニコチン 0.6mg', 8)];
    const body = (size: number) => Array.from({ length: 6 }, () => line(prose, size));
    const pages = [
      page(1, true, body(10)),
      page(2, true, body(12)),
      page(3, true, body(11)),
      page(4, true, labels),
    ];
    const out = ocrSizesToBody(
      pages,
      pages.map((p) => p.lines),
    );
    expect(out.map((lines) => lines[0]!.size)).toEqual([11, 11, 11, 8]);
  });
});

describe('withOcr', () => {
  const read = (text: string, top: number, height: number, confidence: number): OcrLine => ({
    text,
    confidence,
    x0: 70,
    x1: 70 + [...text].length * height,
    top,
    bottom: top + height,
  });

  it('leaves out what tesseract read with little confidence and sizes doubtful lines as body text', () => {
    const scan = withOcr(page(1, true, []), [
      read('安全衛生計画書', 40, 20, 92),
      read('基本方針を定める。', 80, 10.5, 90),
      read('目標を設定する。', 100, 10.5, 88),
      read('昌Y基刀量', 130, 54, 59),
      read('出樺予博基再寺販', 200, 208, 2),
    ]);
    expect(scan.lines.map((l) => [l.text, l.size])).toEqual([
      ['安全衛生計画書', 20],
      ['基本方針を定める。', 10.5],
      ['目標を設定する。', 10.5],
      ['昌Y基刀量', 10.5],
    ]);
    expect(scan.ocr).toBe(true);
  });
});
