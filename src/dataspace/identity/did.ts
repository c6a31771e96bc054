import type { JWK } from 'jose';

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
}

export function didDocument(did: string, publicJwks: readonly JWK[]): DidDocument {
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
  };
}

/** Defence in depth: only public members of a JWK ever leave the node. */
function publicOnly(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return pub;
}
