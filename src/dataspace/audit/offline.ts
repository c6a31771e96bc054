import type { JWK } from 'jose';
import type { AuditRecord } from '../../store/index.js';
import { type ChainReport, verifyChain } from './chain.js';
import { checkpointVerifier } from './checkpoint.js';
import { AuditExportInvalid, AuditKeyInvalid } from './errors.js';
import { fromExportLine } from './export.js';

/** Public keys by kid from a DID document (its verificationMethod entries carrying publicKeyJwk). */
export function keysFromDidDocument(doc: unknown): Map<string, JWK> {
  const methods = (doc as { verificationMethod?: unknown })?.verificationMethod;
  if (!Array.isArray(methods)) throw new AuditKeyInvalid('the DID document has no verificationMethod list');
  const keys = new Map<string, JWK>();
  for (const m of methods as { id?: unknown; publicKeyJwk?: JWK }[]) {
    if (!m.publicKeyJwk) continue;
    const kid = m.publicKeyJwk.kid ?? (typeof m.id === 'string' ? m.id.split('#')[1] : undefined);
    if (kid) keys.set(kid, m.publicKeyJwk);
  }
  if (keys.size === 0) throw new AuditKeyInvalid('the DID document lists no publicKeyJwk');
  return keys;
}

/** Public keys by kid from a JWK or a JWK Set; a lone JWK without kid matches any kid. */
export function keysFromJwk(value: unknown): Map<string, JWK> | JWK {
  const v = value as { keys?: unknown; kty?: unknown; d?: unknown };
  if (Array.isArray(v?.keys)) {
    return new Map((v.keys as JWK[]).filter((k) => k.kid).map((k) => [k.kid as string, k]));
  }
  if (typeof v?.kty !== 'string') throw new AuditKeyInvalid('the key file holds neither a JWK nor a JWK Set');
  const jwk = v as JWK;
  return jwk.kid ? new Map([[jwk.kid, jwk]]) : jwk;
}

/**
 * Verifies a JSONL export without any database: each line parsed, the chain walked, checkpoints checked
 * against the keys given. Entries whose personal fields were masked keep their links checked only.
 */
export async function verifyExport(
  lines: AsyncIterable<string>,
  keys: Map<string, JWK> | JWK,
): Promise<ChainReport> {
  const masked = new WeakSet<AuditRecord>();
  async function* pages(): AsyncGenerator<AuditRecord[]> {
    let page: AuditRecord[] = [];
    let n = 0;
    let participant: string | undefined;
    for await (const text of lines) {
      n += 1;
      if (text.trim() === '') continue;
      const parsed = fromExportLine(text);
      if ('error' in parsed) throw new AuditExportInvalid(n, parsed.error);
      participant ??= parsed.record.participant_id;
      if (parsed.record.participant_id !== participant) {
        throw new AuditExportInvalid(
          n,
          `entry of participant ${parsed.record.participant_id} in ${participant}'s export`,
        );
      }
      if (parsed.masked) masked.add(parsed.record);
      page.push(parsed.record);
      if (page.length >= 5000) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }
  const keyFor = async (kid: string) => (keys instanceof Map ? keys.get(kid) : keys);
  return verifyChain(pages(), checkpointVerifier(keyFor), (r) => masked.has(r));
}
