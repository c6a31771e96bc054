import { MusubiError } from '../../errors/index.js';
import { corporateNumberOf } from './corporate-number.js';
import { type DirectoryEntry, readDirectoryEntry } from './entry.js';

/** A GET over whatever HTTP client the caller uses (the node's outbound client: the egress policy applies). */
export type DirectoryGet = (url: string) => Promise<{ status: number; body: unknown }>;

export class DirectoryUnavailable extends MusubiError {
  constructor(url: string, why: string) {
    super('directory.unavailable', 'unavailable', `the participant directory at ${url} ${why}`, { url });
  }
}

/** Where an authority serves the entry of one corporate number: `<authority root>/directory/<13 digits>`. */
export function directoryUrl(authorityUrl: string, corporateNumber: string): string {
  return `${authorityUrl.replace(/\/+$/, '')}/directory/${corporateNumber}`;
}

/**
 * A supplier's DID and endpoints from its corporate number (typed as people type it: 全角, hyphens), asked of an
 * authority's participant directory. Undefined when the authority knows no such company; InvalidCorporateNumber
 * before any request when the number is not a 法人番号; DirectoryUnavailable when the authority cannot answer.
 */
export async function lookupParticipant(
  get: DirectoryGet,
  authorityUrl: string,
  input: string,
): Promise<DirectoryEntry | undefined> {
  const corporateNumber = corporateNumberOf(input);
  const url = directoryUrl(authorityUrl, corporateNumber);
  let res: { status: number; body: unknown };
  try {
    res = await get(url);
  } catch (e) {
    throw new DirectoryUnavailable(url, `could not be reached: ${(e as Error).message}`);
  }
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new DirectoryUnavailable(url, `answered ${res.status}`);
  const entry = readDirectoryEntry(res.body);
  // An answer for another number is no answer (a misrouted or tampered response).
  if (!entry || entry.corporateNumber !== corporateNumber)
    throw new DirectoryUnavailable(url, 'sent no directory entry for this number');
  return entry;
}
