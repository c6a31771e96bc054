import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { targetIndex, targetMapOf, targetsOf } from './kuromoji-targets.js';

const require = createRequire(import.meta.url);
const dict = path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
const TokenInfoDictionary = require('kuromoji/src/dict/TokenInfoDictionary.js') as new () => {
  loadTargetMap(bytes: Uint8Array): void;
  target_map: Record<string, number[]>;
};

const inflated = (file: string) => new Uint8Array(gunzipSync(readFileSync(path.join(dict, file))));
const kuromojiMap = (bytes: Uint8Array) => {
  const d = new TokenInfoDictionary();
  d.loadTargetMap(bytes);
  return d.target_map;
};
const ints = (...values: number[]) => new Uint8Array(new Int32Array(values).buffer);

describe('targetIndex', () => {
  it.each(['tid_map.dat.gz', 'unk_map.dat.gz'])('reads %s exactly as kuromoji does', (file) => {
    const bytes = inflated(file);
    const index = targetIndex(bytes);
    expect(index).toBeDefined();
    const theirs = kuromojiMap(bytes);
    expect(Object.keys(theirs).length).toBeGreaterThan(0);
    expect(targetMapOf(index!)).toEqual(theirs);
  });

  it('looks an id up without building the map, and gives nothing for an id without entries', () => {
    // count 2; id 3 → [7, 8]; id 0 → [5]; trailing zeros as kuromoji's buffer leaves them
    const index = targetIndex(ints(2, 3, 2, 7, 8, 0, 1, 5, 0, 0, 0))!;
    expect(targetsOf(index, 3)).toEqual([7, 8]);
    expect(targetsOf(index, 0)).toEqual([5]);
    expect(targetsOf(index, 1)).toEqual([]);
    expect(targetsOf(index, 99)).toEqual([]);
  });

  it('refuses a map it cannot read exactly, so kuromoji reads it', () => {
    expect(targetIndex(ints(1, 3, 5, 7))).toBeUndefined(); // five ids promised, one there
    expect(targetIndex(ints(2, 3, 1, 7, 3, 1, 8))).toBeUndefined(); // id 3 twice
    expect(targetIndex(ints(1, -1, 1, 7))).toBeUndefined(); // negative id
    expect(targetIndex(new Uint8Array(6))).toBeUndefined(); // not whole integers
  });
});
