/**
 * kuromoji's map from a trie id (a surface form) to the ids of the dictionary entries with that surface, read
 * in place from `tid_map.dat`. kuromoji builds it as a plain object holding an array per surface form: about
 * 390,000 small arrays, a tenth of a second to build and as much again in garbage collection, in every thread
 * that loads the dictionary (each parse worker and every CLI search). Here the file's integers are used as
 * they are, with one index array from trie id to entry position.
 */

/** The map file as 32-bit integers and where each trie id's entry starts. */
export interface TargetIndex {
  /** `count`, then for each trie id: `id`, `n`, and the `n` entry ids. */
  readonly ints: Int32Array;
  /** Per trie id, the position of its `n` in `ints`; −1 for an id without an entry. */
  readonly at: Int32Array;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The index over `tid_map.dat` (kuromoji writes little-endian 32-bit integers), or undefined when the file is
 * not exactly that shape — truncated, a negative id or count, an id listed twice — so the caller keeps
 * kuromoji's own reading of it. An entry with no ids adds nothing, as in kuromoji.
 */
export function targetIndex(bytes: Uint8Array): TargetIndex | undefined {
  if (!littleEndian || bytes.byteLength % 4 !== 0 || bytes.byteLength < 4) return undefined;
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const ints = new Int32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  let maxId = -1;
  // The last id may lack its count: kuromoji reads a count past the end as 0.
  const countAt = (p: number) => ints[p + 1] ?? 0;
  for (let p = 1; p < ints.length; ) {
    const id = ints[p]!;
    const n = countAt(p);
    if (id < 0 || n < 0 || (n > 0 && p + 2 + n > ints.length)) return undefined;
    if (id > maxId) maxId = id;
    p += 2 + n;
  }
  const at = new Int32Array(maxId + 1).fill(-1);
  for (let p = 1; p < ints.length; p += 2 + countAt(p)) {
    const id = ints[p]!;
    // kuromoji writes the map into a buffer grown by doubling: the rest is zeros, read as entries with no ids
    if (countAt(p) === 0) continue;
    if (at[id] !== -1) return undefined;
    at[id] = p + 1;
  }
  return { ints, at };
}

/** The entry ids of a trie id, as kuromoji's `target_map[id]` lists them (empty when it has none). */
export function targetsOf(index: TargetIndex, trieId: number): number[] {
  const at = index.at[trieId] ?? -1;
  if (at < 0) return [];
  return Array.from(index.ints.subarray(at + 1, at + 1 + index.ints[at]!));
}

/** kuromoji's object form of the whole map, for its own code paths that read `target_map` directly. */
export function targetMapOf(index: TargetIndex): Record<number, number[]> {
  const map: Record<number, number[]> = {};
  for (let id = 0; id < index.at.length; id++) if (index.at[id]! >= 0) map[id] = targetsOf(index, id);
  return map;
}
