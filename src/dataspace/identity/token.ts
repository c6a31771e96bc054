import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { Unauthorized } from '../../errors/index.js';
import type { DidDocument } from './did.js';
import type { KeyAlgorithm } from './keys.js';
import type { ReplayCheck } from './replay.js';

/**
 * Counterparty authentication until DCP arrives: the sender signs a short self-issued JWT with its participant
 * key (iss = sub = its did:web, aud = the receiver's DID), the receiver resolves the sender's DID document and
 * checks the signature against a key listed under `authentication`.
 */
export interface SigningKey {
  readonly did: string;
  /** The key id as peers find it in the DID document: `<did>#<thumbprint>`. */
  readonly kid: string;
  readonly alg: KeyAlgorithm;
  readonly key: CryptoKey;
}

export const tokenAlgorithms: readonly KeyAlgorithm[] = ['EdDSA', 'ES256'];

export async function importSigningKey(did: string, privateJwk: JWK): Promise<SigningKey> {
  const alg = tokenAlgorithms.find((a) => a === privateJwk.alg);
  if (!alg) throw new Error(`participant key algorithm ${alg} cannot sign`);
  const key = await importJWK(privateJwk, alg);
  if (key instanceof Uint8Array) throw new Error('a participant key must be asymmetric');
  return { did, kid: `${did}#${privateJwk.kid}`, alg, key };
}

export interface TokenClaims {
  readonly audience: string;
  readonly issuedAt: Date;
  readonly jti: string;
  readonly ttlSeconds: number;
  /** DCP: the access token the receiver may present to the sender's CredentialService (`token` claim). */
  readonly accessToken?: string;
}

export async function signCounterpartyToken(signer: SigningKey, claims: TokenClaims): Promise<string> {
  const iat = Math.floor(claims.issuedAt.getTime() / 1000);
  return new SignJWT(claims.accessToken ? { token: claims.accessToken } : {})
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
    .setIssuer(signer.did)
    .setSubject(signer.did)
    .setAudience(claims.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + claims.ttlSeconds)
    .setJti(claims.jti)
    .sign(signer.key);
}

/** Why a token was refused: for the receiver's log only, never for the caller. */
export class TokenRejected extends Unauthorized {
  constructor(reason: string) {
    super('auth.token-rejected', reason);
  }
}

export interface TokenPolicy {
  /** DIDs that name the receiving participant; `aud` must be one of them. */
  readonly audiences: readonly string[];
  readonly leewaySeconds: number;
  /** exp − iat may not exceed this, which also bounds how long the replay guard must remember a jti. */
  readonly maxLifetimeSeconds: number;
}

export interface TokenDeps {
  /** The sender's DID document; `fresh` asks to bypass a cache (an unknown key id may mean rotation). */
  readonly resolveDid: (did: string, fresh: boolean) => Promise<DidDocument>;
  readonly replay: ReplayCheck;
  readonly now: () => Date;
}

const maxTokenLength = 8 * 1024;

/**
 * Checks a bearer token and returns the authenticated sender DID, with the DCP access token of its `token`
 * claim when it carries one; throws TokenRejected naming the reason.
 */
export async function verifyCounterpartyToken(
  token: string,
  policy: TokenPolicy,
  deps: TokenDeps,
): Promise<{ did: string; accessToken?: string }> {
  if (token.length > maxTokenLength) throw new TokenRejected('token too long');
  const { iss, kid, alg } = unverifiedParts(token);
  const key = await publicKeyFor(iss, kid, alg, deps);
  const now = deps.now();
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [...tokenAlgorithms],
      issuer: iss,
      subject: iss,
      audience: [...policy.audiences],
      clockTolerance: policy.leewaySeconds,
      currentDate: now,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
    }));
  } catch (e) {
    throw new TokenRejected(`token of ${iss} refused: ${(e as Error).message}`);
  }
  const exp = payload.exp ?? 0;
  const iat = payload.iat ?? 0;
  if (exp - iat > policy.maxLifetimeSeconds) throw new TokenRejected(`token of ${iss} lives too long`);
  if (iat > now.getTime() / 1000 + policy.leewaySeconds)
    throw new TokenRejected(`token of ${iss} issued in the future`);
  const first = await deps.replay.remember(
    `${iss} ${payload.jti}`,
    (exp + policy.leewaySeconds) * 1000,
    now.getTime(),
  );
  if (!first) throw new TokenRejected(`token ${payload.jti} of ${iss} replayed`);
  return typeof payload.token === 'string' && payload.token !== ''
    ? { did: iss, accessToken: payload.token }
    : { did: iss };
}

function unverifiedParts(token: string): { iss: string; kid: string; alg: KeyAlgorithm } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    throw new TokenRejected('not a JWT');
  }
  const alg = tokenAlgorithms.find((a) => a === header.alg);
  if (!alg) throw new TokenRejected(`algorithm ${String(header.alg)} not accepted`);
  if (typeof claims.iss !== 'string' || !claims.iss.startsWith('did:web:'))
    throw new TokenRejected('issuer is not a did:web');
  if (typeof header.kid !== 'string' || header.kid === '') throw new TokenRejected('no key id');
  const kid =
    header.kid.startsWith('#') || !header.kid.includes('#')
      ? `${claims.iss}#${header.kid.replace(/^#/, '')}`
      : header.kid;
  if (!kid.startsWith(`${claims.iss}#`)) throw new TokenRejected('key id belongs to another DID');
  return { iss: claims.iss, kid, alg };
}

async function publicKeyFor(
  did: string,
  kid: string,
  alg: KeyAlgorithm,
  deps: TokenDeps,
): Promise<CryptoKey> {
  let jwk = authenticationKey(await resolve(did, false, deps), kid);
  // A key id we have not seen may be a rotated key: look once more, bypassing the cache.
  if (!jwk) jwk = authenticationKey(await resolve(did, true, deps), kid);
  if (!jwk) throw new TokenRejected(`key ${kid} is not an authentication key of ${did}`);
  if (jwk.alg !== undefined && jwk.alg !== alg) throw new TokenRejected(`key ${kid} is not for ${alg}`);
  try {
    const key = await importJWK(jwk, alg);
    if (key instanceof Uint8Array) throw new Error('symmetric');
    return key;
  } catch (e) {
    throw new TokenRejected(`key ${kid} of ${did} unusable: ${(e as Error).message}`);
  }
}

async function resolve(did: string, fresh: boolean, deps: TokenDeps): Promise<DidDocument> {
  try {
    return await deps.resolveDid(did, fresh);
  } catch (e) {
    throw new TokenRejected(`DID ${did} not resolved: ${(e as Error).message}`);
  }
}

function authenticationKey(doc: DidDocument, kid: string): JWK | undefined {
  const listed = doc.authentication.some((a) => a === kid || `${doc.id}${a}` === kid);
  if (!listed) return undefined;
  const method = doc.verificationMethod.find((m) => m.id === kid || `${doc.id}${m.id}` === kid);
  if (!method || method.controller !== doc.id) return undefined;
  const { d: _d, ...pub } = method.publicKeyJwk;
  return pub;
}
