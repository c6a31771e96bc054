import { describe, expect, it } from 'vitest';
import { addDuration, readDateTime, readDuration, unwrap } from './values.js';
import { defaultPrefixes, expandIri, hierarchyOf, localName } from './vocabulary.js';

describe('xsd values', () => {
  it('reads date-times as intervals: an instant is one millisecond, a date its whole day', () => {
    expect(readDateTime('2026-11-25T12:00:00+09:00', 0)).toEqual({
      ok: true,
      value: { start: Date.UTC(2026, 10, 25, 3), end: Date.UTC(2026, 10, 25, 3) + 1 },
    });
    expect(readDateTime('2026-11-25', 9 * 60)).toEqual({
      ok: true,
      value: { start: Date.UTC(2026, 10, 24, 15), end: Date.UTC(2026, 10, 25, 15) },
    });
    expect(readDateTime('2026-11-25T00:00:00.250Z', 0)).toMatchObject({
      value: { start: Date.UTC(2026, 10, 25) + 250 },
    });
    expect(readDateTime('2026-11-25T24:00:00Z', 0)).toMatchObject({
      value: { start: Date.UTC(2026, 10, 26) },
    });
    for (const bad of [
      '2026-11-25T25:00:00Z',
      '2026-02-29',
      '2026-11-25T10:00:00+15:00',
      '25/11/2026',
      '2026-11-25 10:00',
    ])
      expect(readDateTime(bad, 0).ok).toBe(false);
  });

  it('reads durations as calendar months plus fixed milliseconds', () => {
    expect(readDuration('P1Y2M3W4DT5H6M7.5S')).toEqual({
      ok: true,
      value: { months: 14, ms: ((((3 * 7 + 4) * 24 + 5) * 60 + 6) * 60 + 7.5) * 1000 },
    });
    for (const bad of ['P', 'PT', 'P1DT', '-P1D', 'P1.5D', '30D']) expect(readDuration(bad).ok).toBe(false);
    const jan31 = Date.UTC(2026, 0, 31);
    expect(addDuration(jan31, { months: 1, ms: 0 })).toBe(Date.UTC(2026, 2, 3));
    expect(addDuration(jan31, { months: 0, ms: 86_400_000 })).toBe(Date.UTC(2026, 1, 1));
  });

  it('unwraps JSON-LD value objects and references', () => {
    expect(unwrap({ '@value': '5', '@type': 'xsd:integer' })).toEqual({ value: '5', type: 'xsd:integer' });
    expect(unwrap({ '@id': 'odrl:use' })).toEqual({ value: 'odrl:use', type: '@id' });
    expect(unwrap('x')).toEqual({ value: 'x' });
  });
});

describe('names and hierarchies', () => {
  it('expands known prefixes only and finds local names', () => {
    expect(expandIri('odrl:eq', defaultPrefixes)).toBe('http://www.w3.org/ns/odrl/2/eq');
    expect(expandIri('did:web:x', defaultPrefixes)).toBe('did:web:x');
    expect(expandIri('https://example.com/a', { https: 'nope' })).toBe('https://example.com/a');
    expect(localName('https://w3id.org/dspace/2025/1/count', defaultPrefixes)).toBe('count');
    expect(localName('https://other.example/count', defaultPrefixes)).toBe('https://other.example/count');
  });

  it('walks broader terms transitively and survives cycles', () => {
    const h = hierarchyOf([{ id: 'x', broader: { a: ['b'], b: ['c'], c: ['a'], d: ['e'] } }], {});
    expect(h.within('a', 'c')).toBe(true);
    expect(h.within('c', 'b')).toBe(true);
    expect(h.within('a', 'e')).toBe(false);
    expect(h.knows('e')).toBe(true);
    expect(h.knows('z')).toBe(false);
  });
});
