import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOffer } from '../../src/dataspace/catalog/index.js';
import {
  issueCredential,
  presentationQuery,
  responsePresentations,
  scopeForType,
  signAccessToken,
  verifyPresentation,
} from '../../src/dataspace/credentials/index.js';
import {
  type didDocument,
  type SigningKey,
  signCounterpartyToken,
} from '../../src/dataspace/identity/index.js';
import { storeHeldCredential } from '../../src/node/credentials/store.js';
import { signerOf } from '../../src/node/signing.js';
import { api, assertDsp, eventually, loopbackNode, negotiationState } from '../dataspace/two-node-support.js';
import { assertDcp, dcpSchemas } from '../support/dcp-schemas.js';
import type { TestNode } from '../support/node.js';
import {
  addParticipant,
  issue,
  membershipName,
  membersOnly,
  newPid,
  outsideParty,
  publishMembersOnlyOffer,
  revokeCredential,
} from './support.js';

type Party = TestNode & { did: string };
const dcp = dcpSchemas();
const timeoutMs = 1500;

describe('DCP credentials: an authority and two participants on loopback', () => {
  let authority: Party;
  let provider: Party;
  let consumer: Party;
  let outside: Awaited<ReturnType<typeof outsideParty>>;

  beforeAll(async () => {
    // the authority publishes its status lists uncached, so a revocation shows on the next request
    authority = await loopbackNode({ statusListMaxAgeS: 0 });
    const dcpConfig = {
      dcpScopes: ['MembershipCredential'],
      trustedIssuers: [`MembershipCredential=${authority.did}`],
      credentialServiceTimeoutMs: timeoutMs,
    };
    provider = await loopbackNode(dcpConfig);
    consumer = await loopbackNode(dcpConfig);
    outside = await outsideParty();
    await publishMembersOnlyOffer(provider);
    for (const p of [provider, consumer]) expect((await issue(authority, p.did)).status).toBe(201);
  });
  afterAll(async () => {
    await outside?.close();
    for (const t of [consumer, provider, authority]) await t?.stop();
  });

  const negotiate = (who: Party) =>
    api(who, 'POST', '/negotiations', {
      counterpartyAddress: provider.node.url,
      counterpartyId: provider.did,
      offer: membersOnly,
      force: true,
    });

  /** The consumer side ends TERMINATED; the provider holds no negotiation or agreement with it. */
  async function refused(who: Party & { id?: string }, code: string) {
    const created = await negotiate(who);
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const ended = await eventually(
      'consumer gives up',
      () => negotiationState(who, id),
      (n) => ['TERMINATED', 'FINALIZED'].includes(String(n.state)),
    );
    expect(ended.state).toBe('TERMINATED');
    expect(ended.agreementId ?? null).toBeNull();
    const theirs = await api<Record<string, unknown>[]>(provider, 'GET', '/negotiations?role=provider');
    expect(theirs.body.filter((n) => n.counterpartyId === who.did)).toEqual([]);
    const agreements = await provider.node.context.db
      .selectFrom('agreements')
      .select('id')
      .where('counterparty_id', '=', who.did)
      .execute();
    expect(agreements).toEqual([]);
    // the provider's operator sees the full reason, in the log and in the audit log
    expect(provider.logs()).toContain(`"reasonCode":"${code}"`);
    const audit = await api<{ action: string; actor: string; details: { reasonCode?: string } }[]>(
      provider,
      'GET',
      '/audit?limit=1000',
    );
    expect(
      audit.body.some(
        (e) => e.action === 'credential.refused' && e.actor === who.did && e.details.reasonCode === code,
      ),
    ).toBe(true);
  }

  it('lists the CredentialService in each DID document', async () => {
    const doc = (await (await fetch(`${consumer.node.url}/.well-known/did.json`)).json()) as ReturnType<
      typeof didDocument
    >;
    expect(doc.service).toEqual([
      expect.objectContaining({ type: 'DataService' }),
      {
        id: `${consumer.did}#credential-service`,
        type: 'CredentialService',
        serviceEndpoint: `${consumer.node.url}/dcp`,
      },
      expect.objectContaining({ type: 'IssuerService' }),
    ]);
    const held = await api<{ type: string; issuer: string }[]>(consumer, 'GET', '/credentials');
    expect(held.body).toEqual([
      expect.objectContaining({ type: 'MembershipCredential', issuer: authority.did }),
    ]);
  });

  it('negotiates under a membership policy: both sides present and verify credentials', async () => {
    const created = await negotiate(consumer);
    expect(created.status).toBe(201);
    const done = await eventually(
      'consumer FINALIZED',
      () => negotiationState(consumer, String(created.body.id)),
      (n) => ['FINALIZED', 'TERMINATED'].includes(String(n.state)),
    );
    expect(done.state).toBe('FINALIZED');
    // both directions: each side queried the other's credential service
    expect(provider.logs()).toContain('presentation answered');
    expect(consumer.logs()).toContain('presentation answered');
    const theirs = await negotiationState(provider, String(done.providerPid));
    expect(theirs).toMatchObject({ state: 'FINALIZED', counterpartyId: consumer.did });
  });

  it('lets a member negotiate an offer only members may see, and no one else', async () => {
    // access policy = the membership policy too: the catalog and the negotiation read the same verified claims
    const at = new Date().toISOString();
    await insertOffer(provider.node.context.db, provider.node.context.config.defaultParticipantId, {
      id: 'offer-会員にだけ見える',
      accessPolicyId: 'members',
      contractPolicyId: 'members',
      selector: { assetIds: ['bom-2026'] },
      createdAt: at,
      updatedAt: at,
    });
    const hidden = { ...membersOnly, '@id': 'offer-会員にだけ見える' };
    const start = (who: Party) =>
      api(who, 'POST', '/negotiations', {
        counterpartyAddress: provider.node.url,
        counterpartyId: provider.did,
        offer: hidden,
        force: true,
      });
    const ended = (who: Party, id: string) =>
      eventually(
        'negotiation ends',
        () => negotiationState(who, id),
        (n) => ['FINALIZED', 'TERMINATED'].includes(String(n.state)),
      );
    const member = await start(consumer);
    expect(member.status).toBe(201);
    expect(await ended(consumer, String(member.body.id))).toMatchObject({ state: 'FINALIZED' });

    const outsider = await addParticipant(consumer, 'not-a-member');
    expect(
      (await issue(authority, outsider.did, { claims: { membership: '別のデータスペース' } })).status,
    ).toBe(201);
    const refused = await start(outsider);
    expect(refused.status).toBe(201);
    const n = await ended(outsider, String(refused.body.id));
    expect(n.state).toBe('TERMINATED');
    expect(n.agreementId ?? null).toBeNull();
    const theirs = await api<Record<string, unknown>[]>(provider, 'GET', '/negotiations?role=provider');
    expect(theirs.body.filter((x) => x.counterpartyId === outsider.did)).toEqual([]);
  });

  it('answers a presentation query only within the scopes the access token grants (DCP schemas)', async () => {
    const ctx = consumer.node.context;
    const holder = await signerOf(ctx, ctx.config.defaultParticipantId);
    const query = async (granted: string[], asked: string[]) => {
      const accessToken = await signAccessToken(holder, {
        verifier: outside.did,
        scopes: granted,
        issuedAt: new Date(),
        ttlSeconds: 60,
        jti: randomUUID(),
      });
      const token = await signCounterpartyToken(outside.signer, {
        audience: consumer.did,
        issuedAt: new Date(),
        jti: randomUUID(),
        ttlSeconds: 60,
        accessToken,
      });
      const body = presentationQuery(asked);
      assertDcp(dcp, 'presentation', 'presentation-query-message', body);
      const res = await fetch(`${consumer.node.url}/dcp/presentations/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const membership = scopeForType('MembershipCredential');
    const ok = await query([membership], [membership]);
    expect(ok.status).toBe(200);
    assertDcp(dcp, 'presentation', 'presentation-response-message', ok.body);
    const [vp] = responsePresentations(ok.body) ?? [];
    const verified = await verifyPresentation(
      vp ?? '',
      { audience: outside.did, holder: consumer.did },
      {
        resolveDid: async (did) =>
          (await (
            await fetch(
              `${did === authority.did ? authority.node.url : consumer.node.url}/.well-known/did.json`,
            )
          ).json()) as ReturnType<typeof didDocument>,
        statusList: async (url) => (await fetch(url)).text(),
        trusted: { MembershipCredential: [authority.did] },
        now: () => new Date(),
        leewaySeconds: 5,
      },
    );
    expect(verified.credentials.map((c) => c.claims)).toEqual([{ membership: membershipName }]);
    const notGranted = await query([membership], [scopeForType('RoleCredential')]);
    expect(notGranted.status).toBe(401);
    expect(JSON.stringify(notGranted.body)).not.toContain('RoleCredential');
    expect(consumer.logs()).toContain('"reasonCode":"access-token.scope-not-granted"');
  });

  it('refuses a new request once the membership is revoked', async () => {
    const member = await addParticipant(consumer, 'revoked-member');
    const issued = await issue(authority, member.did);
    expect(issued.status).toBe(201);
    const first = await negotiate(member);
    await eventually(
      'FINALIZED before revocation',
      () => negotiationState(member, String(first.body.id)),
      (n) => n.state === 'FINALIZED',
    );
    const revoked = await revokeCredential(authority, issued.body.id, '会費未納');
    expect(revoked.revokedAt).toEqual(expect.any(String));
    const before = await api<unknown[]>(provider, 'GET', '/negotiations?role=provider');
    const created = await negotiate(member);
    const id = String(created.body.id);
    const ended = await eventually(
      'consumer gives up',
      () => negotiationState(member, id),
      (n) => ['TERMINATED', 'FINALIZED'].includes(String(n.state)),
    );
    expect(ended.state).toBe('TERMINATED');
    expect((await api<unknown[]>(provider, 'GET', '/negotiations?role=provider')).body.length).toBe(
      before.body.length,
    );
    expect(provider.logs()).toContain(`MembershipCredential revoked by ${authority.did}`);
  });

  describe('attacks', () => {
    const day = 86_400_000;
    /** A credential signed by `signer` (the authority's key unless forged), stored straight into a holder. */
    async function plant(
      holder: Party & { id: string },
      signer: SigningKey,
      over: Record<string, unknown> = {},
    ) {
      const jwt = await issueCredential(signer, {
        id: `urn:uuid:${randomUUID()}`,
        type: 'MembershipCredential',
        subject: holder.did,
        claims: { membership: membershipName },
        validFrom: new Date(Date.now() - day),
        validUntil: new Date(Date.now() + day),
        ...over,
      });
      await storeHeldCredential(holder.node.context.db, {
        participant_id: holder.id,
        id: `urn:uuid:${randomUUID()}`,
        type: 'MembershipCredential',
        issuer: authority.did,
        profile: 'vc20-bssl/jwt',
        jwt,
        valid_until: null,
        received_at: new Date().toISOString(),
      });
    }
    const authoritySigner = () =>
      signerOf(authority.node.context, authority.node.context.config.defaultParticipantId);

    it('a valid membership of another data space passes DCP and fails the policy, with its reason code', async () => {
      const p = await addParticipant(consumer, 'other-space');
      expect((await issue(authority, p.did, { claims: { membership: '別のデータスペース' } })).status).toBe(
        201,
      );
      const created = await negotiate(p);
      const ended = await eventually(
        'terminated by policy',
        () => negotiationState(p, String(created.body.id)),
        (n) => ['TERMINATED', 'FINALIZED'].includes(String(n.state)),
      );
      expect(ended).toMatchObject({ state: 'TERMINATED', reasonCode: 'policy.not-permitted' });
      expect(ended.agreementId ?? null).toBeNull();
      const theirs = await api<Record<string, unknown>[]>(provider, 'GET', '/negotiations?role=provider');
      expect(theirs.body.filter((n) => n.counterpartyId === p.did)).toEqual([
        expect.objectContaining({ state: 'TERMINATED', reasonCode: 'policy.not-permitted' }),
      ]);
    });

    it('expired credential → credential.expired', async () => {
      const p = await addParticipant(consumer, 'expired');
      await plant(p, await authoritySigner(), {
        validFrom: new Date(Date.now() - 3 * day),
        validUntil: new Date(Date.now() - day),
      });
      await refused(p, 'credential.expired');
    });

    it('not-yet-valid credential → credential.not-yet-valid', async () => {
      const p = await addParticipant(consumer, 'early');
      await plant(p, await authoritySigner(), {
        validFrom: new Date(Date.now() + day),
        validUntil: new Date(Date.now() + 2 * day),
      });
      await refused(p, 'credential.not-yet-valid');
    });

    it('credential from an untrusted issuer → credential.untrusted-issuer', async () => {
      const rogue = await addParticipant(authority, 'rogue-authority');
      const p = await addParticipant(consumer, 'untrusted');
      expect((await issue(rogue, p.did)).status).toBe(201);
      await refused(p, 'credential.untrusted-issuer');
    });

    it("another holder's credential → credential.wrong-holder", async () => {
      const p = await addParticipant(consumer, 'wrong-holder');
      await plant(p, await authoritySigner(), { subject: consumer.did });
      await refused(p, 'credential.wrong-holder');
    });

    it("forged signature under the authority's key id → credential.bad-signature", async () => {
      const p = await addParticipant(consumer, 'forger');
      const own = await signerOf(consumer.node.context, p.id);
      const real = await authoritySigner();
      await plant(p, { ...own, did: authority.did, kid: real.kid });
      await refused(p, 'credential.bad-signature');
    });

    it('signature by a key the issuer DID does not list → did.kid-missing', async () => {
      const p = await addParticipant(consumer, 'unknown-kid');
      const own = await signerOf(consumer.node.context, p.id);
      await plant(p, { ...own, did: authority.did, kid: `${authority.did}#no-such-key` });
      await refused(p, 'did.kid-missing');
    });

    it('a credential service that hangs → credential-service.timeout, refused within the bound', async () => {
      const token = await signCounterpartyToken(outside.signer, {
        audience: provider.did,
        issuedAt: new Date(),
        jti: randomUUID(),
        ttlSeconds: 60,
        accessToken: 'opaque-access-token',
      });
      const message = {
        '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
        '@type': 'ContractRequestMessage',
        consumerPid: newPid(),
        offer: { '@type': 'Offer', ...membersOnly },
        callbackAddress: `http://127.0.0.1:${(outside.server.address() as { port: number }).port}/dsp`,
      };
      assertDsp('contract-request-message', message);
      const started = performance.now();
      const res = await fetch(`${provider.node.url}/dsp/2025-1/negotiations/request`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(message),
      });
      const elapsed = performance.now() - started;
      expect(res.status).toBe(401);
      // refused at the timeout (plus one loaded machine's slack), not hung
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(elapsed).toBeLessThan(timeoutMs + 5000);
      const body = await res.text();
      expect(body).not.toContain('credential-service');
      expect(provider.logs()).toContain('"reasonCode":"credential-service.timeout"');
      const theirs = await api<Record<string, unknown>[]>(provider, 'GET', '/negotiations?role=provider');
      expect(theirs.body.filter((n) => n.counterpartyId === outside.did)).toEqual([]);
    });
  });
});
