import { describe, expect, it } from 'vitest';
import { normalise } from './normalise.js';
import { numberTokens, westernYears } from './numbers.js';

describe('numbers with units', () => {
  it('converts 令和/平成/昭和 years, including 元年, to western years', () => {
    expect(westernYears('令和5年3月期と平成30年度と昭和40年と令和元年')).toBe(
      '2023年3月期と2018年度と1965年と2019年',
    );
  });

  it('drops the bracketed era after a western year', () => {
    expect(numberTokens(normalise('2021（令和3）年度'))).toEqual(['2021年度', '2021年']);
  });

  it('keeps numbers with their unit, without thousands separators', () => {
    expect(numberTokens(normalise('売上は１，２３４億円、比率は35.5％、重量3kg'))).toEqual([
      '1234億円',
      '35点5パーセント',
      '3kg',
    ]);
  });

  it('ignores bare numbers', () => {
    expect(numberTokens('第 3 の 12345')).toEqual([]);
  });
});
