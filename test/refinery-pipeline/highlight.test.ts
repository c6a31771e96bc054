import { describe, expect, it } from 'vitest';
import { highlightRanges, markSnippet, queryTerms, snippetOf } from '../../src/refinery/corpus/index.js';

const marked = (text: string, query: string) =>
  highlightRanges(text, queryTerms(query)).map(([s, e]) => text.slice(s, e));

describe('highlighting in the original text', () => {
  it('matches full-width query letters against half-width text and marks the text as written', () => {
    expect(marked('交換部品（品番 MS-150-J）を用意する', 'ＭＳ－１５０－Ｊ')).toEqual(['MS-150-J']);
  });

  it('matches half-width katakana queries against full-width katakana, and the reverse', () => {
    expect(marked('グランドパッキンからの漏れ', 'ｸﾞﾗﾝﾄﾞﾊﾟｯｷﾝ')).toEqual(['グランドパッキン']);
    expect(marked('ｸﾞﾗﾝﾄﾞﾊﾟｯｷﾝ交換', 'グランドパッキン')).toEqual(['ｸﾞﾗﾝﾄﾞﾊﾟｯｷﾝ']);
  });

  it('merges overlapping terms and ignores English stop words and single letters', () => {
    expect(marked('Isolate the valve before opening the valve', 'the valve a')).toEqual(['valve', 'valve']);
    expect(marked('吐出圧力の判定基準', '吐出 吐出圧力')).toEqual(['吐出圧力']);
  });

  it('marks whole English words from a word or its stem, never the inside of another word', () => {
    const text = 'Open the bleed valves, then reopen the bearing ring. Opening valve V-401.';
    expect(
      highlightRanges(text, queryTerms('opening the valve', ['open', 'valv', 'ring'])).map(([s, e]) =>
        text.slice(s, e),
      ),
    ).toEqual(['Open', 'valves', 'ring', 'Opening', 'valve']);
    expect(marked('ＶＡＬＶＥＳ ｖ－４０１', 'valve')).toEqual(['ＶＡＬＶＥＳ']);
  });

  it('places the snippet where most distinct words are and keeps offsets in the window', () => {
    const text = `漏れ${'あ'.repeat(300)}グランドパッキンからの漏れ${'い'.repeat(300)}`;
    const snippet = snippetOf(text, highlightRanges(text, queryTerms('グランドパッキン 漏れ')), 80);
    expect(snippet.highlights.map(([s, e]) => snippet.text.slice(s, e))).toEqual([
      'グランドパッキン',
      '漏れ',
    ]);
    expect(markSnippet(snippet, '[', ']')).toContain('[グランドパッキン]からの[漏れ]');
    expect(text.slice(snippet.start, snippet.start + snippet.text.length)).toBe(snippet.text);
  });

  it('centres the snippet on the longer match when two windows match as many words', () => {
    const text = `渦巻ポンプ（型式 CP-150）の分解点検。${'本書は手順を定める。'.repeat(20)}交換部品（品番 MS-150-J）を準備する。`;
    const ranges: [number, number][] = [
      [text.indexOf('150'), text.indexOf('150') + 3],
      [text.indexOf('MS-150-J'), text.indexOf('MS-150-J') + 8],
    ];
    const snippet = snippetOf(text, ranges, 60);
    expect(markSnippet(snippet, '[', ']')).toContain('[MS-150-J]');
  });
});
