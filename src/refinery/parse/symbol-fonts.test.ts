import { describe, expect, it } from 'vitest';
import { fromSymbolFont } from './symbol-fonts.js';

describe('fromSymbolFont', () => {
  it("reads Symbol's private-use codes as its Greek letters and signs", () => {
    expect(fromSymbolFont('\uf0b7', 'SymbolMT')).toBe('•');
    expect(fromSymbolFont('10 \uf06dm \uf0b1 0.5\uf0b0', 'Symbol')).toBe('10 μm ± 0.5°');
    expect(fromSymbolFont('\uf057\uf0a3\uf0b3', 'ABCDEE+SymbolMT')).toBe('Ω≤≥');
  });

  it("reads Wingdings' bullets and boxes, subset prefix or not", () => {
    expect(fromSymbolFont('\uf0d8', 'ABCDEE+Wingdings-Regular')).toBe('➢');
    expect(fromSymbolFont('\uf06e\uf06c\uf09e\uf0fe', 'Wingdings')).toBe('■●·☑');
  });

  it("reads a DOCX run's one-byte codes through the font when asked, and leaves Japanese alone", () => {
    expect(fromSymbolFont('m', 'Symbol', true)).toBe('μ');
    expect(fromSymbolFont('W \u00b1 a', 'Symbol', true)).toBe('Ω ± α');
    expect(fromSymbolFont('点検m', 'Symbol', true)).toBe('点検μ');
    expect(fromSymbolFont('m', 'Symbol')).toBe('m');
  });

  it('leaves other fonts, Wingdings 2 and 3, unknown codes and ordinary text alone', () => {
    expect(fromSymbolFont('\uf06e', 'MS-Gothic')).toBe('\uf06e');
    expect(fromSymbolFont('\uf06e', 'Wingdings2')).toBe('\uf06e');
    expect(fromSymbolFont('\uf06e', 'Wingdings 3')).toBe('\uf06e');
    expect(fromSymbolFont('\uf021', 'Wingdings')).toBe('\uf021');
    expect(fromSymbolFont('点検 μm', 'SymbolMT')).toBe('点検 μm');
  });
});
