import { describe, expect, it } from 'vitest';
import { Dec } from './decimal.js';
import { roundEmission, roundShare } from './publish.js';

describe('publishing rounding', () => {
  it('keeps 5 decimals and rounds any 6th digit up (toward +∞)', () => {
    expect(roundEmission(new Dec('1.714285714'))).toBe('1.71429');
    expect(roundEmission(new Dec('2.000001'))).toBe('2.00001');
    expect(roundEmission(new Dec('80.5'))).toBe('80.5');
    expect(roundEmission(new Dec('0.123450'))).toBe('0.12345');
  });

  it('rounds negative values (removals, uptake) toward +∞ too, so their size is never overstated', () => {
    expect(roundEmission(new Dec('-0.1234561'))).toBe('-0.12345');
    expect(roundEmission(new Dec('-14.222229'))).toBe('-14.22222');
    expect(roundEmission(new Dec('-0.000001'))).toBe('0');
  });

  it('rounds a primary data share down to 2 decimals', () => {
    expect(roundShare(new Dec(46).div('80.5').times(100))).toBe('57.14');
    expect(roundShare(new Dec('99.999'))).toBe('99.99');
  });

  it('never writes exponent notation', () => {
    expect(roundEmission(new Dec('1e-9'))).toBe('0.00001');
    expect(roundEmission(new Dec('12345678901234567890.5'))).toBe('12345678901234567890.5');
  });
});
