import { describe, expect, it } from 'vitest';
import { maxAgeOf, statusListCache } from './status-cache.js';
import {
  decodeStatusList,
  emptyStatusList,
  encodeStatusList,
  minimumEntries,
  statusBit,
  withStatusBit,
} from './status-list.js';

describe('bitstring status list', () => {
  it('sets the left-most bit for index 0 and survives the gzip + multibase base64url round trip', () => {
    const list = withStatusBit(withStatusBit(emptyStatusList(), 0, true), 131_071, true);
    expect(list.bytes.length * 8).toBe(minimumEntries);
    expect(list.bytes[0]).toBe(0x80);
    const encoded = encodeStatusList(list);
    expect(encoded.startsWith('u')).toBe(true);
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
    const back = decodeStatusList(encoded);
    expect(statusBit(back, 0)).toBe(true);
    expect(statusBit(back, 1)).toBe(false);
    expect(statusBit(back, 131_071)).toBe(true);
    expect(statusBit(withStatusBit(back, 0, false), 0)).toBe(false);
    // a StatusList2021 list has no multibase prefix
    expect(statusBit(decodeStatusList(encoded.slice(1)), 131_071)).toBe(true);
  });

  it('refuses an index outside the list and a list that is not gzip', () => {
    expect(() => statusBit(emptyStatusList(), minimumEntries)).toThrow(/out of range/);
    expect(() => statusBit(emptyStatusList(), -1)).toThrow(/out of range/);
    expect(() => decodeStatusList('uAAAA')).toThrow(/GZIP/);
    expect(() => decodeStatusList('u!!')).toThrow(/base64url/);
  });
});

describe('status list cache', () => {
  it('keeps a list for its max-age, shares one fetch, and forgets failures', async () => {
    let t = 0;
    let fetches = 0;
    let fail = false;
    const get = statusListCache(
      async () => {
        fetches++;
        if (fail) throw new Error('down');
        return { body: `list-${fetches}`, maxAgeSeconds: 60 };
      },
      () => new Date(t),
    );
    expect(await Promise.all([get('u'), get('u')])).toEqual(['list-1', 'list-1']);
    t = 59_000;
    expect(await get('u')).toBe('list-1');
    expect(get.freshUntil('u')).toBe(60_000);
    expect(get.freshUntil('other')).toBe(0);
    t = 60_000;
    fail = true;
    await expect(get('u')).rejects.toThrow('down');
    fail = false;
    expect(await get('u')).toBe('list-3');
    expect(maxAgeOf('public, max-age=300')).toBe(300);
    expect(maxAgeOf('no-store, max-age=300')).toBe(0);
    expect(maxAgeOf(undefined)).toBe(0);
  });

  it('fetches a list anew on refresh, and a refresh during a fetch shares it; maxSeconds caps the lifetime', async () => {
    let fetches = 0;
    const get = statusListCache(
      async () => {
        fetches++;
        return { body: `list-${fetches}`, maxAgeSeconds: 300 };
      },
      () => new Date(0),
      { maxSeconds: 60 },
    );
    expect(await get('u')).toBe('list-1');
    expect(get.freshUntil('u')).toBe(60_000);
    expect(await get('u')).toBe('list-1');
    expect(await get.refresh('u')).toBe('list-2');
    expect(await get('u')).toBe('list-2');
    const [a, b] = await Promise.all([get.refresh('u'), get.refresh('u')]);
    expect([a, b]).toEqual(['list-3', 'list-3']);
    expect(fetches).toBe(3);
  });
});
