import { SignJWT } from 'jose';
import type { SigningKey } from '../identity/index.js';

/** The VC data model contexts of the two JOSE profiles DCP names. */
export const vc2Context = 'https://www.w3.org/ns/credentials/v2';
export const vc1Context = 'https://www.w3.org/2018/credentials/v1';

/** DCP's credential profiles: VC 2.0 JOSE with Bitstring status lists (issued), VC 1.1 JWT with StatusList2021. */
export type CredentialProfile = 'vc20-bssl/jwt' | 'vc11-sl2021/jwt';

export interface StatusEntry {
  /** The status list credential's URL. */
  readonly listUrl: string;
  readonly index: number;
  readonly purpose: 'revocation' | 'suspension';
}

export interface CredentialInput {
  /** `urn:uuid:…` */
  readonly id: string;
  /** The specific type, e.g. `MembershipCredential` (`VerifiableCredential` is added). */
  readonly type: string;
  /** The holder's DID: `credentialSubject.id`. */
  readonly subject: string;
  /** What the credential states about the holder (`membership`, `role`, `frameworkAgreement` …). */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly validFrom: Date;
  readonly validUntil?: Date;
  readonly status?: StatusEntry;
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * A VC 2.0 credential secured with JOSE (`vc20-bssl/jwt`): the JWT payload is the credential itself
 * (`typ: vc+jwt`), with the registered claims that repeat it (iss, sub, jti, nbf, exp) for JWT libraries.
 */
export async function issueCredential(issuer: SigningKey, c: CredentialInput): Promise<string> {
  const vc: Record<string, unknown> = {
    '@context': [vc2Context],
    id: c.id,
    type: ['VerifiableCredential', c.type],
    issuer: issuer.did,
    validFrom: c.validFrom.toISOString(),
    ...(c.validUntil ? { validUntil: c.validUntil.toISOString() } : {}),
    credentialSubject: { ...c.claims, id: c.subject },
    ...(c.status
      ? {
          credentialStatus: {
            id: `${c.status.listUrl}#${c.status.index}`,
            type: 'BitstringStatusListEntry',
            statusPurpose: c.status.purpose,
            statusListIndex: String(c.status.index),
            statusListCredential: c.status.listUrl,
          },
        }
      : {}),
  };
  const jwt = new SignJWT(vc)
    .setProtectedHeader({ alg: issuer.alg, kid: issuer.kid, typ: 'vc+jwt' })
    .setIssuer(issuer.did)
    .setSubject(c.subject)
    .setJti(c.id)
    .setIssuedAt(seconds(c.validFrom))
    .setNotBefore(seconds(c.validFrom));
  if (c.validUntil) jwt.setExpirationTime(seconds(c.validUntil));
  return jwt.sign(issuer.key);
}

/** The same credential in the VC 1.1 JWT encoding (`vc` claim, StatusList2021): what older issuers send. */
export async function issueCredentialV11(issuer: SigningKey, c: CredentialInput): Promise<string> {
  const vc = {
    '@context': [vc1Context],
    type: ['VerifiableCredential', c.type],
    credentialSubject: { ...c.claims },
    ...(c.status
      ? {
          credentialStatus: {
            id: `${c.status.listUrl}#${c.status.index}`,
            type: 'StatusList2021Entry',
            statusPurpose: c.status.purpose,
            statusListIndex: String(c.status.index),
            statusListCredential: c.status.listUrl,
          },
        }
      : {}),
  };
  const jwt = new SignJWT({ vc })
    .setProtectedHeader({ alg: issuer.alg, kid: issuer.kid, typ: 'JWT' })
    .setIssuer(issuer.did)
    .setSubject(c.subject)
    .setJti(c.id)
    .setIssuedAt(seconds(c.validFrom))
    .setNotBefore(seconds(c.validFrom));
  if (c.validUntil) jwt.setExpirationTime(seconds(c.validUntil));
  return jwt.sign(issuer.key);
}

/** A status list credential (`BitstringStatusListCredential`), signed by the issuer of the credentials it lists. */
export async function issueStatusListCredential(
  issuer: SigningKey,
  list: { url: string; purpose: 'revocation' | 'suspension'; encodedList: string; validFrom: Date },
): Promise<string> {
  const vc = {
    '@context': [vc2Context],
    id: list.url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuer.did,
    validFrom: list.validFrom.toISOString(),
    credentialSubject: {
      id: `${list.url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: list.purpose,
      encodedList: list.encodedList,
    },
  };
  return new SignJWT(vc)
    .setProtectedHeader({ alg: issuer.alg, kid: issuer.kid, typ: 'vc+jwt' })
    .setIssuer(issuer.did)
    .setIssuedAt(seconds(list.validFrom))
    .sign(issuer.key);
}
