import { InvalidInput } from '../../errors/index.js';

/**
 * 法人番号: 13 digits, the first a check digit over the other 12 (National Tax Agency rule:
 * 9 − (Σ digit × (1 if odd position from the right else 2)) mod 9).
 */
export function isValidCorporateNumber(value: string): boolean {
  if (!/^\d{13}$/.test(value)) return false;
  const base = value.slice(1);
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(base[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return 9 - (sum % 9) === Number(value[0]);
}

/** Hyphens and dashes people write between digit groups (after NFKC: ASCII, ‐, ‑, ‒, –, —, ―, −, ー). */
const separators = /[\s\-‐‑‒–—―−ー]/g;

/**
 * A corporate number as people type it — 全角 digits (１２３), hyphens or spaces between groups — in its
 * 13-digit form; undefined when it is not a valid 法人番号 (wrong length, not digits, or a bad check digit).
 */
export function normaliseCorporateNumber(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const plain = input.normalize('NFKC').replace(separators, '');
  return isValidCorporateNumber(plain) ? plain : undefined;
}

export class InvalidCorporateNumber extends InvalidInput {
  constructor(value: string) {
    super(
      'directory.invalid-corporate-number',
      `${JSON.stringify(value.slice(0, 64))} is not a valid 法人番号 (13 digits with a correct check digit)`,
      { value: value.slice(0, 64) },
    );
  }
}

/** The 13-digit form of a typed corporate number, or InvalidCorporateNumber. */
export function corporateNumberOf(input: string): string {
  const n = normaliseCorporateNumber(input);
  if (!n) throw new InvalidCorporateNumber(input);
  return n;
}
