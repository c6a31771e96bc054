import { describe, expect, it } from 'vitest';
import { isMusubiError } from '../../errors/index.js';
import { corporateNumberOf, isValidCorporateNumber, normaliseCorporateNumber } from './corporate-number.js';
import { lookupParticipant } from './lookup.js';

// 国税庁 and トヨタ自動車: published 法人番号 whose check digits are known good.
const nta = '7000012050002';
const toyota = '1180301018771';

describe('法人番号 (corporate numbers)', () => {
  it('accepts numbers whose check digit is right and refuses any other first digit', () => {
    expect(isValidCorporateNumber(nta)).toBe(true);
    expect(isValidCorporateNumber(toyota)).toBe(true);
    for (let d = 0; d <= 9; d++) {
      if (String(d) === nta[0]) continue;
      expect(isValidCorporateNumber(`${d}${nta.slice(1)}`)).toBe(false);
    }
    expect(isValidCorporateNumber('700001205000')).toBe(false); // 12 digits
    expect(isValidCorporateNumber('70000120500021')).toBe(false); // 14 digits
  });

  it('normalises 全角 digits, hyphens and spaces (NFKC) as people type them', () => {
    expect(normaliseCorporateNumber('７００００１２０５０００２')).toBe(nta);
    expect(normaliseCorporateNumber('7-0000-1205-0002')).toBe(nta);
    expect(normaliseCorporateNumber('１－１８０３－０１０１－８７７１')).toBe(toyota);
    expect(normaliseCorporateNumber(' 1180 3010 18771 ')).toBe(toyota);
    expect(normaliseCorporateNumber('1ー1803ー0101ー8771')).toBe(toyota);
  });

  it('refuses what is not a 法人番号: a bad check digit, letters, other lengths', () => {
    for (const bad of ['８００００１２０５０００２', '7000O12050002', '', '一二三', 'x'.repeat(200)])
      expect(normaliseCorporateNumber(bad), bad).toBeUndefined();
    try {
      corporateNumberOf('8000012050002');
      expect.unreachable();
    } catch (e) {
      expect(isMusubiError(e) && e.code).toBe('directory.invalid-corporate-number');
    }
  });

  it('a lookup checks the number before asking, and refuses an answer about another number', async () => {
    const asked: string[] = [];
    const get = async (url: string) => {
      asked.push(url);
      return { status: 200, body: { corporateNumber: toyota, did: 'did:web:x', updatedAt: 'now' } };
    };
    await expect(lookupParticipant(get, 'https://authority.example/', '8000012050002')).rejects.toThrow(
      /not a valid 法人番号/,
    );
    expect(asked).toEqual([]);
    await expect(
      lookupParticipant(get, 'https://authority.example/', '７０００-０１２０-５０００２'),
    ).rejects.toThrow(/sent no directory entry/);
    expect(asked).toEqual([`https://authority.example/directory/${nta}`]);
    expect(await lookupParticipant(async () => ({ status: 404, body: {} }), 'https://a.example', nta)).toBe(
      undefined,
    );
  });
});
