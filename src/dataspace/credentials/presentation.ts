import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import type { SigningKey } from '../identity/index.js';
import { refuse } from './errors.js';
import { credentialAlgorithms, verificationKey } from './keys.js';
import { vc2Context } from './vc.js';
import { type CredentialCheckDeps, type VerifiedCredential, verifyCredential } from './verify.js';

export interface PresentationInput {
  readonly id: string;
  /** The verifier's DID. */
  readonly audience: string;
  /** Credential JWTs (either profile), enveloped as VC 2.0 `EnvelopedVerifiableCredential`s. */
  readonly credentials: readonly string[];
  readonly issuedAt: Date;
  readonly ttlSeconds: number;
}

const envelope = 'data:application/vc+jwt,';

/** A VC 2.0 presentation secured as a JWT (`typ: vp+jwt`) signed by the holder with an authentication key. */
export async function signPresentation(holder: SigningKey, p: PresentationInput): Promise<string> {
  const iat = Math.floor(p.issuedAt.getTime() / 1000);
  const vp = {
    '@context': [vc2Context],
    id: p.id,
    type: ['VerifiablePresentation'],
    holder: holder.did,
    verifiableCredential: p.credentials.map((jwt) => ({
      '@context': [vc2Context],
      id: `${envelope}${jwt}`,
      type: 'EnvelopedVerifiableCredential',
    })),
  };
  return new SignJWT(vp)
    .setProtectedHeader({ alg: holder.alg, kid: holder.kid, typ: 'vp+jwt' })
    .setIssuer(holder.did)
    .setSubject(holder.did)
    .setAudience(p.audience)
    .setJti(p.id)
    .setIssuedAt(iat)
    .setExpirationTime(iat + p.ttlSeconds)
    .sign(holder.key);
}

export interface PresentationExpectation {
  /** The verifier: the presentation's `aud`. */
  readonly audience: string;
  /** Who must hold it: the DSP counterparty that presented the token. */
  readonly holder: string;
}

/** The credential JWTs inside a presentation: VC 2.0 envelopes, or VC 1.1 `vp.verifiableCredential` strings. */
function credentialsIn(payload: Record<string, unknown>): string[] {
  const vp = (payload.vp && typeof payload.vp === 'object' ? payload.vp : payload) as Record<string, unknown>;
  const list = Array.isArray(vp.verifiableCredential) ? vp.verifiableCredential : [];
  return list.map((c: unknown) => {
    if (typeof c === 'string') return c;
    const id = c && typeof c === 'object' ? (c as { id?: unknown }).id : undefined;
    if (typeof id === 'string' && id.startsWith(envelope)) return id.slice(envelope.length);
    return refuse('presentation.malformed', 'a presented credential is neither a JWT nor an envelope of one');
  });
}

/**
 * A presentation JWT checked and every credential in it: signed by the expected holder (authentication key),
 * for this verifier, not expired; then each credential as `verifyCredential` checks it.
 */
export async function verifyPresentation(
  jwt: string,
  expected: PresentationExpectation,
  deps: CredentialCheckDeps,
): Promise<{ holder: string; credentials: VerifiedCredential[] }> {
  let kid: unknown;
  let payload: Record<string, unknown>;
  try {
    kid = decodeProtectedHeader(jwt).kid;
    payload = decodeJwt(jwt);
  } catch {
    return refuse('presentation.malformed', 'the presentation is not a JWT');
  }
  const vp = (payload.vp && typeof payload.vp === 'object' ? payload.vp : payload) as Record<string, unknown>;
  const holder = typeof vp.holder === 'string' ? vp.holder : payload.iss;
  if (holder !== expected.holder || payload.iss !== expected.holder)
    refuse('presentation.wrong-holder', `a presentation of ${String(holder)} came from ${expected.holder}`);
  const key = await verificationKey(deps.resolveDid, expected.holder, kid, 'authentication');
  try {
    await jwtVerify(jwt, key, {
      algorithms: [...credentialAlgorithms],
      issuer: expected.holder,
      audience: expected.audience,
      clockTolerance: deps.leewaySeconds,
      currentDate: deps.now(),
      requiredClaims: ['exp'],
    });
  } catch (e) {
    if (e instanceof errors.JWTExpired)
      refuse('presentation.expired', `the presentation of ${expected.holder} expired`);
    if (e instanceof errors.JWTClaimValidationFailed && e.claim === 'aud')
      refuse('presentation.wrong-audience', `a presentation of ${expected.holder} is for another verifier`);
    refuse('presentation.bad-signature', `the presentation of ${expected.holder}: ${(e as Error).message}`);
  }
  const credentials: VerifiedCredential[] = [];
  for (const c of credentialsIn(payload)) credentials.push(await verifyCredential(c, expected.holder, deps));
  return { holder: expected.holder, credentials };
}
