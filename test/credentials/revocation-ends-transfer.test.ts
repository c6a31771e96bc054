import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningMonitor } from '../../src/node/policy/index.js';
import {
  type Clock,
  clockedNode,
  type Node,
  negotiated,
  providerSide,
  publishFile,
  startedTransfer,
  testClock,
  transferOf,
} from '../dataplane-consumer/support.js';
import { api, eventually } from '../dataspace/two-node-support.js';
import { addParticipant, issue, revokeCredential } from './support.js';

type Entry = {
  action: string;
  via: string;
  reason: string | null;
  resourceId: string;
  details: Record<string, unknown>;
};

const boundS = 60;
const content = `番号,品名\n${Array.from({ length: 500 }, (_, i) => `${i},ボルト M${i % 12}\n`).join('')}`;

describe('revocation ends a running transfer within the bound (authority + two members, hand clock)', () => {
  let clock: Clock;
  let authority: Node;
  let provider: Node;
  let consumer: Node;
  let root: string;
  let agreementId: string;
  let offer: Awaited<ReturnType<typeof publishFile>>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'musubi-revoke-files-'));
    writeFileSync(join(root, 'parts.csv'), content);
    clock = testClock();
    authority = await clockedNode(clock);
    const dcp = {
      dcpScopes: ['MembershipCredential'],
      trustedIssuers: [`MembershipCredential=${authority.did}`, `RoleCredential=${authority.did}`],
    };
    [provider, consumer] = await Promise.all([
      clockedNode(clock, { ...dcp, dataPlaneFileRoots: [root], credentialRecheckS: boundS }),
      clockedNode(clock, dcp),
    ]);
    expect((await issue(authority, provider.did)).status).toBe(201);
    // an open offer: nothing in the policy reads the membership, the credential alone gates the transfer
    offer = await publishFile(provider, 'parts-revoke', 'parts.csv');
    const issued = await issue(authority, consumer.did);
    expect(issued.status).toBe(201);
    credentialId = String(issued.body.id);
    agreementId = await negotiated(consumer, provider, offer);
  }, 60_000);
  let credentialId = '';
  afterAll(async () => {
    for (const t of [consumer, provider, authority]) await t?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('terminates the member’s STARTED pull on both sides once the clock passes the bound; the data plane refuses at once; only the provider’s operator sees why', async () => {
    const id = await startedTransfer(consumer, agreementId);
    const edr = await api<{ endpoint: string; authorization: string }>(
      consumer,
      'GET',
      `/transfers/${encodeURIComponent(id)}/edr`,
    );
    expect(edr.status).toBe(200);
    const pull = () =>
      fetch(edr.body.endpoint, { headers: { authorization: `Bearer ${edr.body.authorization}` } });
    const served = await pull();
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(content);

    const monitor = runningMonitor(provider.node.context);
    expect(monitor).toBeDefined();
    // a pass while the member still stands: nothing ends, and the next look is armed within the bound
    const calm = await monitor?.wake();
    expect(calm?.checked).toBeGreaterThanOrEqual(1);
    expect(calm?.terminated).toEqual([]);
    expect(
      (calm?.next.getTime() ?? Number.POSITIVE_INFINITY) - (calm?.at.getTime() ?? 0),
    ).toBeLessThanOrEqual(boundS * 1000);
    const theirs = await providerSide(provider, id);
    expect(theirs?.state).toBe('STARTED');

    await revokeCredential(authority, credentialId, '会費未納');
    // the armed timer's moment: the clock passes the bound, and the pass it runs ends the transfer
    clock.advance(boundS * 1000 + 1);
    const pass = await monitor?.wake();
    expect(pass?.terminated.map((x) => [x.transferId, x.reasonCode])).toEqual([
      [theirs?.id, 'credential.revoked'],
    ]);

    // the data plane refuses the consumer's token at once
    const refused = await pull();
    expect([401, 403, 404]).toContain(refused.status);
    expect(await refused.text()).not.toContain('番号');

    const provided = await transferOf(provider, String(theirs?.id));
    expect(provided).toMatchObject({ state: 'TERMINATED', reasonCode: 'credential.revoked' });
    expect(String(provided.reason)).toContain(`MembershipCredential revoked by ${authority.did}`);
    const consumed = await eventually(
      'consumer TERMINATED',
      () => transferOf(consumer, id),
      (t) => t.state === 'TERMINATED',
    );
    // the consumer hears the code and a fixed sentence: not the credential type, not the issuer
    expect(consumed.reasonCode).toBe('credential.revoked');
    expect(JSON.stringify(consumed)).not.toContain(authority.did);
    expect(JSON.stringify(consumed)).not.toContain('MembershipCredential');

    // the provider's audit log has the full reason; the consumer's does not
    const audit = async (t: Node) => (await api<Entry[]>(t, 'GET', '/audit?limit=1000')).body;
    const ended = (await audit(provider)).find(
      (e) => e.action === 'transfer.terminated' && e.resourceId === theirs?.id,
    );
    expect(ended?.reason).toBe('credential.revoked');
    // the node ended it on its own, under the agreement the transfer ran on
    expect(ended?.via).toBe('system');
    expect(ended?.details['5w1h']).toMatchObject({ agreementId, operator: 'system' });
    expect(String(ended?.details.reasonText)).toContain(`MembershipCredential revoked by ${authority.did}`);
    const consumerLog = JSON.stringify(await audit(consumer));
    expect(consumerLog).toContain('credential.revoked');
    expect(consumerLog).not.toContain(`revoked by ${authority.did}`);
    expect(consumer.logs()).not.toContain(`revoked by ${authority.did}`);
    expect(provider.logs()).toContain('"reasonCode":"credential.revoked"');
  }, 60_000);

  it('ends it at once when a new request of the member meets the revoked credential (no wait for the bound)', async () => {
    const member = await addParticipant(consumer, 'kojo-2');
    const issued = await issue(authority, member.did);
    expect(issued.status).toBe(201);
    const agreed = await negotiated(member, provider, offer);
    const id = await startedTransfer(member, agreed);
    const theirs = await providerSide(provider, id);
    expect(theirs?.state).toBe('STARTED');
    await revokeCredential(authority, issued.body.id, '脱退');
    // the provider's copy of the status list is past its lifetime (at most the bound); the monitor's own timer
    // is real time and far off, so only the next request can bring the news
    clock.advance(boundS * 1000 + 1);
    const again = await api<{ id: string }>(member, 'POST', '/negotiations', {
      counterpartyAddress: provider.node.url,
      counterpartyId: provider.did,
      offer,
      force: true,
    });
    expect(again.status).toBe(201);
    const ended = await eventually(
      'provider TERMINATED',
      () => transferOf(provider, String(theirs?.id)),
      (t) => t.state === 'TERMINATED',
    );
    expect(ended.reasonCode).toBe('credential.revoked');
    const consumed = await eventually(
      'member TERMINATED',
      () => transferOf(member, id),
      (t) => t.state === 'TERMINATED',
    );
    expect(consumed.reasonCode).toBe('credential.revoked');
  }, 60_000);

  it('ends only the transfers whose agreement rests on the revoked credential: a revoked role leaves the membership transfer running', async () => {
    const member = await addParticipant(consumer, 'kojo-3');
    expect((await issue(authority, member.did)).status).toBe(201);
    const role = await issue(authority, member.did, {
      type: 'RoleCredential',
      claims: { role: 'qualityAuditor' },
    });
    expect(role.status).toBe(201);
    // one agreement under the open offer (it rests on the membership every request shows), one whose policy
    // reads the role
    const audited = await publishFile(provider, 'audit-report', 'parts.csv', {}, [
      {
        action: 'use',
        constraint: [{ leftOperand: 'role', operator: 'eq', rightOperand: 'qualityAuditor' }],
      },
    ]);
    const started = async (o: unknown) => {
      const agreed = await negotiated(member, provider, o);
      const id = await startedTransfer(member, agreed);
      const theirs = await providerSide(provider, id);
      expect(theirs?.state).toBe('STARTED');
      return String(theirs?.id);
    };
    const open = await started(offer);
    const byRole = await started(audited);

    await revokeCredential(authority, role.body.id, '監査員登録の失効');
    clock.advance(boundS * 1000 + 1);
    const pass = await runningMonitor(provider.node.context)?.wake();
    expect(pass?.terminated.map((x) => [x.transferId, x.reasonCode])).toEqual([
      [byRole, 'credential.revoked'],
    ]);
    expect((await transferOf(provider, open)).state).toBe('STARTED');
    const ended = await transferOf(provider, byRole);
    expect(String(ended.reason)).toContain(`RoleCredential revoked by ${authority.did}`);
  }, 60_000);
});
