import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import type { SigningKey } from '../identity/index.js';
import { refuse } from './errors.js';
import { credentialAlgorithms, type DidLookup, verificationKey } from './keys.js';

/** DCP's scope alias for credential types: `org.eclipse.dspace.dcp.vc.type:<Type>:read`. */
const typeScopePrefix = 'org.eclipse.dspace.dcp.vc.type:';

export function scopeForType(type: string): string {
  return `${typeScopePrefix}${type}:read`;
}

/** The credential type a scope reads, or undefined for a scope this service does not understand. */
export function typeOfScope(scope: string): string | undefined {
  if (!scope.startsWith(typeScopePrefix)) return undefined;
  const [type, op = 'read'] = scope.slice(typeScopePrefix.length).split(':');
  return type && op === 'read' && /^[A-Za-z0-9._-]+$/.test(type) ? type : undefined;
}

/**
 * The credential types an access token says it grants, read without verifying it: a verifier uses it only to skip
 * asking for types the holder does not offer (the holder's service checks the token). Undefined for a token this
 * node cannot read (another implementation's opaque token): then every type is asked for.
 */
export function grantedTypes(accessToken: string): string[] | undefined {
  try {
    const { scope } = decodeJwt(accessToken);
    if (typeof scope !== 'string') return undefined;
    return scope.split(' ').flatMap((s) => typeOfScope(s) ?? []);
  } catch {
    return undefined;
  }
}

export interface AccessTokenInput {
  /** The party allowed to present it to the holder's CredentialService (the DSP receiver). */
  readonly verifier: string;
  readonly scopes: readonly string[];
  readonly issuedAt: Date;
  readonly ttlSeconds: number;
  readonly jti: string;
}

/**
 * The access token a sender puts in the `token` claim of its self-issued ID token: signed by the holder itself,
 * `aud` the verifier, `scope` what the verifier may read from the holder's CredentialService.
 */
export async function signAccessToken(holder: SigningKey, t: AccessTokenInput): Promise<string> {
  const iat = Math.floor(t.issuedAt.getTime() / 1000);
  return new SignJWT({ scope: t.scopes.join(' ') })
    .setProtectedHeader({ alg: holder.alg, kid: holder.kid, typ: 'JWT' })
    .setIssuer(holder.did)
    .setSubject(holder.did)
    .setAudience(t.verifier)
    .setIssuedAt(iat)
    .setExpirationTime(iat + t.ttlSeconds)
    .setJti(t.jti)
    .sign(holder.key);
}

/**
 * The scopes an access token grants `verifier` at `holder`'s CredentialService: signed by the holder, for that
 * verifier, unexpired. Throws `access-token.invalid` otherwise.
 */
export async function verifyAccessToken(
  token: string,
  expected: { holder: string; verifier: string },
  deps: { resolveDid: DidLookup; now: () => Date; leewaySeconds: number },
): Promise<string[]> {
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return refuse('access-token.invalid', 'the access token is not a JWT');
  }
  const key = await verificationKey(deps.resolveDid, expected.holder, kid, 'authentication');
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [...credentialAlgorithms],
      issuer: expected.holder,
      subject: expected.holder,
      audience: expected.verifier,
      clockTolerance: deps.leewaySeconds,
      currentDate: deps.now(),
      requiredClaims: ['exp'],
    });
    return typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
  } catch (e) {
    const why = e instanceof errors.JOSEError ? e.message : 'unreadable';
    return refuse('access-token.invalid', `access token for ${expected.verifier} refused: ${why}`);
  }
}
