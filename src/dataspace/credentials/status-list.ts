import { gunzipSync, gzipSync } from 'fflate';
import { InvalidInput } from '../../errors/index.js';

/**
 * W3C Bitstring Status List: one bit per issued credential, index 0 the left-most bit of the first byte, GZIP
 * compressed and multibase base64url encoded (`u…`). At least 16 KiB (131,072 entries) so a list does not
 * reveal how many credentials its issuer made (the spec's herd privacy minimum).
 */
export const minimumEntries = 131_072;

export interface StatusBits {
  readonly bytes: Uint8Array;
}

export function emptyStatusList(entries = minimumEntries): StatusBits {
  return { bytes: new Uint8Array(Math.ceil(Math.max(entries, minimumEntries) / 8)) };
}

function locate(list: StatusBits, index: number): { byte: number; mask: number } {
  if (!Number.isInteger(index) || index < 0 || index >= list.bytes.length * 8) {
    throw new InvalidInput('status-list.index-out-of-range', `status list index ${index} is out of range`);
  }
  return { byte: index >> 3, mask: 0x80 >> (index & 7) };
}

export function statusBit(list: StatusBits, index: number): boolean {
  const { byte, mask } = locate(list, index);
  return ((list.bytes[byte] ?? 0) & mask) !== 0;
}

/** A copy with the bit at `index` set (revoked / suspended) or cleared. */
export function withStatusBit(list: StatusBits, index: number, set: boolean): StatusBits {
  const { byte, mask } = locate(list, index);
  const bytes = list.bytes.slice();
  bytes[byte] = set ? (bytes[byte] ?? 0) | mask : (bytes[byte] ?? 0) & ~mask;
  return { bytes };
}

export function encodeStatusList(list: StatusBits): string {
  return `u${Buffer.from(gzipSync(list.bytes)).toString('base64url')}`;
}

/** Reads a BitstringStatusList (`u` + base64url) or a StatusList2021 list (plain base64url) encodedList. */
export function decodeStatusList(encoded: string): StatusBits {
  const text = encoded.startsWith('u') ? encoded.slice(1) : encoded;
  if (!/^[A-Za-z0-9_\-+/=]+$/.test(text)) {
    throw new InvalidInput('status-list.malformed', 'encodedList is not base64url');
  }
  try {
    return { bytes: gunzipSync(Buffer.from(text, 'base64url')) };
  } catch {
    throw new InvalidInput('status-list.malformed', 'encodedList is not GZIP data');
  }
}
