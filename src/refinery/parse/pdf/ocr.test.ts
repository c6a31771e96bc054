import { describe, expect, it } from 'vitest';
import { linesOfTsv, mostlyLatin, type OcrLine } from './ocr.js';

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
