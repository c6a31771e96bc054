import { describe, expect, it } from 'vitest';
import { ocrLine, ocrWord } from '../../../../test/support/ocr-words.js';
import type { Line } from './lines.js';
import type { OcrLine, OcrWord } from './ocr.js';
import { figureRegions, ocrSizesToBody, type PageLayout, withFigureText, withOcr } from './page.js';
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

  it('lays columns read as vertical writing out right to left, in the turned frame', () => {
    // columns 12 pt wide, the right one first as tesseract reads them, 30 characters tall
    const column = (text: string, x0: number): OcrLine => ({
      text,
      confidence: 92,
      x0,
      x1: x0 + 12,
      top: 80,
      bottom: 80 + 12 * [...text].length,
    });
    const scan = withOcr(page(1, true, []), {
      vertical: true,
      lines: [column('点検の前に運転記録を確かめる。', 500), column('異常があれば報告する。', 480)],
    });
    expect(scan.turned).toBe(true);
    // the frame is the page turned: 842 wide, 595 tall
    expect([scan.width, scan.height]).toEqual([842, 595]);
    expect(scan.lines.map((l) => [l.text, l.size])).toEqual([
      ['点検の前に運転記録を確かめる。', 12],
      ['異常があれば報告する。', 12],
    ]);
    // the right column is the frame's upper row; down the column is along it
    expect(scan.lines[0]!.top).toBeLessThan(scan.lines[1]!.top);
    expect(scan.lines[0]!.x0).toBe(80);
  });

  it('leaves out what tesseract read with little confidence and sizes doubtful lines as body text', () => {
    const scan = withOcr(page(1, true, []), {
      lines: [
        read('安全衛生計画書', 40, 20, 92),
        read('基本方針を定める。', 80, 10.5, 90),
        read('目標を設定する。', 100, 10.5, 88),
        read('昌Y基刀量', 130, 54, 59),
        read('出樺予博基再寺販', 200, 208, 2),
      ],
    });
    expect(scan.lines.map((l) => [l.text, l.size])).toEqual([
      ['安全衛生計画書', 20],
      ['基本方針を定める。', 10.5],
      ['目標を設定する。', 10.5],
      ['昌Y基刀量', 10.5],
    ]);
    expect(scan.ocr).toBe(true);
  });

  it("sets lines within 15 % of the page's usual size in that size, so numbering decides their nesting", () => {
    const scan = withOcr(page(1, true, []), {
      lines: [
        read('ベビーフード自主規格', 40, 24, 95),
        read('３．品質', 80, 10, 91),
        read('医学的見地から配慮されたもの。', 100, 10, 93),
        // its box counts the digits full width: it measures 11.5
        read('3一1ナトリウム', 120, 10, 90),
        read('含量は試験法により試験する。', 140, 10, 92),
      ],
    });
    expect(scan.lines.map((l) => l.size)).toEqual([24, 10, 10, 10, 10]);
  });

  it('measures a title spread to a width (均等割り) by its letters, not by the gaps between them', () => {
    // words 10 pt per character: 「２）」 half width, then 固 and さ spread 15 pt apart
    const body = (top: number) => ocrLine(ocrWord('試験法を準用する。', 70, top));
    const spread = ocrLine(ocrWord('２）', 70, 60), ocrWord('固', 100, 60), ocrWord('さ', 125, 60));
    const scan = withOcr(page(1, true, []), { lines: [body(40), spread, body(80), body(100)] });
    expect(scan.lines.map((l) => [l.text, l.size])).toEqual([
      ['試験法を準用する。', 10],
      ['２）固さ', 10],
      ['試験法を準用する。', 10],
      ['試験法を準用する。', 10],
    ]);
  });

  it("reads a scan's ruled table into cells, in the order tesseract read each line, its ruling bars taken out", () => {
    const w = (text: string, x0: number, top: number) => ({
      text,
      confidence: 90,
      x0,
      x1: x0 + [...text].length * 10,
      top,
      bottom: top + 10,
    });
    const line = (...words: ReturnType<typeof w>[]): OcrLine => ({
      ...words[0]!,
      text: words.map((x) => x.text).join(''),
      x1: words[words.length - 1]!.x1,
      words,
    });
    const h = (at: number) => ({ axis: 'h' as const, at, from: 100, to: 400 });
    const v = (at: number) => ({ axis: 'v' as const, at, from: 100, to: 160 });
    const scan = withOcr(page(1, true, []), {
      lines: [
        line(w('賞味期間の表', 100, 80)),
        // 「|」 is the ruling at x 250 read as a character, inside a word and as one
        line(w('容器包装|', 110, 105), w('賞味期間', 260, 105)),
        line(w('レトルト', 110, 125), w('|', 250, 125), w('2年6ヵ月', 260, 125)),
        // one word read across the ruling
        line(w('瓶詰め1年', 220, 145)),
      ],
      rulings: [h(100), h(120), h(140), h(160), v(100), v(250), v(400)],
    });
    expect(scan.tables).toHaveLength(1);
    expect(scan.tables[0]!.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['容器包装', '賞味期間'],
      ['レトルト', '2年6ヵ月'],
      ['瓶詰め', '1年'],
    ]);
    expect(scan.lines.map((l) => l.text)).toEqual(['賞味期間の表']);
  });
});

describe('figureRegions', () => {
  const minimum = { width: 72, height: 54, area: 2.5 * 72 * 72 };
  const at = (text: string, x0: number, top: number, size = 10.5): Line => ({
    ...line(text, size),
    x0,
    x1: x0 + [...text].length * size,
    top,
    bottom: top + size,
    baseline: top + size,
  });

  it('keeps images large enough to hold text, merging those that overlap', () => {
    const p = page(1, false, [at(prose, 60, 40)]);
    const regions = figureRegions(
      p,
      [
        { x0: 60, top: 200, x1: 300, bottom: 400 },
        { x0: 250, top: 350, x1: 500, bottom: 500 },
        { x0: 60, top: 600, x1: 100, bottom: 640 }, // a logo
        { x0: 60, top: 700, x1: 560, bottom: 730 }, // a rule drawn as a picture, 30 pt tall
      ],
      minimum,
    );
    expect(regions).toEqual([{ x0: 60, top: 200, x1: 500, bottom: 500 }]);
  });

  it('skips an image the text layer covers (a background) and a page-size image behind a page of text', () => {
    const lines = Array.from({ length: 12 }, (_, i) => at(prose, 60, 100 + i * 16));
    const p = page(1, false, lines);
    expect(figureRegions(p, [{ x0: 55, top: 95, x1: 520, bottom: 300 }], minimum)).toEqual([]);
    expect(figureRegions(p, [{ x0: 0, top: 0, x1: 595, bottom: 842 }], minimum)).toEqual([]);
    // a chart beside the text is read
    expect(figureRegions(p, [{ x0: 60, top: 400, x1: 500, bottom: 700 }], minimum)).toHaveLength(1);
  });
});

describe('withFigureText', () => {
  const box = { x0: 60, top: 200, x1: 500, bottom: 500 };

  it('adds the words the text layer lacks, in the page body size, as one figure', () => {
    const caption = { ...line('図1 月次推移', 10.5), x0: 60, x1: 200, top: 210, bottom: 222, baseline: 222 };
    const p = page(1, false, [caption, { ...line(prose, 10.5), top: 100, bottom: 110.5 }]);
    const out = withFigureText(p, [
      {
        box,
        lines: [
          // the caption is vector text over the image: read again, and dropped
          ocrLine(ocrWord('図1', 62, 210), ocrWord('月次推移', 100, 210)),
          ocrLine(ocrWord('吐出圧力', 80, 300), ocrWord('|', 130, 300), ocrWord('0.35MPa', 150, 300)),
          ocrLine(ocrWord('ニニニニニ', 80, 340)),
          ocrLine(ocrWord('昌Y', 80, 380, 35)),
        ],
      },
    ]);
    expect(out.figures).toHaveLength(1);
    expect(out.figures![0]!.box).toEqual(box);
    expect(out.figures![0]!.lines.map((l) => l.text)).toEqual(['吐出圧力0.35MPa']);
    expect(out.figures![0]!.lines[0]!.size).toBe(10.5);
    expect(out.lines).toHaveLength(2);
  });

  it('leaves out Latin words read off text set on its side (a rotated axis label), not tall Japanese ones', () => {
    const p = page(1, false, [line(prose, 10.5)]);
    const standing = (text: string, x0: number): OcrWord => ({
      text,
      confidence: 90,
      x0,
      top: 300,
      x1: x0 + 10,
      bottom: 340,
    });
    const out = withFigureText(p, [
      {
        box,
        lines: [
          ocrLine(ocrWord('気温', 80, 260), ocrWord('10.', 120, 260), ocrWord('in', 150, 260)),
          ocrLine(standing("6'TE", 80), standing('000', 120), standing('台数', 160)),
        ],
      },
    ]);
    expect(out.figures![0]!.lines.map((l) => l.text)).toEqual(['気温10. in', '台数']);
  });

  it('leaves the page as it was when nothing new was read', () => {
    const p = page(1, false, [line(prose, 10.5)]);
    expect(withFigureText(p, [{ box, lines: [ocrLine(ocrWord('ーー', 80, 300))] }])).toBe(p);
    expect(
      withFigureText(p, [
        { box, lines: [ocrLine(ocrWord('ヽノ', 80, 300))] },
        { box, lines: [ocrLine(ocrWord('NN', 80, 300))] },
      ]),
    ).toBe(p);
  });
});
