import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { EdrSealBroken } from './errors.js';

/**
 * The EDR's tokens at rest: AES-256-GCM under a key derived from the node secret (its own HKDF label, so this
 * key never equals the one sealing private keys). Output `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
const version = 'v1';

const keyOf = (secret: string) =>
  Buffer.from(hkdfSync('sha256', secret, 'musubi', 'consumer-edr-tokens', 32));

export interface EdrTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
}

export function sealTokens(tokens: EdrTokens, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(tokens), 'utf8'), cipher.final()]);
  return [version, ...[iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'))].join('.');
}

export function openTokens(sealed: string, secret: string): EdrTokens {
  const [v, iv, tag, body] = sealed.split('.');
  if (v !== version || !iv || !tag || !body) throw new EdrSealBroken();
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return JSON.parse(text.toString('utf8')) as EdrTokens;
  } catch {
    throw new EdrSealBroken();
  }
}
