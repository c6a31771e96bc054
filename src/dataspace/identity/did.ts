import type { JWK } from 'jose';
import { InvalidInput } from '../../errors/index.js';

/**
 * did:web for a participant: `did:web:<host>:p:<participant>` resolves to `https://<host>/p/<participant>/did.json`;
 * the default participant also is `did:web:<host>` (`/.well-known/did.json`). A port is percent-encoded.
 */
export function participantDid(host: string, participantId: string, isDefault: boolean): string {
  const h = encodeURIComponent(host);
  return isDefault ? `did:web:${h}` : `did:web:${h}:p:${participantId}`;
}

export interface DidDocument {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly verificationMethod: readonly {
    id: string;
    type: 'JsonWebKey2020';
    controller: string;
    publicKeyJwk: JWK;
  }[];
  readonly authentication: readonly string[];
  readonly assertionMethod: readonly string[];
  /** Endpoints: the DSP `DataService`, the DCP `CredentialService`. */
  readonly service?: readonly DidService[];
}

export interface DidService {
  readonly id: string;
  readonly type: string;
  readonly serviceEndpoint: string;
}

/** DSP 2025-1: the participant's protocol endpoint, as its version metadata URL (`…/.well-known/dspace-version`). */
export function dataService(did: string, versionMetadataUrl: string): DidService {
  return { id: `${did}#dsp`, type: 'DataService', serviceEndpoint: versionMetadataUrl };
}

export function didDocument(
  did: string,
  publicJwks: readonly JWK[],
  services: readonly DidService[] = [],
): DidDocument {
  const methods = publicJwks.map((jwk) => ({
    id: `${did}#${jwk.kid}`,
    type: 'JsonWebKey2020' as const,
    controller: did,
    publicKeyJwk: publicOnly(jwk),
  }));
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: methods,
    authentication: methods.map((m) => m.id),
    assertionMethod: methods.map((m) => m.id),
    ...(services.length > 0 ? { service: services } : {}),
  };
}

/** Defence in depth: only public members of a JWK ever leave the node. */
function publicOnly(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return pub;
}

export class InvalidDid extends InvalidInput {
  constructor(did: string, why: string) {
    super('identity.invalid-did', `${JSON.stringify(did.slice(0, 200))} is not a usable did:web: ${why}`);
  }
}

/**
 * Where a did:web document lives (W3C did:web method): `did:web:<host>` → `<scheme>://<host>/.well-known/did.json`,
 * `did:web:<host>:a:b` → `<scheme>://<host>/a/b/did.json`; a port arrives percent-encoded (`localhost%3A8080`).
 * Plain http is the caller's decision (development on loopback only).
 */
export function didWebDocumentUrl(did: string, scheme: 'https' | 'http' = 'https'): URL {
  const parts = did.split(':');
  if (parts.length < 3 || parts[0] !== 'did' || parts[1] !== 'web') throw new InvalidDid(did, 'not did:web');
  if (did.length > 2048) throw new InvalidDid(did, 'too long');
  let host: string;
  try {
    host = decodeURIComponent(parts[2] ?? '');
  } catch {
    throw new InvalidDid(did, 'bad percent-encoding');
  }
  // Internationalised names (工場.example) are allowed; the URL parser turns them into punycode.
  if (!/^[\p{L}\p{N}.-]+(:\d{1,5})?$/u.test(host) && !/^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) {
    throw new InvalidDid(did, 'bad host');
  }
  const path = parts.slice(3);
  if (path.some((p) => !/^[A-Za-z0-9._~-]+$/.test(p) || p === '.' || p === '..')) {
    throw new InvalidDid(did, 'bad path segment');
  }
  return new URL(
    `${scheme}://${host}/${path.length ? `${path.join('/')}/did.json` : '.well-known/did.json'}`,
  );
}
