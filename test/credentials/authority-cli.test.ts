import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, loopbackNode } from '../dataspace/two-node-support.js';
import { runCli } from '../support/cli.js';
import type { TestNode } from '../support/node.js';

type Party = TestNode & { did: string };

describe('musubi authority (built CLI)', () => {
  let authority: Party;
  let holder: Party;
  const as = (...args: string[]) =>
    runCli([...args, '--node', authority.node.url, '--api-key', authority.apiKey]);

  beforeAll(async () => {
    authority = await loopbackNode();
    holder = await loopbackNode();
  }, 60_000);
  afterAll(async () => {
    await holder?.stop();
    await authority?.stop();
  });

  it('issues membership, governance and role credentials into the holder, lists and revokes them', async () => {
    const m = await as('authority', 'membership', 'むすびデータスペース', '--holder', holder.did, '--json');
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const membership = JSON.parse(m.stdout) as { id: string; type: string; statusIndex: number };
    expect(membership).toMatchObject({ type: 'MembershipCredential', statusIndex: 0 });
    const g = await as('authority', 'governance', '1.0', '--holder', holder.did);
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/\tDataExchangeGovernanceCredential\t/);
    const r = await as(
      'authority',
      'role',
      'qualityAuditor',
      '--holder',
      holder.did,
      '--valid-until',
      '2099-01-01',
    );
    expect(r.stdout).toMatch(/RoleCredential\t.*valid until 2099-01-01T00:00:00.000Z/);

    const held = await api<{ type: string; issuer: string }[]>(holder, 'GET', '/credentials');
    expect(held.body.map((c) => c.type).sort()).toEqual([
      'DataExchangeGovernanceCredential',
      'MembershipCredential',
      'RoleCredential',
    ]);
    expect(held.body.every((c) => c.issuer === authority.did)).toBe(true);

    const revoked = await as('authority', 'revoke', membership.id, '--reason', '退会');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('revoked ');
    const list = await as('authority', 'list');
    expect(list.stdout.trim().split('\n')).toHaveLength(3);
    const status = await fetch(`${authority.node.url}/dcp/status/membership`);
    expect(status.headers.get('cache-control')).toBe('public, max-age=300');
    expect(status.headers.get('content-type')).toBe('application/vc+jwt');
  });

  it('says what is wrong in one line with the exit code of its kind', async () => {
    const notDid = await as('authority', 'membership', 'x', '--holder', 'https://example.com');
    expect(notDid.code).toBe(2);
    expect(notDid.stderr.trim().split('\n')).toHaveLength(1);
    expect(notDid.stderr).toContain('did:web');
    const unknown = await as('authority', 'revoke', 'urn:uuid:none');
    expect(unknown.code).toBe(3);
    const badDate = await as('authority', 'role', 'x', '--holder', holder.did, '--valid-until', '来年');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--valid-until');
    const nowhere = await as('authority', 'membership', 'x', '--holder', 'did:web:127.0.0.1%3A9:p:nobody');
    expect(nowhere.code).toBe(6);
    expect(nowhere.stderr).toMatch(/could not be delivered/);
  });
});
