import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { InvalidInput } from '../../errors/index.js';

/** The algorithms every participant gets a key pair for: EdDSA for our own signatures, ES256 for VC/DCP peers. */
export const participantKeyAlgorithms = ['EdDSA', 'ES256'] as const;
export type KeyAlgorithm = (typeof participantKeyAlgorithms)[number];

export interface GeneratedKey {
  readonly kid: string;
  readonly alg: KeyAlgorithm;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
}

export async function generateParticipantKey(alg: KeyAlgorithm): Promise<GeneratedKey> {
  const pair = await generateKeyPair(
    alg,
    alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true },
  );
  const publicJwk = await exportJWK(pair.publicKey);
  const privateJwk = await exportJWK(pair.privateKey);
  // The RFC 7638 thumbprint is a stable, collision-free key id that peers can recompute.
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg, publicJwk: { ...publicJwk, kid, alg }, privateJwk: { ...privateJwk, kid, alg } };
}

const sealVersion = 'v1';

function sealingKey(nodeSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', nodeSecret, 'musubi', 'participant-private-key', 32));
}

/** AES-256-GCM with a key derived from the node secret; the output is `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function sealPrivateJwk(jwk: JWK, nodeSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(nodeSecret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return [sealVersion, iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export class SealBroken extends InvalidInput {
  constructor() {
    super('identity.seal-broken', 'a sealed private key cannot be opened: wrong node secret or damaged data');
  }
}

export function unsealPrivateJwk(sealed: string, nodeSecret: string): JWK {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== sealVersion || !iv || !tag || !body) throw new SealBroken();
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(nodeSecret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
    return JSON.parse(text) as JWK;
  } catch {
    throw new SealBroken();
  }
}

/** A fresh random secret for a node (hex, 256 bits). */
export function newNodeSecret(): string {
  return randomBytes(32).toString('hex');
}

/** Short fingerprint for logs: identifies a secret without revealing it. */
export function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}
