import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOffer } from '../../src/dataspace/catalog/index.js';
import { insertPolicy, type Rule } from '../../src/dataspace/policy/index.js';
import { participantStore } from '../../src/store/index.js';
import { api, eventually, loopbackNode, negotiationState } from '../dataspace/two-node-support.js';
import type { TestNode } from '../support/node.js';
import { addParticipant, issue, membersOnly, publishMembersOnlyOffer, revokeCredential } from './support.js';

type Party = TestNode & { did: string };

const openOffer = { '@id': 'offer-公開', target: 'bom-2026', permission: [{ action: 'use' }] };

/** Each presentation query the node's CredentialServices answered: for whom and which types. */
function queriesAnswered(t: Party): { verifier: string; types: string[] }[] {
  return t
    .logs()
    .split('\n')
    .filter((l) => l.includes('"presentation answered"'))
    .map((l) => JSON.parse(l) as { verifier: string; types: string[] });
}

/**
 * Presentation scopes derived from the policy each request is evaluated against: no `dcpScopes` anywhere, only
 * trusted issuers. The consumer holds a MembershipCredential and a RoleCredential; the provider's policies read
 * only membership.
 */
describe('DCP scopes derived from each offer’s policy (no dcpScopes configured)', () => {
  let authority: Party;
  let provider: Party;
  let consumer: Party;

  beforeAll(async () => {
    authority = await loopbackNode({ statusListMaxAgeS: 0 });
    const trust = {
      trustedIssuers: [`MembershipCredential=${authority.did}`, `RoleCredential=${authority.did}`],
      credentialServiceTimeoutMs: 3000,
    };
    provider = await loopbackNode(trust);
    consumer = await loopbackNode(trust);
    await publishMembersOnlyOffer(provider);
    // Beside it: the same asset under no credential constraint, and an asset only members see in the catalog.
    const ctx = provider.node.context;
    const p = ctx.config.defaultParticipantId;
    const at = new Date().toISOString();
    const policy = (id: string, permission: Rule[]) =>
      insertPolicy(ctx.db, p, { id, title: id, permission, createdAt: at, updatedAt: at });
    await policy('open', openOffer.permission as Rule[]);
    await policy('members-see', membersOnly.permission as Rule[]);
    await participantStore(ctx.db, p).insertAsset({
      id: 'member-bom',
      title: '会員向け部品表',
      description: '',
      contentType: 'application/json',
      keywords: [],
      properties: {},
      dataAddress: { type: 'HttpData', baseUrl: 'http://127.0.0.1:9/member-bom' },
      createdAt: at,
      updatedAt: at,
    });
    for (const [id, access, contract, asset] of [
      ['offer-公開', 'everyone', 'open', 'bom-2026'],
      ['offer-会員カタログ', 'members-see', 'open', 'member-bom'],
    ] as const)
      await insertOffer(ctx.db, p, {
        id,
        accessPolicyId: access,
        contractPolicyId: contract,
        selector: { assetIds: [asset] },
        createdAt: at,
        updatedAt: at,
      });
    expect((await issue(authority, consumer.did)).status).toBe(201);
    expect(
      (await issue(authority, consumer.did, { type: 'RoleCredential', claims: { role: 'qualityAuditor' } }))
        .status,
    ).toBe(201);
  });
  afterAll(async () => {
    for (const t of [consumer, provider, authority]) await t?.stop();
  });

  async function negotiate(who: Party, offer: Record<string, unknown>) {
    const created = await api(who, 'POST', '/negotiations', {
      counterpartyAddress: provider.node.url,
      counterpartyId: provider.did,
      offer,
      force: true,
    });
    expect(created.status).toBe(201);
    return eventually(
      'negotiation ended',
      () => negotiationState(who, String(created.body.id)),
      (n) => ['FINALIZED', 'TERMINATED'].includes(String(n.state)),
    );
  }
  const catalogOf = async (who: Party) => {
    const res = await api(who, 'POST', '/catalog/request', {
      counterpartyAddress: provider.node.url,
      counterpartyId: provider.did,
    });
    expect(res.status).toBe(200);
    return JSON.stringify(res.body);
  };

  it('negotiates a membership-policy offer, asking the CredentialService for the MembershipCredential only', async () => {
    const before = queriesAnswered(consumer).length;
    const done = await negotiate(consumer, membersOnly);
    expect(done.state).toBe('FINALIZED');
    const asked = queriesAnswered(consumer).slice(before);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((q) => q.verifier === provider.did)).toBe(true);
    expect(asked.map((q) => q.types)).toEqual(asked.map(() => ['MembershipCredential']));
    // the consumer evaluates no policy on the provider's callbacks: it asked the provider for nothing
    expect(queriesAnswered(provider)).toEqual([]);
    // a transfer request is checked against the agreement: the membership again, nothing else
    const mark = queriesAnswered(consumer).length;
    const t = await api(consumer, 'POST', '/transfers', { agreementId: done.agreementId });
    expect(t.status).toBe(201);
    const started = await eventually(
      'transfer started',
      async () => (await api(consumer, 'GET', `/transfers/${encodeURIComponent(String(t.body.id))}`)).body,
      (x) => ['STARTED', 'TERMINATED'].includes(String(x.state)),
    );
    expect(started.state).toBe('STARTED');
    expect(
      queriesAnswered(consumer)
        .slice(mark)
        .map((q) => q.types),
    ).toEqual([['MembershipCredential']]);
  });

  it('requests no presentation for an offer without credential constraints', async () => {
    const before = queriesAnswered(consumer).length;
    const done = await negotiate(consumer, openOffer);
    expect(done.state).toBe('FINALIZED');
    expect(queriesAnswered(consumer).length).toBe(before);
  });

  it('refuses a non-member with the policy’s stable reason code; its CredentialService is not asked', async () => {
    const auditor = await addParticipant(consumer, 'auditor-only');
    const role = await issue(authority, auditor.did, {
      type: 'RoleCredential',
      claims: { role: 'qualityAuditor' },
    });
    expect(role.status).toBe(201);
    const stranger = await addParticipant(consumer, 'no-credentials');
    const before = queriesAnswered(consumer).length;
    for (const who of [auditor, stranger]) {
      const ended = await negotiate(who, membersOnly);
      expect(ended).toMatchObject({ state: 'TERMINATED', reasonCode: 'policy.not-permitted' });
      expect(ended.agreementId ?? null).toBeNull();
      const theirs = await api<Record<string, unknown>[]>(provider, 'GET', '/negotiations?role=provider');
      expect(theirs.body.filter((n) => n.counterpartyId === who.did)).toEqual([
        expect.objectContaining({ state: 'TERMINATED', reasonCode: 'policy.not-permitted' }),
      ]);
    }
    expect(queriesAnswered(consumer).length).toBe(before);
    // the open offer stays open to them
    expect((await negotiate(stranger, openOffer)).state).toBe('FINALIZED');
  });

  it('a revoked membership is refused at the presentation, with its reason code for the provider’s operator', async () => {
    const leaver = await addParticipant(consumer, 'leaver');
    const issued = await issue(authority, leaver.did);
    expect((await negotiate(leaver, membersOnly)).state).toBe('FINALIZED');
    await revokeCredential(authority, issued.body.id);
    const ended = await negotiate(leaver, membersOnly);
    expect(ended.state).toBe('TERMINATED');
    expect(provider.logs()).toContain(`MembershipCredential revoked by ${authority.did}`);
    const audit = await api<{ action: string; actor: string; details: { reasonCode?: string } }[]>(
      provider,
      'GET',
      '/audit?limit=1000',
    );
    expect(
      audit.body.some(
        (e) =>
          e.action === 'credential.refused' &&
          e.actor === leaver.did &&
          e.details.reasonCode === 'credential.revoked',
      ),
    ).toBe(true);
  });

  it('a catalog shows members what only members see, and everyone the rest (no 401 for non-members)', async () => {
    const stranger = await addParticipant(consumer, 'catalog-stranger');
    const before = queriesAnswered(consumer).length;
    const seen = await catalogOf(stranger);
    expect(seen).toContain('bom-2026');
    expect(seen).not.toContain('member-bom');
    expect(queriesAnswered(consumer).length).toBe(before);
    expect(await catalogOf(consumer)).toContain('member-bom');
    expect(
      queriesAnswered(consumer)
        .slice(before)
        .map((q) => q.types),
    ).toEqual([['MembershipCredential']]);
  });

  it('an offer only members see is negotiated by a member: the request asks for what its access policy reads', async () => {
    const hidden = { '@id': 'offer-会員カタログ', target: 'member-bom', permission: [{ action: 'use' }] };
    const before = queriesAnswered(consumer).length;
    expect((await negotiate(consumer, hidden)).state).toBe('FINALIZED');
    const asked = queriesAnswered(consumer).slice(before);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.map((q) => q.types)).toEqual(asked.map(() => ['MembershipCredential']));
    const stranger = await addParticipant(consumer, 'hidden-stranger');
    const ended = await negotiate(stranger, hidden);
    expect(ended.state).toBe('TERMINATED');
    expect(ended.agreementId ?? null).toBeNull();
  });
});
