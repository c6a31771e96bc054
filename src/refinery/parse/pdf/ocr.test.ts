import { describe, expect, it } from 'vitest';
import { ocrLine, ocrWord } from '../../../../test/support/ocr-words.js';
import {
  largeImagePages,
  linesOfTsv,
  meanConfidence,
  mostlyLatin,
  type OcrLine,
  type OcrWord,
  spacedText,
} from './ocr.js';

const header =
  'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';
const word = (line: number, word: number, left: number, text: string, conf = 90) =>
  `5\t1\t1\t1\t${line}\t${word}\t${left}\t100\t50\t40\t${conf}\t${text}`;

describe('linesOfTsv', () => {
  it('groups tesseract words into lines, drops the spaces it puts between Japanese characters, scales to points', () => {
    const tsv = [
      header,
      word(1, 1, 100, '点'),
      word(1, 2, 160, '検'),
      word(1, 3, 220, '記録'),
      word(2, 1, 100, 'Pump'),
      word(2, 2, 300, 'OK'),
    ].join('\n');
    const lines = linesOfTsv(tsv, 72 / 300);
    expect(lines.map((l) => l.text)).toEqual(['点検記録', 'Pump OK']);
    expect(lines[0]).toMatchObject({ x0: 24, top: 24, x1: 64.8, bottom: 33.6, confidence: 90 });
  });

  it('skips empty words and rows of other levels', () => {
    const tsv = [
      header,
      '4\t1\t1\t1\t1\t0\t0\t0\t10\t10\t-1\t',
      word(1, 1, 0, ' ', 95),
      word(1, 2, 0, '確認', 80),
    ].join('\n');
    expect(linesOfTsv(tsv, 1).map((l) => l.text)).toEqual(['確認']);
  });
});

describe('spacedText', () => {
  it('keeps a gap of half a character or more between two words as a space, which the shown text drops', () => {
    // 注意 at 0–20, a full-width space, then the warning; 「高温」 set tight against 「注意」 on the next line
    const spaced = ocrLine(ocrWord('注意', 0, 0), ocrWord('高温に注意する。', 32, 0));
    expect(spaced.text).toBe('注意高温に注意する。');
    expect(spacedText(spaced)).toBe('注意 高温に注意する。');
    expect(spacedText(ocrLine(ocrWord('注意', 0, 0), ocrWord('高温', 22, 0)))).toBe('注意高温');
    expect(spacedText(ocrLine(ocrWord('Pump', 0, 0), ocrWord('OK', 42, 0)))).toBe('Pump OK');
    expect(spacedText(ocrLine(ocrWord('注意', 0, 0)))).toBe('注意');
  });

  it('keeps a section number whole: the narrow hyphen of 「1-1」 stands apart but is no word gap', () => {
    const words = [ocrWord('1', 0, 0), ocrWord('一', 20, 0), ocrWord('1', 40, 0), ocrWord('栄養成分', 70, 0)];
    expect(spacedText(ocrLine(...words))).toBe('1一1 栄養成分');
  });

  it('measures a column of vertical writing down the page', () => {
    const down = (text: string, top: number): OcrWord => ({
      text,
      confidence: 90,
      x0: 0,
      top,
      x1: 12,
      bottom: top + 12 * [...text].length,
    });
    expect(spacedText(ocrLine(down('注意', 0), down('高温', 36)))).toBe('注意 高温');
    expect(spacedText(ocrLine(down('注意', 0), down('高温', 26)))).toBe('注意高温');
  });
});

describe('mostlyLatin', () => {
  const line = (text: string): OcrLine => ({ text, confidence: 90, x0: 0, top: 0, x1: 10, bottom: 10 });

  it('tells an English page read by the Japanese model from a Japanese page with Latin terms', () => {
    expect(mostlyLatin([line('Ma1ntenance Procedure for CentrifuqgalL Pump'), line('1 . SCODe')])).toBe(true);
    expect(
      mostlyLatin([line('ポンプの振動を確認する。'), line('SUS304 の M8 ボルトを 85 N・m で締める')]),
    ).toBe(false);
  });

  it('counts letters only, so a page of numbers is not Latin', () => {
    expect(mostlyLatin([line('2024 3.5 85 % 100'), line('点検')])).toBe(false);
    expect(mostlyLatin([])).toBe(false);
  });
});

describe('largeImagePages', () => {
  it('lists the pages painting an image of at least 1 × 0.75 in and 2.5 in², masks left out', () => {
    const listing = [
      'page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio',
      '--------------------------------------------------------------------------------------------',
      // 464 × 191 px at 220 ppi: 2.1 × 0.87 in, 1.8 in² — a banner, too small
      '   1     0 image     464   191  rgb     3   8  jpeg   no       276  0   220   220 13.2K 5.1%',
      // 1212 × 580 px at 253 ppi: 4.8 × 2.3 in — a chart
      '   3     0 image    1212   580  rgb     3   8  image  no        40  0   253   253  130K  12%',
      // its soft mask, as large, is not a picture of its own
      '   4     1 smask    1212   580  gray    1   8  image  no        41  0   253   253  4403B 12%',
      // an icon drawn large from few pixels: 64 px at 20 ppi is 3.2 in
      '   5     0 image      64    64  gray    1   8  image  no        42  0    20    20   1K   5%',
      // a full-width strip only 0.5 in tall
      '   6     0 image    2000   100  gray    1   8  image  no        43  0   200   200  10K   5%',
    ].join('\n');
    expect([...largeImagePages(listing)]).toEqual([3, 5]);
  });
});

describe('meanConfidence', () => {
  it('weights each word by its characters', () => {
    const word = (text: string, confidence: number) => ({
      text,
      confidence,
      x0: 0,
      top: 0,
      x1: 1,
      bottom: 1,
    });
    const line: OcrLine = { ...word('', 0), words: [word('冷却水ポンプ', 90), word('人', 0)] };
    expect(meanConfidence([line])).toBeCloseTo((6 * 90) / 7, 5);
    expect(meanConfidence([])).toBe(0);
  });
});
