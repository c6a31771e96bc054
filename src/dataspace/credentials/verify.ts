import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { aboutTypes, CredentialRefused, refuse } from './errors.js';
import { credentialAlgorithms, type DidLookup, verificationKey } from './keys.js';
import { decodeStatusList, statusBit } from './status-list.js';
import type { CredentialProfile, StatusEntry } from './vc.js';

/** Issuers trusted per credential type: `{ MembershipCredential: ['did:web:authority.example'] }`. */
export type TrustedIssuers = Readonly<Record<string, readonly string[]>>;

export interface VerifiedCredential {
  readonly id: string | undefined;
  /** Specific types (without `VerifiableCredential`). */
  readonly types: readonly string[];
  readonly issuer: string;
  readonly subject: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly validFrom: Date | undefined;
  readonly validUntil: Date | undefined;
  readonly status: StatusEntry | undefined;
  readonly profile: CredentialProfile;
}

export interface CredentialCheckDeps {
  readonly resolveDid: DidLookup;
  /** The status list credential (a JWT) at a URL; the caller caches it per its Cache-Control. */
  readonly statusList: (url: string) => Promise<string>;
  readonly trusted: TrustedIssuers;
  readonly now: () => Date;
  readonly leewaySeconds: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const strings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');

function decode(jwt: string): { header: Json; payload: JWTPayload } {
  try {
    return { header: decodeProtectedHeader(jwt) as Json, payload: decodeJwt(jwt) };
  } catch {
    return refuse('credential.malformed', 'a presented credential is not a JWT');
  }
}

function date(v: unknown): Date | undefined {
  if (typeof v === 'number') return new Date(v * 1000);
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t);
}

function statusOf(v: unknown): StatusEntry | undefined {
  const entry = (Array.isArray(v) ? v : [v]).find(isObject);
  if (!entry) return undefined;
  const index = Number(entry.statusListIndex);
  const purpose = entry.statusPurpose === 'suspension' ? 'suspension' : 'revocation';
  if (typeof entry.statusListCredential !== 'string' || !Number.isInteger(index) || index < 0)
    return refuse('credential.malformed', 'credentialStatus lacks a list or an index');
  return { listUrl: entry.statusListCredential, index, purpose };
}

/** Reads either profile into one shape, before anything is trusted. */
export function readCredential(jwt: string): VerifiedCredential & { header: Json } {
  const { header, payload } = decode(jwt);
  const v11 = isObject(payload.vc);
  const vc: Json = v11 ? (payload.vc as Json) : payload;
  const subject = (Array.isArray(vc.credentialSubject) ? vc.credentialSubject[0] : vc.credentialSubject) as
    | Json
    | undefined;
  const issuer = v11 ? payload.iss : isObject(vc.issuer) ? vc.issuer.id : vc.issuer;
  const subjectId = v11 ? (payload.sub ?? subject?.id) : subject?.id;
  const types = strings(vc.type).filter((t) => t !== 'VerifiableCredential');
  if (typeof issuer !== 'string' || typeof subjectId !== 'string' || !isObject(subject) || types.length === 0)
    return refuse('credential.malformed', 'a presented credential lacks its issuer, subject or type');
  const { id: _id, type: _type, ...claims } = subject;
  return {
    header,
    id: typeof (vc.id ?? payload.jti) === 'string' ? String(vc.id ?? payload.jti) : undefined,
    types,
    issuer,
    subject: subjectId,
    claims,
    validFrom: v11 ? date(payload.nbf) : (date(vc.validFrom) ?? date(payload.nbf)),
    validUntil: v11 ? date(payload.exp) : (date(vc.validUntil) ?? date(payload.exp)),
    status: statusOf(vc.credentialStatus),
    profile: v11 ? 'vc11-sl2021/jwt' : 'vc20-bssl/jwt',
  };
}

const typeName = (c: { types: readonly string[] }) => c.types.join('+');

/**
 * One credential checked for `holder`: issuer trusted for one of its types (before any fetch to the
 * issuer's host), signature by an assertionMethod key of the issuer, subject = holder, validity window with
 * leeway, and status list bit. Throws CredentialRefused with the first failing reason.
 */
export async function verifyCredential(
  jwt: string,
  holder: string,
  deps: CredentialCheckDeps,
): Promise<VerifiedCredential> {
  const { header, ...c } = readCredential(jwt);
  return aboutTypes(c.types, async () => {
    const what = typeName(c);
    if (!c.types.some((t) => deps.trusted[t]?.includes(c.issuer)))
      refuse('credential.untrusted-issuer', `${what} from ${c.issuer}: not a trusted issuer of ${what}`);
    await checkSignature(jwt, c.issuer, header.kid, deps, 'credential.bad-signature', what);
    if (c.subject !== holder)
      refuse(
        'credential.wrong-holder',
        `${what} of ${c.issuer} was issued to ${c.subject}, presented by ${holder}`,
      );
    const now = deps.now().getTime();
    const leeway = deps.leewaySeconds * 1000;
    if (c.validFrom && now + leeway < c.validFrom.getTime())
      refuse(
        'credential.not-yet-valid',
        `${what} of ${c.issuer} valid only from ${c.validFrom.toISOString()}`,
      );
    if (c.validUntil && now - leeway > c.validUntil.getTime())
      refuse('credential.expired', `${what} of ${c.issuer} expired at ${c.validUntil.toISOString()}`);
    if (c.status) await checkStatus(c.status, c.issuer, what, deps);
    return c;
  });
}

/**
 * Re-checks a credential that verified before (a running transfer's counterparty): still inside its validity
 * window, and its status bit still clear in the list `deps.statusList` answers now. Throws CredentialRefused.
 */
export async function checkStanding(c: VerifiedCredential, deps: CredentialCheckDeps): Promise<void> {
  return aboutTypes(c.types, async () => {
    const what = typeName(c);
    const now = deps.now().getTime();
    if (c.validUntil && now - deps.leewaySeconds * 1000 > c.validUntil.getTime())
      refuse('credential.expired', `${what} of ${c.issuer} expired at ${c.validUntil.toISOString()}`);
    if (c.status) await checkStatus(c.status, c.issuer, what, deps);
  });
}

async function checkSignature(
  jwt: string,
  did: string,
  kid: unknown,
  deps: Pick<CredentialCheckDeps, 'resolveDid'>,
  reason: 'credential.bad-signature' | 'presentation.bad-signature',
  what: string,
): Promise<void> {
  const key = await verificationKey(
    deps.resolveDid,
    did,
    kid,
    reason === 'credential.bad-signature' ? 'assertionMethod' : 'authentication',
  );
  try {
    await compactVerify(jwt, key, { algorithms: [...credentialAlgorithms] });
  } catch {
    refuse(reason, `${what}: the signature does not verify with ${String(kid)} of ${did}`);
  }
}

async function checkStatus(
  s: StatusEntry,
  issuer: string,
  what: string,
  deps: CredentialCheckDeps,
): Promise<void> {
  let encoded: string;
  try {
    const jwt = await deps.statusList(s.listUrl);
    const { header, ...list } = readCredential(jwt);
    if (list.issuer !== issuer) throw new Error(`the list is issued by ${list.issuer}`);
    await checkSignature(jwt, issuer, header.kid, deps, 'credential.bad-signature', 'status list');
    if (typeof list.claims.encodedList !== 'string') throw new Error('no encodedList');
    encoded = list.claims.encodedList;
  } catch (e) {
    const why = e instanceof CredentialRefused ? `${e.reason}: ${e.message}` : (e as Error).message;
    return refuse('credential.status-unavailable', `${what} of ${issuer}: status list ${s.listUrl}: ${why}`);
  }
  let set: boolean;
  try {
    set = statusBit(decodeStatusList(encoded), s.index);
  } catch (e) {
    return refuse('credential.status-unavailable', `${what} status list: ${(e as Error).message}`);
  }
  if (set && s.purpose === 'revocation') refuse('credential.revoked', `${what} revoked by ${issuer}`);
  if (set) refuse('credential.suspended', `${what} suspended by ${issuer}`);
}
