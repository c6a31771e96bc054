/**
 * Decodes text files whose encoding is not declared: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's
 * "Unicode text"), Shift_JIS/CP932 and EUC-JP (old Japanese systems). Fatal decoders reject impossible byte
 * sequences; when several legacy decoders accept the bytes, the one producing more ordinary Japanese wins.
 */
import { UndecodableText } from './errors.js';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'shift_jis' | 'euc-jp';

export interface DecodedText {
  /** The text without any BOM; spans index into this string. */
  readonly text: string;
  readonly encoding: TextEncodingName;
  readonly bom: boolean;
}

const legacy: readonly TextEncodingName[] = ['shift_jis', 'euc-jp'];

/** Decodes bytes to text, or throws `parse.encoding` naming the encodings tried. */
export function decodeText(bytes: Uint8Array, uri: string): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: decodeOrThrow('utf-8', bytes.subarray(3), uri), encoding: 'utf-8', bom: true };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: decodeOrThrow('utf-16le', bytes.subarray(2), uri), encoding: 'utf-16le', bom: true };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: decodeOrThrow('utf-16be', bytes.subarray(2), uri), encoding: 'utf-16be', bom: true };
  }
  const utf16 = utf16WithoutBom(bytes);
  if (utf16 !== undefined) {
    const text = tryDecode(utf16, bytes);
    if (text !== undefined) return { text, encoding: utf16, bom: false };
  }
  const utf8 = tryDecode('utf-8', bytes);
  if (utf8 !== undefined) return { text: utf8, encoding: 'utf-8', bom: false };
  // A UTF-8 file with a few bad bytes (or cut mid-character) keeps its text, the bytes as U+FFFD;
  // legacy-encoded Japanese read as UTF-8 is mostly U+FFFD instead.
  const lenient = lenientDecode('utf-8', bytes);
  if (lenient !== undefined && lenient.replaced <= Math.max(2, lenient.text.length / 1000)) {
    return { text: lenient.text, encoding: 'utf-8', bom: false };
  }
  const best = bestLegacy(bytes);
  if (best !== undefined) return { text: best.text, encoding: best.encoding, bom: false };
  // Damaged either way: the encoding that needs the fewest replacements, if they stay rare.
  const damaged = (['utf-8', ...legacy] as const)
    .map((encoding) => ({
      encoding,
      ...(lenientDecode(encoding, bytes) ?? { text: '', replaced: Infinity }),
    }))
    .reduce((a, b) => (b.replaced < a.replaced ? b : a));
  if (damaged.replaced <= Math.max(8, damaged.text.length / 100)) {
    return { text: damaged.text, encoding: damaged.encoding, bom: false };
  }
  throw new UndecodableText(uri, ['utf-8', 'utf-16', ...legacy]);
}

function bestLegacy(bytes: Uint8Array): { text: string; encoding: TextEncodingName } | undefined {
  let best: { text: string; encoding: TextEncodingName; score: number } | undefined;
  for (const encoding of legacy) {
    const text = tryDecode(encoding, bytes);
    if (text === undefined) continue;
    const score = japaneseScore(text);
    if (best === undefined || score > best.score) best = { text, encoding, score };
  }
  return best === undefined || best.score < 0 ? undefined : best;
}

function lenientDecode(
  encoding: TextEncodingName,
  bytes: Uint8Array,
): { text: string; replaced: number } | undefined {
  const text = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
  if (hasBinaryControls(text)) return undefined;
  let replaced = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) replaced++;
  return { text, replaced };
}

function decodeOrThrow(encoding: TextEncodingName, bytes: Uint8Array, uri: string): string {
  const text = tryDecode(encoding, bytes);
  if (text === undefined) throw new UndecodableText(uri, [encoding]);
  return text;
}

function tryDecode(encoding: TextEncodingName, bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
    return hasBinaryControls(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

// NUL, or control characters in more than 1% of the text, mean binary data. A few strays (a DOS Ctrl-Z at
// the end, a damaged byte) do not.
function hasBinaryControls(text: string): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0b && c !== 0x0c && c !== 0x0d && c !== 0x1b)
      controls++;
  }
  return controls > Math.max(1, text.length / 100);
}

// UTF-16 without a BOM shows as many NUL bytes on one side of each pair (ASCII and CJK punctuation).
function utf16WithoutBom(bytes: Uint8Array): TextEncodingName | undefined {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return undefined;
  const sample = Math.min(bytes.length, 4096);
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = sample / 2;
  if (oddZero > pairs * 0.3 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.3 && oddZero < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/** Ordinary Japanese text scores positive; mis-decoded bytes land in half-width kana and rare symbols. */
function japaneseScore(text: string): number {
  let score = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (
      c < 0x80 ||
      (c >= 0x3040 && c <= 0x30ff) ||
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0x3000 && c <= 0x303f)
    ) {
      score += 1;
    } else if ((c >= 0xff61 && c <= 0xff9f) || (c >= 0xe000 && c <= 0xf8ff)) {
      score -= 2;
    } else if (c >= 0xff01 && c <= 0xff5e) {
      score += 1;
    }
  }
  return score;
}
