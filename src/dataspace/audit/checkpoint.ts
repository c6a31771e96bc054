import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type { AuditRecord } from '../../store/index.js';
import type { CheckpointCheck } from './chain.js';

const checkpointType = 'musubi-audit-checkpoint+jws';

/** What a checkpoint signs: its own entry's hash, which covers the whole chain before it through prev_hash. */
interface CheckpointClaims {
  readonly sub: string;
  readonly seq: number;
  readonly hash: string;
}

export interface CheckpointKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateJwk: JWK;
}

export async function signCheckpoint(
  record: Pick<AuditRecord, 'participant_id' | 'seq' | 'hash'>,
  key: CheckpointKey,
): Promise<string> {
  const claims: CheckpointClaims = { sub: record.participant_id, seq: record.seq, hash: record.hash };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: checkpointType })
    .sign(await importJWK(key.privateJwk, key.alg));
}

/**
 * Checks checkpoint signatures against public keys found by kid (any key the participant ever had, so
 * checkpoints made before a rotation still verify). Imported keys are kept for the walk.
 */
export function checkpointVerifier(keyFor: (kid: string) => Promise<JWK | undefined>): CheckpointCheck {
  const imported = new Map<string, Awaited<ReturnType<typeof importJWK>>>();
  return async (r) => {
    if (!r.signature) return 'it carries no signature';
    let kid: string | undefined;
    let alg: string | undefined;
    try {
      ({ kid, alg } = decodeProtectedHeader(r.signature));
    } catch {
      return 'its signature is not a JWS';
    }
    if (!kid || !alg) return 'its signature names no key';
    let key = imported.get(kid);
    if (!key) {
      const jwk = await keyFor(kid);
      if (!jwk) return `its key ${kid} is unknown`;
      key = await importJWK(jwk, alg);
      imported.set(kid, key);
    }
    let claims: CheckpointClaims;
    try {
      const { payload } = await compactVerify(r.signature, key, { algorithms: [alg] });
      claims = JSON.parse(new TextDecoder().decode(payload)) as CheckpointClaims;
    } catch {
      return `its signature does not verify with key ${kid}`;
    }
    if (claims.sub !== r.participant_id || claims.seq !== r.seq || claims.hash !== r.hash) {
      return `it signs entry ${claims.seq} with another hash: the chain up to it was rewritten`;
    }
    return undefined;
  };
}
