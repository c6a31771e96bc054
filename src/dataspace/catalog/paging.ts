import { InvalidContinuationToken, UnsupportedFilter } from './errors.js';
import type { Cursor, DatasetFilter } from './query.js';

/**
 * Continuation tokens carry only a keyset position (the id a page ends or starts at). They hold nothing the
 * requester could not see, and every page re-applies visibility, so they need no signature.
 */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify('after' in c ? { a: c.after } : { b: c.before })).toString('base64url');
}

export function decodeCursor(token: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidContinuationToken();
  }
  if (typeof value === 'object' && value !== null) {
    const v = value as { a?: unknown; b?: unknown };
    if (typeof v.a === 'string' && v.b === undefined) return { after: v.a };
    if (typeof v.b === 'string' && v.a === undefined) return { before: v.b };
  }
  throw new InvalidContinuationToken();
}

const filterKeys: Readonly<Record<string, keyof DatasetFilter>> = {
  keyword: 'keywords',
  'dcat:keyword': 'keywords',
  mediaType: 'mediaTypes',
  'dcat:mediaType': 'mediaTypes',
  id: 'ids',
  '@id': 'ids',
};

const strings = (v: unknown): string[] | undefined =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')
      ? v
      : undefined;

/**
 * The DSP `filter` of a CatalogRequestMessage (its form is left to implementations): a list of objects, each
 * with one member — keyword, mediaType or id — and a string or list of strings. Within a member any value
 * matches; across members all must. Anything else is refused rather than ignored.
 */
export function parseCatalogFilter(filter: readonly unknown[] | undefined): DatasetFilter {
  const out: Record<keyof DatasetFilter, string[]> = { ids: [], keywords: [], mediaTypes: [] };
  for (const item of filter ?? []) {
    const entries =
      typeof item === 'object' && item !== null && !Array.isArray(item) ? Object.entries(item) : [];
    const [key, value] = entries[0] ?? [];
    const kind = key === undefined ? undefined : filterKeys[key];
    const values = strings(value);
    if (entries.length !== 1 || kind === undefined || values === undefined) throw new UnsupportedFilter(item);
    out[kind].push(...values);
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v.length > 0));
}
