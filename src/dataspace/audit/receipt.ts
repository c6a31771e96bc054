import { CompactSign, type CryptoKey, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type { ChainFinding } from './chain.js';

export const receiptType = 'musubi-audit-receipt+jws';

/** What a receipt is about: a protocol message, a data transfer, or the receipt it answers. */
export interface ReceiptEvent {
  readonly kind: 'dsp-message' | 'data-transfer' | 'receipt';
  /** The process (negotiation, transfer) the event belongs to, as the issuer knows it. */
  readonly process?: string;
  /** The message type (`ContractRequestMessage`) or the data-plane method. */
  readonly type?: string;
  /** sha256 (hex) of what was sent: the message body, the transferred bytes' hash, or the answered receipt. */
  readonly digest?: string;
  /** data-transfer: how many bytes the digest covers (what the data plane handed to the socket). */
  readonly bytes?: number;
}

/**
 * A signed statement by the issuer, handed to the counterparty: "when this happened between us, my audit chain
 * ended at entry `seq` with hash `hash`". The counterparty keeps it; the issuer cannot later truncate or
 * rewrite its chain behind that entry without the receipt giving it away.
 */
export interface ReceiptClaims {
  readonly jti: string;
  readonly iss: string;
  readonly aud: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly head: { readonly seq: number; readonly hash: string };
  readonly event: ReceiptEvent;
}

export interface ReceiptSigner {
  /** The verification method id as the issuer's DID document lists it (`<did>#<key>`). */
  readonly kid: string;
  readonly alg: string;
  readonly key: CryptoKey;
}

export async function signReceipt(claims: ReceiptClaims, signer: ReceiptSigner): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: receiptType })
    .sign(signer.key);
}

export class ReceiptRejected extends Error {
  override readonly name = 'ReceiptRejected';
}

function isClaims(v: unknown): v is ReceiptClaims {
  const c = v as Partial<ReceiptClaims> | null;
  return (
    !!c &&
    typeof c.jti === 'string' &&
    typeof c.iss === 'string' &&
    typeof c.aud === 'string' &&
    typeof c.iat === 'number' &&
    typeof c.head?.seq === 'number' &&
    Number.isInteger(c.head.seq) &&
    typeof c.head.hash === 'string' &&
    typeof c.event?.kind === 'string'
  );
}

/** The claims of a receipt without checking it (to find the issuer whose key checks it). */
export function peekReceipt(jws: string): { claims: ReceiptClaims; kid: string; alg: string } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: unknown;
  try {
    header = decodeProtectedHeader(jws);
    const payload = jws.split('.')[1] ?? '';
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new ReceiptRejected('the receipt is not a JWS');
  }
  if (header.typ !== receiptType) throw new ReceiptRejected(`the receipt's type is not ${receiptType}`);
  if (!header.kid || !header.alg) throw new ReceiptRejected('the receipt names no key');
  if (!isClaims(claims)) throw new ReceiptRejected('the receipt lacks jti, iss, aud, iat, head or event');
  return { claims, kid: header.kid, alg: header.alg };
}

/**
 * Checks a receipt's signature with the key its header names, found by `keyFor` (the issuer's DID document,
 * or this participant's own keys for receipts it issued). The key must belong to the claimed issuer.
 */
export async function verifyReceipt(
  jws: string,
  keyFor: (kid: string, iss: string) => Promise<JWK | undefined>,
): Promise<ReceiptClaims> {
  const { claims, kid, alg } = peekReceipt(jws);
  const jwk = await keyFor(kid, claims.iss);
  if (!jwk) throw new ReceiptRejected(`key ${kid} is not one of ${claims.iss}'s`);
  try {
    await compactVerify(jws, await importJWK(jwk, alg), { algorithms: [alg] });
  } catch {
    throw new ReceiptRejected(`the receipt's signature does not verify with key ${kid}`);
  }
  return claims;
}

/** A receipt as the chain check needs it: the entry it names and who holds it. */
export interface AnchoredReceipt {
  readonly seq: number;
  readonly hash: string;
  readonly audience: string;
  readonly at: string;
}

/**
 * What a receipt says about the chain as stored: a receipt naming an entry past the head proves the tail was
 * cut; one naming an entry kept with another hash proves it was rewritten. Entries pruned behind a checkpoint
 * (before `firstSeq`) are vouched for by that checkpoint instead.
 */
export function receiptFinding(
  r: AnchoredReceipt,
  chain: { readonly firstSeq?: number; readonly headSeq?: number },
  storedHash: string | undefined,
): ChainFinding | undefined {
  const head = chain.headSeq ?? 0;
  if (r.seq > head) {
    return {
      seq: head + 1,
      problem: 'truncated',
      message: `the chain ends at ${head}, but a receipt given to ${r.audience} at ${r.at} names entry ${r.seq}: entries ${head + 1}–${r.seq} at least were cut off`,
    };
  }
  if (chain.firstSeq !== undefined && r.seq < chain.firstSeq) return undefined;
  if (storedHash !== r.hash) {
    return {
      seq: r.seq,
      problem: 'replaced',
      message: `entry ${r.seq} was rewritten: a receipt given to ${r.audience} at ${r.at} names another hash for it`,
    };
  }
  return undefined;
}
