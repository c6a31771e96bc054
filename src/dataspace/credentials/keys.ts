import { type CryptoKey, importJWK } from 'jose';
import type { DidDocument } from '../identity/index.js';
import { refuse } from './errors.js';

export type DidLookup = (did: string, fresh: boolean) => Promise<DidDocument>;
export type Relationship = 'authentication' | 'assertionMethod';

export const credentialAlgorithms = ['EdDSA', 'ES256'] as const;

/** `kid` as a full DID URL of `did` (`did#x`), accepting the short `#x` / `x` forms. */
export function fullKid(did: string, kid: unknown): string | undefined {
  if (typeof kid !== 'string' || kid === '') return undefined;
  const full = kid.startsWith('#') || !kid.includes('#') ? `${did}#${kid.replace(/^#/, '')}` : kid;
  return full.startsWith(`${did}#`) ? full : undefined;
}

async function resolve(lookup: DidLookup, did: string, fresh: boolean): Promise<DidDocument> {
  try {
    return await lookup(did, fresh);
  } catch (e) {
    return refuse('did.unresolvable', `DID ${did} did not resolve: ${(e as Error).message}`);
  }
}

function methodOf(doc: DidDocument, kid: string, relationship: Relationship) {
  if (!doc[relationship].includes(kid)) return undefined;
  return doc.verificationMethod.find((m) => m.id === kid);
}

/**
 * The public key `kid` of `did` listed under `relationship` (assertionMethod for credentials, authentication
 * for presentations and tokens). An unknown kid may be a rotated key: the document is fetched once more.
 */
export async function verificationKey(
  lookup: DidLookup,
  did: string,
  kid: unknown,
  relationship: Relationship,
): Promise<CryptoKey> {
  const full = fullKid(did, kid);
  if (!full) return refuse('did.kid-missing', `the signature names no key of ${did} (kid ${String(kid)})`);
  let method = methodOf(await resolve(lookup, did, false), full, relationship);
  if (!method) method = methodOf(await resolve(lookup, did, true), full, relationship);
  if (!method) return refuse('did.kid-missing', `${full} is not an ${relationship} key of ${did}`);
  const alg = credentialAlgorithms.find((a) => a === method.publicKeyJwk.alg) ?? algFor(method.publicKeyJwk);
  try {
    const key = await importJWK(method.publicKeyJwk, alg);
    if (key instanceof Uint8Array) throw new Error('symmetric key');
    return key;
  } catch (e) {
    return refuse('did.kid-missing', `${full} of ${did} is not a usable key: ${(e as Error).message}`);
  }
}

function algFor(jwk: { kty?: string; crv?: string }): string {
  return jwk.kty === 'OKP' ? 'EdDSA' : 'ES256';
}
