import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assertDcp, dcpExample, dcpSchemas } from '../../../test/support/dcp-schemas.js';
import {
  type DidDocument,
  didDocument,
  generateParticipantKey,
  importSigningKey,
  type SigningKey,
} from '../identity/index.js';
import { scopeForType, signAccessToken, typeOfScope, verifyAccessToken } from './access-token.js';
import { claimsFromCredentials } from './claims.js';
import { CredentialRefused } from './errors.js';
import {
  credentialMessage,
  credentialObjectId,
  credentialRequest,
  credentialStatus,
  issuerMetadata,
  presentationQuery,
  presentationResponse,
  queryScopes,
  requestedCredentials,
  responsePresentations,
  typeOfCredentialObject,
} from './messages.js';
import { signPresentation, verifyPresentation } from './presentation.js';
import { emptyStatusList, encodeStatusList, withStatusBit } from './status-list.js';
import {
  type CredentialInput,
  issueCredential,
  issueCredentialV11,
  issueStatusListCredential,
} from './vc.js';
import { verifyCredential } from './verify.js';

const authority = 'did:web:認証局.example';
const holder = 'did:web:supplier.example:p:kojo';
const verifier = 'did:web:buyer.example';
const listUrl = 'https://認証局.example/dcp/status/membership';
const at = new Date('2026-04-01T00:00:00Z');

async function party(did: string) {
  const ed = await generateParticipantKey('EdDSA');
  const p256 = await generateParticipantKey('ES256');
  return {
    signer: await importSigningKey(did, ed.privateJwk),
    es256: await importSigningKey(did, p256.privateJwk),
    doc: didDocument(did, [ed.publicJwk, p256.publicJwk]),
  };
}

async function world() {
  const issuer = await party(authority);
  const kojo = await party(holder);
  const stranger = await party('did:web:偽物.example');
  const docs = new Map<string, DidDocument>([
    [authority, issuer.doc],
    [holder, kojo.doc],
    ['did:web:偽物.example', stranger.doc],
  ]);
  let revoked = emptyStatusList();
  const deps = {
    resolveDid: async (did: string) => {
      const d = docs.get(did);
      if (!d) throw new Error('404');
      return d;
    },
    statusList: async () =>
      issueStatusListCredential(issuer.signer, {
        url: listUrl,
        purpose: 'revocation',
        encodedList: encodeStatusList(revoked),
        validFrom: at,
      }),
    trusted: { MembershipCredential: [authority], RoleCredential: [authority] },
    now: () => at,
    leewaySeconds: 30,
  };
  const membership = (over: Partial<CredentialInput> = {}, by: SigningKey = issuer.signer) =>
    issueCredential(by, {
      id: `urn:uuid:${randomUUID()}`,
      type: 'MembershipCredential',
      subject: holder,
      claims: { membership: 'むすび産業データ連携' },
      validFrom: new Date(at.getTime() - 86_400_000),
      validUntil: new Date(at.getTime() + 86_400_000),
      status: { listUrl, index: 7, purpose: 'revocation' },
      ...over,
    });
  const revoke = (i: number) => {
    revoked = withStatusBit(revoked, i, true);
  };
  return { issuer, kojo, stranger, docs, deps, membership, revoke };
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CredentialRefused) return `${e.reason}: ${e.message}`;
    throw e;
  }
  return 'accepted';
}

describe('verifiable credentials (VC 2.0 JOSE)', () => {
  it('issues a vc+jwt whose payload is the credential and verifies it for its holder', async () => {
    const w = await world();
    const jwt = await w.membership();
    const header = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString());
    expect(header).toMatchObject({ typ: 'vc+jwt', alg: 'EdDSA' });
    const c = await verifyCredential(jwt, holder, w.deps);
    expect(c).toMatchObject({
      types: ['MembershipCredential'],
      issuer: authority,
      subject: holder,
      claims: { membership: 'むすび産業データ連携' },
      profile: 'vc20-bssl/jwt',
      status: { listUrl, index: 7, purpose: 'revocation' },
    });
  });

  it('accepts a VC 1.1 JWT (vc11-sl2021/jwt) and a P-256 issuer key', async () => {
    const w = await world();
    const jwt = await issueCredentialV11(w.issuer.es256, {
      id: 'urn:uuid:1',
      type: 'RoleCredential',
      subject: holder,
      claims: { role: 'qualityAuditor' },
      validFrom: at,
      status: { listUrl, index: 9, purpose: 'revocation' },
    });
    expect(await verifyCredential(jwt, holder, w.deps)).toMatchObject({
      profile: 'vc11-sl2021/jwt',
      claims: { role: 'qualityAuditor' },
    });
  });

  it('names each refusal with a stable code and explains it to the operator', async () => {
    const w = await world();
    w.revoke(7);
    expect(await reason(verifyCredential(await w.membership(), holder, w.deps))).toBe(
      `credential.revoked: MembershipCredential revoked by ${authority}`,
    );
    const ok = { status: { listUrl, index: 8, purpose: 'revocation' as const } };
    expect(await reason(verifyCredential(await w.membership(ok), holder, w.deps))).toBe('accepted');
    const expired = { ...ok, validUntil: new Date(at.getTime() - 31_000) };
    expect(await reason(verifyCredential(await w.membership(expired), holder, w.deps))).toMatch(
      /^credential\.expired: MembershipCredential of did:web:認証局\.example expired at/,
    );
    // within the leeway a just-expired credential still passes
    const justExpired = { ...ok, validUntil: new Date(at.getTime() - 29_000) };
    expect(await reason(verifyCredential(await w.membership(justExpired), holder, w.deps))).toBe('accepted');
    const early = { ...ok, validFrom: new Date(at.getTime() + 60_000) };
    expect(await reason(verifyCredential(await w.membership(early), holder, w.deps))).toMatch(
      /^credential\.not-yet-valid:/,
    );
    const otherHolder = { ...ok, subject: 'did:web:other.example' };
    expect(await reason(verifyCredential(await w.membership(otherHolder), holder, w.deps))).toMatch(
      /^credential\.wrong-holder: .*issued to did:web:other\.example, presented by/,
    );
    expect(await reason(verifyCredential(await w.membership(ok, w.stranger.signer), holder, w.deps))).toMatch(
      /^credential\.untrusted-issuer: MembershipCredential from did:web:偽物\.example/,
    );
  });

  it('refuses a forged signature, a key the DID does not list, and an issuer whose DID does not resolve', async () => {
    const w = await world();
    const ok = await w.membership({ status: { listUrl, index: 1, purpose: 'revocation' } });
    // the authority's name and kid, signed with someone else's key
    const forger = { ...w.stranger.signer, did: authority, kid: w.issuer.signer.kid };
    const forged = await w.membership({}, forger);
    expect(await reason(verifyCredential(forged, holder, w.deps))).toMatch(/^credential\.bad-signature:/);
    const [h, p, s] = ok.split('.');
    const tampered = `${h}.${Buffer.from(
      Buffer.from(p ?? '', 'base64url')
        .toString()
        .replace('むすび', 'にせもの'),
    ).toString('base64url')}.${s}`;
    expect(await reason(verifyCredential(tampered, holder, w.deps))).toMatch(/^credential\.bad-signature:/);
    w.docs.set(authority, { ...w.issuer.doc, verificationMethod: [], assertionMethod: [] });
    expect(await reason(verifyCredential(ok, holder, w.deps))).toMatch(/^did\.kid-missing:/);
    w.docs.delete(authority);
    expect(await reason(verifyCredential(ok, holder, w.deps))).toMatch(
      /^did\.unresolvable: DID did:web:認証局\.example did not resolve/,
    );
    expect(await reason(verifyCredential('not.a.jwt', holder, w.deps))).toMatch(/^credential\.malformed:/);
  });

  it('refuses when the status list cannot be had or is signed by someone else', async () => {
    const w = await world();
    const jwt = await w.membership();
    const down = { ...w.deps, statusList: async () => Promise.reject(new Error('503')) };
    expect(await reason(verifyCredential(jwt, holder, down))).toMatch(
      /^credential\.status-unavailable:.*503/,
    );
    const foreign = {
      ...w.deps,
      statusList: () =>
        issueStatusListCredential(w.stranger.signer, {
          url: listUrl,
          purpose: 'revocation',
          encodedList: encodeStatusList(emptyStatusList()),
          validFrom: at,
        }),
    };
    expect(await reason(verifyCredential(jwt, holder, foreign))).toMatch(/^credential\.status-unavailable:/);
  });
});

describe('verifiable presentations', () => {
  it('verifies a holder-signed presentation and every credential in it, yielding policy claims', async () => {
    const w = await world();
    const role = await issueCredential(w.issuer.signer, {
      id: 'urn:uuid:r',
      type: 'RoleCredential',
      subject: holder,
      claims: { role: 'qualityAuditor' },
      validFrom: at,
    });
    const vp = await signPresentation(w.kojo.signer, {
      id: 'urn:uuid:vp',
      audience: verifier,
      credentials: [await w.membership(), role],
      issuedAt: at,
      ttlSeconds: 60,
    });
    const { credentials } = await verifyPresentation(vp, { audience: verifier, holder }, w.deps);
    expect(credentials.map((c) => c.types[0])).toEqual(['MembershipCredential', 'RoleCredential']);
    expect(claimsFromCredentials(holder, credentials)).toEqual({
      subject: holder,
      issuer: authority,
      claims: {
        membership: 'むすび産業データ連携',
        role: 'qualityAuditor',
        credentialType: ['MembershipCredential', 'RoleCredential'],
      },
    });
  });

  it('refuses a presentation by someone else, for someone else, expired or forged', async () => {
    const w = await world();
    const vp = (signer: SigningKey, over: { audience?: string; issuedAt?: Date } = {}) =>
      w.membership().then((c) =>
        signPresentation(signer, {
          id: 'urn:uuid:vp',
          audience: over.audience ?? verifier,
          credentials: [c],
          issuedAt: over.issuedAt ?? at,
          ttlSeconds: 60,
        }),
      );
    const expect_ = { audience: verifier, holder };
    expect(await reason(verifyPresentation(await vp(w.stranger.signer), expect_, w.deps))).toMatch(
      /^presentation\.wrong-holder:/,
    );
    const forger = { ...w.stranger.signer, did: holder, kid: w.kojo.signer.kid };
    expect(await reason(verifyPresentation(await vp(forger), expect_, w.deps))).toMatch(
      /^presentation\.bad-signature:/,
    );
    expect(
      await reason(verifyPresentation(await vp(w.kojo.signer, { audience: 'did:web:x' }), expect_, w.deps)),
    ).toMatch(/^presentation\.wrong-audience:/);
    const old = new Date(at.getTime() - 120_000);
    expect(
      await reason(verifyPresentation(await vp(w.kojo.signer, { issuedAt: old }), expect_, w.deps)),
    ).toMatch(/^presentation\.expired:/);
    // a credential issued to the holder but a holder who lost it to another: the presenter must be the subject
    const stolen = await signPresentation(w.stranger.signer, {
      id: 'urn:uuid:s',
      audience: verifier,
      credentials: [await w.membership()],
      issuedAt: at,
      ttlSeconds: 60,
    });
    expect(
      await reason(
        verifyPresentation(stolen, { audience: verifier, holder: 'did:web:偽物.example' }, w.deps),
      ),
    ).toMatch(/^credential\.wrong-holder:/);
  });
});

describe('access tokens and DCP messages', () => {
  it('grants only the scopes the holder signed, only to the verifier named', async () => {
    const w = await world();
    const scope = scopeForType('MembershipCredential');
    expect(scope).toBe('org.eclipse.dspace.dcp.vc.type:MembershipCredential:read');
    expect(typeOfScope(scope)).toBe('MembershipCredential');
    expect(typeOfScope('org.eclipse.dspace.dcp.vc.type:X:write')).toBeUndefined();
    const token = await signAccessToken(w.kojo.signer, {
      verifier,
      scopes: [scope],
      issuedAt: at,
      ttlSeconds: 60,
      jti: 'a',
    });
    const deps = { resolveDid: w.deps.resolveDid, now: () => at, leewaySeconds: 0 };
    expect(await verifyAccessToken(token, { holder, verifier }, deps)).toEqual([scope]);
    expect(await reason(verifyAccessToken(token, { holder, verifier: 'did:web:x' }, deps))).toMatch(
      /^access-token\.invalid:/,
    );
    const later = { ...deps, now: () => new Date(at.getTime() + 61_000) };
    expect(await reason(verifyAccessToken(token, { holder, verifier }, later))).toMatch(
      /^access-token\.invalid:/,
    );
  });

  it('emits and reads messages valid against the official DCP v1.0 schemas', () => {
    const ajv = dcpSchemas();
    const q = presentationQuery([scopeForType('MembershipCredential')]);
    assertDcp(ajv, 'presentation', 'presentation-query-message', q);
    assertDcp(ajv, 'presentation', 'presentation-response-message', presentationResponse(['a.b.c']));
    const issued = credentialMessage({
      issuerPid: 'i',
      holderPid: 'h',
      status: 'ISSUED',
      credentials: [{ credentialType: 'MembershipCredential', payload: 'a.b.c', format: 'jwt' }],
    });
    assertDcp(ajv, 'issuance', 'credential-message', issued);
    assertDcp(ajv, 'issuance', 'credential-request-message', credentialRequest('h', ['membership']));
    expect(() =>
      assertDcp(ajv, 'presentation', 'presentation-query-message', { ...q, '@context': ['x'] }),
    ).toThrow(/invalid/);
    for (const [area, name] of [
      ['presentation', 'presentation-query-message'],
      ['presentation', 'presentation-response-message'],
      ['issuance', 'credential-message'],
      ['issuance', 'credential-request-message'],
    ] as const)
      assertDcp(ajv, area, name, dcpExample(area, name));
    expect(queryScopes(dcpExample('presentation', 'presentation-query-message'))).toEqual([
      'presentation1',
      'presentation2',
    ]);
    expect(responsePresentations(dcpExample('presentation', 'presentation-response-message'))).toEqual([
      'presentation1',
      'presentation2',
    ]);
    expect(queryScopes({ ...q, scope: [] })).toBeUndefined();
    const request = credentialRequest('urn:uuid:h', [credentialObjectId('MembershipCredential')]);
    assertDcp(ajv, 'issuance', 'credential-request-message', request);
    expect(requestedCredentials(request)).toEqual({
      holderPid: 'urn:uuid:h',
      ids: ['urn:musubi:credential-object:MembershipCredential'],
    });
    expect(typeOfCredentialObject('urn:musubi:credential-object:MembershipCredential')).toBe(
      'MembershipCredential',
    );
    expect(typeOfCredentialObject('urn:musubi:credential-object:../x')).toBeUndefined();
    expect(requestedCredentials(dcpExample('issuance', 'credential-request-message'))).toMatchObject({
      holderPid: 'holderPid',
    });
    assertDcp(ajv, 'issuance', 'issuer-metadata', issuerMetadata(authority, ['MembershipCredential']));
    assertDcp(ajv, 'issuance', 'credential-status', credentialStatus('i', 'h', 'RECEIVED'));
    const rejected = credentialMessage({
      issuerPid: 'i',
      holderPid: 'h',
      status: 'REJECTED',
      credentials: [],
      rejectionReason: '未発行',
    });
    assertDcp(ajv, 'issuance', 'credential-message', rejected);
  });
});
