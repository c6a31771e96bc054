/**
 * A drop-in for kuromoji 0.1.2's `ViterbiBuilder.build` that gives the same lattice in linear time.
 * The original, at every position of a sentence, copies the whole rest of the sentence twice (a
 * surrogate-aware wrapper and a full UTF-8 encoding for the dictionary trie), so a long sentence — a
 * PDF table or list has no 。 for hundreds of characters — costs quadratic time. Here the trie is
 * walked byte by byte from the position, encoding only as far as it matches, and the unknown-word pass
 * reads characters from the one sentence wrapper. Nodes, their order and every field are unchanged.
 */
import { createRequire } from 'node:module';
import type { TargetIndex } from './kuromoji-targets.js';

interface DoubleArray {
  traverse(parent: number, code: number): number;
  readonly bc: { getBase(id: number): number };
}

interface ShortBuffer {
  getShort(offset: number): number;
}

interface CharClass {
  readonly class_id: number;
  readonly class_name: string;
  readonly is_always_invoke: number;
  readonly is_grouping: number;
}

interface Builder {
  build(sentence: string): unknown;
  readonly trie: DoubleArray;
  readonly token_info_dictionary: {
    readonly target_map: Record<number, number[]>;
    /** The same map read in place (`kuromoji-targets.ts`), when the dictionary was loaded that way. */
    readonly targets?: TargetIndex;
    dictionary: ShortBuffer;
  };
  readonly unknown_dictionary: {
    readonly target_map: Record<number, number[]>;
    readonly targets?: TargetIndex;
    dictionary: ShortBuffer;
    lookup(ch: string): CharClass;
  };
}

interface SurrogateAware {
  readonly length: number;
  charAt(index: number): string;
  toString(): string;
}

type Lattice = { append(node: unknown): void; appendEos(): void };

const notFound = -1;
const rootId = 0;
const termCode = 0;

/** Replaces `tokenizer.viterbi_builder.build` in place; leaves it alone if kuromoji is not the expected shape. */
export function speedUpLattice(tokenizer: unknown): void {
  const builder = (tokenizer as { viterbi_builder?: Builder }).viterbi_builder;
  if (!builder || typeof builder.trie?.traverse !== 'function') return;
  const require = createRequire(import.meta.url);
  const ViterbiLattice = require('kuromoji/src/viterbi/ViterbiLattice.js') as new () => Lattice;
  const ViterbiNode = require('kuromoji/src/viterbi/ViterbiNode.js') as new (...args: unknown[]) => unknown;
  const SurrogateAwareString = require('kuromoji/src/util/SurrogateAwareString.js') as new (
    s: string,
  ) => SurrogateAware & { readonly index_mapping: number[] };
  const original = builder.build.bind(builder);
  const { trie, token_info_dictionary: known, unknown_dictionary: unknown } = builder;
  const targets = known.targets;
  const unknownTargets = unknown.targets;
  /** A lattice node for dictionary entry `id` (its costs read from `d`) covering `key` from `pos`. */
  const append = (
    lattice: Lattice,
    d: ShortBuffer,
    type: 'KNOWN' | 'UNKNOWN',
    id: number,
    pos: number,
    key: SurrogateAware | string,
  ) => {
    lattice.append(
      new ViterbiNode(
        id,
        d.getShort(id + 4),
        pos + 1,
        key.length,
        type,
        d.getShort(id),
        d.getShort(id + 2),
        key.toString(),
      ),
    );
  };
  const appendKnown = (lattice: Lattice, id: number, pos: number, key: string) =>
    append(lattice, known.dictionary, 'KNOWN', id, pos, key);
  const appendUnknown = (lattice: Lattice, id: number, pos: number, key: SurrogateAware | string) =>
    append(lattice, unknown.dictionary, 'UNKNOWN', id, pos, key);

  builder.build = (text: string) => {
    // The original throws on a high surrogate without its low half (its UTF-8 encoder returns null):
    // such text keeps the original path, error included.
    if (/[\ud800-\udbff](?![\udc00-\udfff])/.test(text)) return original(text);
    const lattice = new ViterbiLattice();
    const sentence = new SurrogateAwareString(text);
    const starts = sentence.index_mapping;
    let run = { name: '', end: 0 };
    for (let pos = 0; pos < sentence.length; pos++) {
      const vocabulary = prefixSearch(trie, text, starts[pos]!);
      for (const { k: key, v: trieId } of vocabulary) {
        if (targets !== undefined) {
          const at = targets.at[trieId as number] ?? -1;
          const n = at < 0 ? 0 : targets.ints[at]!;
          for (let i = 1; i <= n; i++) appendKnown(lattice, targets.ints[at + i]!, pos, key);
          continue;
        }
        const ids = known.target_map[trieId as number]!;
        for (let i = 0; i < ids.length; i++) {
          appendKnown(lattice, Number.parseInt(ids[i] as unknown as string, 10), pos, key);
        }
      }
      const headText = sentence.charAt(pos);
      const headChar = new SurrogateAwareString(headText);
      const headClass = unknown.lookup(headChar.toString());
      if (vocabulary.length === 0 || headClass.is_always_invoke === 1) {
        // The original scans the rest of a same-class run again from every position of it (quadratic in a
        // long run of digits or symbols); the run's end is the same for all of them, so it is found once.
        let key: SurrogateAware | string = headChar;
        if (headClass.is_grouping === 1 && 1 < sentence.length - pos) {
          if (pos >= run.end || run.name !== headClass.class_name) {
            let end = pos + 1;
            while (
              end < sentence.length &&
              unknown.lookup(sentence.charAt(end)).class_name === headClass.class_name
            )
              end++;
            run = { name: headClass.class_name, end };
          }
          // As the original: a lone character stays a wrapper (length in code points), a grouped one a string.
          if (run.end - pos > 1) key = text.slice(starts[pos], starts[run.end] ?? text.length);
        }
        if (unknownTargets !== undefined) {
          const at = unknownTargets.at[headClass.class_id] ?? -1;
          const n = at < 0 ? 0 : unknownTargets.ints[at]!;
          for (let i = 1; i <= n; i++) appendUnknown(lattice, unknownTargets.ints[at + i]!, pos, key);
        } else {
          const ids = unknown.target_map[headClass.class_id]!;
          for (let j = 0; j < ids.length; j++)
            appendUnknown(lattice, Number.parseInt(ids[j] as unknown as string, 10), pos, key);
        }
      }
    }
    lattice.appendEos();
    return lattice;
  };
}

/** `DoubleArray.commonPrefixSearch(text.slice(start))`, encoding UTF-8 lazily as the trie matches. */
function prefixSearch(trie: DoubleArray, text: string, start: number): { k: string; v?: number }[] {
  const result: { k: string; v?: number }[] = [];
  const bytes: number[] = [];
  let parent = rootId;
  let i = start;
  while (i < text.length) {
    const end = encodeChar(text, i, bytes);
    for (let b = 0; b < bytes.length; b++) {
      const child = trie.traverse(parent, bytes[b]!);
      if (child === notFound) return result;
      parent = child;
      const grandChild = trie.traverse(child, termCode);
      if (grandChild !== notFound) {
        const base = trie.bc.getBase(grandChild);
        const r: { k: string; v?: number } = { k: text.slice(start, b === bytes.length - 1 ? end : i) };
        if (base <= 0) r.v = -base - 1;
        result.push(r);
      }
    }
    i = end;
  }
  return result;
}

/** The UTF-8 bytes of the character at `i` into `out` (as doublearray encodes it); returns the next index. */
function encodeChar(text: string, i: number, out: number[]): number {
  out.length = 0;
  let code = text.charCodeAt(i++);
  if (code >= 0xd800 && code <= 0xdbff) {
    code = (code - 0xd800) * 0x400 + 0x10000 + (text.charCodeAt(i++) - 0xdc00);
  }
  if (code < 0x80) out.push(code);
  else if (code < 0x800) out.push((code >>> 6) | 0xc0, (code & 0x3f) | 0x80);
  else if (code < 0x10000) out.push((code >>> 12) | 0xe0, ((code >> 6) & 0x3f) | 0x80, (code & 0x3f) | 0x80);
  else
    out.push(
      (code >>> 18) | 0xf0,
      ((code >> 12) & 0x3f) | 0x80,
      ((code >> 6) & 0x3f) | 0x80,
      (code & 0x3f) | 0x80,
    );
  return i;
}
