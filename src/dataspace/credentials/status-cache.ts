import { cacheLifetime } from '../identity/index.js';

/** A fetched status list credential and how long it may be used (its Cache-Control max-age). */
export interface FetchedStatusList {
  readonly body: string;
  readonly maxAgeSeconds: number;
}

/**
 * Status list credentials cached for their Cache-Control lifetime (bounded by `maxSeconds`), so verifying a
 * presentation costs no fetch while the list is fresh; concurrent lookups share one fetch; failures are not kept.
 */
export function statusListCache(
  fetch: (url: string) => Promise<FetchedStatusList>,
  now: () => Date,
  options: { maxSeconds?: number; maxEntries?: number } = {},
): StatusListLookup {
  const maxSeconds = options.maxSeconds ?? 300;
  const maxEntries = options.maxEntries ?? 1000;
  const cache = new Map<string, { body: Promise<string>; until: number }>();
  const lookup = (url: string): Promise<string> => {
    const t = now().getTime();
    const hit = cache.get(url);
    if (hit && t < hit.until) return hit.body;
    cache.delete(url);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    const entry = { body: Promise.resolve(''), until: Number.POSITIVE_INFINITY };
    entry.body = fetch(url).then(
      (f) => {
        entry.until = t + Math.min(Math.max(f.maxAgeSeconds, 0), maxSeconds) * 1000;
        return f.body;
      },
      (e: unknown) => {
        cache.delete(url);
        throw e;
      },
    );
    cache.set(url, entry);
    return entry.body;
  };
  return Object.assign(lookup, {
    // A fetch already under way is as fresh as a new one would be: shared, not repeated.
    refresh: (url: string) => {
      const hit = cache.get(url);
      if (hit && !Number.isFinite(hit.until)) return hit.body;
      cache.delete(url);
      return lookup(url);
    },
    freshUntil: (url: string) => {
      const until = cache.get(url)?.until ?? 0;
      return Number.isFinite(until) ? until : 0;
    },
  });
}

/**
 * A status list lookup that also tells until when its copy of a list is fresh (0 when none is kept), and fetches
 * a list anew on request (a running transfer's credentials re-checked).
 */
export type StatusListLookup = ((url: string) => Promise<string>) & {
  freshUntil(url: string): number;
  refresh(url: string): Promise<string>;
};

/** `max-age` of a Cache-Control header (0 when absent or `no-store` / `no-cache`). */
export function maxAgeOf(cacheControl: string | undefined): number {
  return cacheLifetime(cacheControl) ?? 0;
}
