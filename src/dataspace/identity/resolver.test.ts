import { describe, expect, it } from 'vitest';
import { cacheLifetime } from './cache-control.js';
import { didDocument } from './did.js';
import { didWebResolver } from './resolver.js';

const did = 'did:web:工場.example:p:kojo';

/** A resolver over a counting fetch whose Cache-Control the test sets, on a hand clock. */
function counting(cacheControl: string | undefined) {
  let t = Date.parse('2026-12-01T00:00:00Z');
  const fetched: string[] = [];
  const resolve = didWebResolver({
    fetchDocument: async (url) => {
      fetched.push(url.href);
      return { body: didDocument(did, []), ...(cacheControl ? { cacheControl } : {}) };
    },
    now: () => new Date(t),
    scheme: 'https',
  });
  return { resolve, fetches: () => fetched.length, advance: (ms: number) => (t += ms), urls: fetched };
}

describe('did:web resolver caching per HTTP cache headers', () => {
  it('keeps a document for its max-age, then fetches it again', async () => {
    const r = counting('public, max-age=60');
    await r.resolve(did, false);
    r.advance(59_000);
    await r.resolve(did, false);
    expect(r.fetches()).toBe(1);
    r.advance(1_000);
    await r.resolve(did, false);
    expect(r.fetches()).toBe(2);
    expect(r.urls[0]).toMatch(/^https:\/\/xn--[a-z0-9-]+\.example\/p\/kojo\/did\.json$/);
  });

  it('keeps nothing under no-store or no-cache, but concurrent lookups share one fetch', async () => {
    for (const header of ['no-store', 'no-cache', 'max-age=0']) {
      const r = counting(header);
      await Promise.all([r.resolve(did, false), r.resolve(did, false)]);
      expect(r.fetches()).toBe(1);
      await r.resolve(did, false);
      expect(r.fetches(), header).toBe(2);
    }
  });

  it('uses its default lifetime (5 min) when no lifetime is given, and caps a long max-age at one hour', async () => {
    const none = counting(undefined);
    await none.resolve(did, false);
    none.advance(299_000);
    await none.resolve(did, false);
    expect(none.fetches()).toBe(1);
    none.advance(1_000);
    await none.resolve(did, false);
    expect(none.fetches()).toBe(2);
    const long = counting('max-age=86400');
    await long.resolve(did, false);
    long.advance(3_599_000);
    await long.resolve(did, false);
    expect(long.fetches()).toBe(1);
    long.advance(1_000);
    await long.resolve(did, false);
    expect(long.fetches()).toBe(2);
  });

  it('a fresh lookup (unknown key id) refetches after 30 s, or sooner when the max-age is shorter', async () => {
    const r = counting('max-age=10');
    await r.resolve(did, true);
    r.advance(9_000);
    await r.resolve(did, true);
    expect(r.fetches()).toBe(1);
    r.advance(1_000);
    await r.resolve(did, true);
    expect(r.fetches()).toBe(2);
  });

  it('reads Cache-Control lifetimes', () => {
    expect(cacheLifetime('public, max-age=300')).toBe(300);
    expect(cacheLifetime('max-age="20", must-revalidate')).toBe(20);
    expect(cacheLifetime('private, no-cache')).toBe(0);
    expect(cacheLifetime('no-store')).toBe(0);
    expect(cacheLifetime('public')).toBeUndefined();
    expect(cacheLifetime(undefined)).toBeUndefined();
    expect(cacheLifetime('s-maxage=30')).toBeUndefined();
  });
});
