import canonicalizeModule from 'canonicalize';
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { SignatureInvalid } from './errors.js';

// canonicalize@2 is CommonJS (`module.exports = serialize`) with an ES-module d.ts, so under NodeNext the
// default import is typed as the module object although at run time it is the function itself.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** The JWS `typ` of a signed footprint, so a token of another kind signed by the same key never passes. */
export const footprintJwsType = 'musubi-footprint+jws';

export interface FootprintSigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateJwk: JWK;
}

/**
 * Signs a footprint document (a published PACT/Ouranos object: decimals as strings) as a compact JWS whose
 * payload is its RFC 8785 canonical JSON: the receiver verifies exactly the bytes signed, member order and
 * whitespace do not matter, and "80.50" stays "80.50" because decimals travel as strings.
 */
export async function signFootprint(document: unknown, key: FootprintSigningKey): Promise<string> {
  const canonical = canonicalize(document);
  if (canonical === undefined) throw new SignatureInvalid('the document has no JSON form');
  return new CompactSign(new TextEncoder().encode(canonical))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: footprintJwsType, cty: 'application/json' })
    .sign(await importJWK(key.privateJwk, key.alg));
}

/**
 * Verifies a signed footprint with the signer's public key (its `alg` is the only one accepted) and
 * returns the document. Rejects another `typ`, a payload that is not canonical JSON (so one document
 * has one signed form) and, through the signature, any altered byte.
 */
export async function verifyFootprint(jws: string, publicJwk: JWK): Promise<unknown> {
  const alg = publicJwk.alg;
  if (!alg) throw new SignatureInvalid('the public key names no algorithm');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw new SignatureInvalid('not a compact JWS');
  }
  if (header.typ !== footprintJwsType)
    throw new SignatureInvalid(`typ ${String(header.typ)} is not ${footprintJwsType}`);
  if (publicJwk.kid && header.kid !== publicJwk.kid)
    throw new SignatureInvalid(`signed with key ${String(header.kid)}, not ${publicJwk.kid}`);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, await importJWK(publicJwk, alg), { algorithms: [alg] }));
  } catch {
    throw new SignatureInvalid('the signature does not verify');
  }
  const text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  const document: unknown = JSON.parse(text);
  if (canonicalize(document) !== text)
    throw new SignatureInvalid('the payload is not RFC 8785 canonical JSON');
  return document;
}
