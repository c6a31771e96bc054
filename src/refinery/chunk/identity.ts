import { createHash } from 'node:crypto';

/**
 * A chunk id from what identifies it, shaped as a UUID (version 8, "custom") because several vector
 * stores accept nothing else. Same file bytes + same blocks + same part → same id on every run.
 */
export function chunkId(sourceSha256: string, blockIds: readonly string[], part: number): string {
  const hex = createHash('sha256')
    .update(`${sourceSha256}\u0000${blockIds.join(',')}\u0000${part}`)
    .digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
