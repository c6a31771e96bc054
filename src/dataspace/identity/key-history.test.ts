import { describe, expect, it } from 'vitest';
import { type KeyHistoryEntry, keyStatus, publishedKeys, signingKeyAt } from './key-history.js';

const day = 86_400_000;
const t0 = Date.parse('2026-04-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
// The first key, then a rotation at t0 + 1 day that activates 5 minutes later.
const first: KeyHistoryEntry = {
  kid: 'k1',
  alg: 'EdDSA',
  createdAt: iso(t0),
  activeFrom: null,
  retiredAt: iso(t0 + day + 300_000),
};
const second: KeyHistoryEntry = {
  kid: 'k2',
  alg: 'EdDSA',
  createdAt: iso(t0 + day),
  activeFrom: iso(t0 + day + 300_000),
  retiredAt: null,
};
const p256: KeyHistoryEntry = {
  kid: 'p1',
  alg: 'ES256',
  createdAt: iso(t0),
  activeFrom: null,
  retiredAt: null,
};
const keys = [first, second, p256];

describe('key history', () => {
  it('keeps signing with the old key until the new one activates, then switches', () => {
    expect(signingKeyAt(keys, 'EdDSA', new Date(t0 + day + 1000))?.kid).toBe('k1');
    expect(signingKeyAt(keys, 'EdDSA', new Date(t0 + day + 300_000))?.kid).toBe('k2');
    expect(signingKeyAt(keys, 'ES256', new Date(t0 + 2 * day))?.kid).toBe('p1');
    expect(signingKeyAt(keys, 'EdDSA', new Date(t0 - 1))).toBeUndefined();
  });

  it('publishes the new key before it signs, and the old one for the grace period after', () => {
    const ids = (at: number) => publishedKeys(keys, new Date(at), 7 * day).map((k) => k.kid);
    expect(ids(t0 + day + 1000)).toEqual(['k1', 'k2', 'p1']);
    expect(ids(t0 + 3 * day)).toEqual(['k1', 'k2', 'p1']);
    expect(ids(t0 + 8 * day + 300_000)).toEqual(['k2', 'p1']);
  });

  it('names each key pending, active, retiring or retired', () => {
    const status = (k: KeyHistoryEntry, at: number) => keyStatus(k, new Date(at), 7 * day);
    expect(status(second, t0 + day)).toBe('pending');
    expect(status(first, t0 + day)).toBe('active');
    expect(status(first, t0 + 2 * day)).toBe('retiring');
    expect(status(first, t0 + 9 * day)).toBe('retired');
    expect(status(second, t0 + 9 * day)).toBe('active');
  });
});
