import { describe, expect, it } from 'vitest';
import { Dec } from './decimal.js';
import { weightedMean } from './weighted.js';

const item = (source: string, weight: string, value?: string) => ({
  source,
  weight: new Dec(weight),
  value: value === undefined ? undefined : new Dec(value),
});

describe('weightedMean', () => {
  it('weights by emissions, absolute values for removals', () => {
    expect(weightedMean([item('own', '3', '1'), item('B', '7.5', '2')]).value?.toFixed(5)).toBe('1.71429');
    expect(weightedMean([item('own', '3', '1'), item('sink', '-1', '5')]).value?.toFixed()).toBe('2');
  });

  it('is the plain mean when every weight is zero, and undetermined with no values', () => {
    expect(weightedMean([item('own', '0', '100'), item('B', '0', '40')]).value?.toFixed()).toBe('70');
    expect(weightedMean([item('own', '0'), item('B', '0')])).toEqual({
      value: undefined,
      lacking: ['own', 'B'],
    });
  });

  it('never takes a missing value as 0 when it weighs something, but ignores it at zero weight', () => {
    expect(weightedMean([item('own', '3', '1'), item('B', '7.5')])).toEqual({
      value: undefined,
      lacking: ['B'],
    });
    expect(weightedMean([item('own', '3', '1'), item('B', '0')]).value?.toFixed()).toBe('1');
  });

  it('gives equal values back exactly, and uses a known total only when every input has a value', () => {
    expect(weightedMean([item('a', '1', '2.5'), item('b', '3', '2.5')]).value?.toFixed()).toBe('2.5');
    expect(weightedMean([item('a', '1', '1'), item('b', '3', '3')], new Dec(4)).value?.toFixed()).toBe('2.5');
    expect(
      weightedMean([item('a', '1', '1'), item('b', '3', '3'), item('c', '0')], new Dec(4)).value?.toFixed(),
    ).toBe('2.5');
  });
});
