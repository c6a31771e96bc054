import { describe, expect, it } from 'vitest';
import {
  AgreementLimits,
  LimitReached,
  parseRange,
  rangeHeader,
  spanOf,
  takeRequest,
} from '../../src/dataspace/dataplane/index.js';

describe('byte ranges (RFC 9110, single range)', () => {
  it('parses a closed, an open and a suffix range', () => {
    expect(parseRange('bytes=0-99')).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=100-')).toEqual({ start: 100 });
    expect(parseRange('bytes=-500')).toEqual({ suffix: 500 });
    expect(parseRange(' Bytes = 5 - 6 ')).toEqual({ start: 5, end: 6 });
  });

  it('serves the whole body for several ranges, another unit or none (the RFC allows ignoring Range)', () => {
    expect(parseRange('bytes=0-1,5-6')).toBeUndefined();
    expect(parseRange('items=0-1')).toBeUndefined();
    expect(parseRange(undefined)).toBeUndefined();
  });

  it('calls a malformed bytes range invalid', () => {
    for (const h of ['bytes=', 'bytes=-', 'bytes=9-3', 'bytes=a-b', 'bytes=-0', 'bytes=1-2-3'])
      expect(parseRange(h), h).toBe('invalid');
  });

  it('clips to the size and finds no span outside it', () => {
    expect(spanOf({ start: 10, end: 1000 }, 100)).toEqual({ start: 10, end: 99 });
    expect(spanOf({ start: 100 }, 100)).toBeUndefined();
    expect(spanOf({ suffix: 500 }, 100)).toEqual({ start: 0, end: 99 });
    expect(spanOf({ suffix: 10 }, 0)).toBeUndefined();
    expect(rangeHeader({ suffix: 7 })).toBe('bytes=-7');
    expect(rangeHeader({ start: 3 })).toBe('bytes=3-');
  });
});

describe('per-agreement limits', () => {
  it('lets a burst of one second through, then tells how long to wait', () => {
    const first = takeRequest(undefined, 0, 2);
    expect(first).toEqual({ bucket: { tokens: 1, at: 0 } });
    const second = takeRequest('bucket' in first ? first.bucket : undefined, 0, 2);
    const third = takeRequest('bucket' in second ? second.bucket : undefined, 0, 2);
    expect(third).toEqual({ retryAfterMs: 500 });
  });

  it('counts bytes in a window per agreement and refuses what would pass the limit', () => {
    const limits = new AgreementLimits({ requestsPerSecond: 0, volumeBytes: 100, volumeWindowS: 60 });
    const t0 = new Date('2026-11-25T00:00:00Z');
    limits.admitBytes('a', t0, 60);
    limits.record('a', t0, 60);
    expect(() => limits.admitBytes('a', t0, 41)).toThrow(LimitReached);
    limits.admitBytes('b', t0, 100); // another agreement has its own window
    const later = new Date(t0.getTime() + 30_000);
    try {
      limits.admitBytes('a', later, 41);
      expect.unreachable();
    } catch (e) {
      expect((e as LimitReached).retryAfterS).toBe(30);
    }
    limits.admitBytes('a', new Date(t0.getTime() + 60_000), 100);
  });
});
