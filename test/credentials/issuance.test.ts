import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCounterpartyToken } from '../../src/dataspace/identity/index.js';
import { signerOf } from '../../src/node/signing.js';
import { api, eventually, loopbackNode } from '../dataspace/two-node-support.js';
import { assertDcp, dcpSchemas } from '../support/dcp-schemas.js';
import type { TestNode } from '../support/node.js';
import { issue } from './support.js';

type Party = TestNode & { did: string };
const dcp = dcpSchemas();

describe('DCP issuance flow: a holder asks the authority for its credentials', () => {
  let authority: Party;
  let holder: Party;

  beforeAll(async () => {
    authority = await loopbackNode();
    holder = await loopbackNode();
    expect(
      (await issue(authority, holder.did, { claims: { membership: '中部製造業データ連携会' } })).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await holder?.stop();
    await authority?.stop();
  });

  /** A GET on the holder's behalf, authenticated as DCP asks (a self-issued ID token for the issuer). */
  async function asHolder(url: string): Promise<{ status: number; body: unknown }> {
    const ctx = holder.node.context;
    const token = await signCounterpartyToken(await signerOf(ctx, ctx.config.defaultParticipantId), {
      audience: authority.did,
      issuedAt: new Date(),
      jti: randomUUID(),
      ttlSeconds: 60,
    });
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  }

  it('publishes issuer metadata and lists its IssuerService in the DID document', async () => {
    const meta = await (await fetch(`${authority.node.url}/dcp/issuer/metadata`)).json();
    assertDcp(dcp, 'issuance', 'issuer-metadata', meta);
    expect(meta).toMatchObject({
      issuer: authority.did,
      credentialsSupported: [{ credentialType: 'MembershipCredential' }],
    });
    const doc = (await (await fetch(`${authority.node.url}/.well-known/did.json`)).json()) as {
      service: { type: string; serviceEndpoint: string }[];
    };
    expect(doc.service.find((s) => s.type === 'IssuerService')?.serviceEndpoint).toBe(
      `${authority.node.url}/dcp/issuer`,
    );
  });

  it('renews a credential the authority issued before: 201 with a status URL, then ISSUED into the holder', async () => {
    const asked = await api<{ holderPid: string; status: string; statusUrl: string }>(
      holder,
      'POST',
      '/credentials/requests',
      { issuer: authority.did, types: ['MembershipCredential'] },
    );
    expect(asked.status).toBe(202);
    expect(asked.body.statusUrl).toMatch(/\/dcp\/issuer\/requests\/urn%3Auuid%3A/);
    const held = await eventually(
      'renewed credential delivered',
      async () => (await api<{ type: string }[]>(holder, 'GET', '/credentials')).body,
      (list) => list.length === 2,
    );
    expect(held.map((c) => c.type)).toEqual(['MembershipCredential', 'MembershipCredential']);
    const status = await eventually(
      'ISSUED',
      () => asHolder(asked.body.statusUrl),
      (s) => JSON.stringify(s.body).includes('ISSUED'),
    );
    assertDcp(dcp, 'issuance', 'credential-status', status.body);
    expect(status.body).toMatchObject({ holderPid: asked.body.holderPid, status: 'ISSUED' });
    const issued = await api<{ holder: string }[]>(authority, 'GET', '/authority/credentials');
    expect(issued.body.filter((c) => c.holder === holder.did)).toHaveLength(2);
  });

  it('rejects a type it never issued the holder, and the holder audits why', async () => {
    const asked = await api<{ holderPid: string; statusUrl: string }>(
      holder,
      'POST',
      '/credentials/requests',
      {
        issuer: authority.did,
        types: ['RoleCredential'],
      },
    );
    expect(asked.status).toBe(202);
    const status = await eventually(
      'REJECTED',
      () => asHolder(asked.body.statusUrl),
      (s) => JSON.stringify(s.body).includes('REJECTED'),
    );
    assertDcp(dcp, 'issuance', 'credential-status', status.body);
    const audit = await eventually(
      'rejection audited',
      async () => (await api<{ action: string; reason?: string }[]>(holder, 'GET', '/audit?limit=1000')).body,
      (entries) => entries.some((e) => e.action === 'credential.rejected'),
    );
    expect(audit.find((e) => e.action === 'credential.rejected')?.reason).toContain('RoleCredential');
    // nobody else reads a holder's request status
    const stranger = await fetch(asked.body.statusUrl);
    expect(stranger.status).toBe(401);
  });

  it('refuses a request for an issuer that is not there, in one problem', async () => {
    const res = await api<{ code: string }>(holder, 'POST', '/credentials/requests', {
      issuer: 'did:web:127.0.0.1%3A9',
      types: ['MembershipCredential'],
    });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('credentials.issuer-unreachable');
  });
});
