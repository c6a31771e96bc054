import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DirectoryEntry, lookupParticipant } from '../../src/dataspace/directory/index.js';
import { didResolverOf } from '../../src/node/counterparty.js';
import { api, loopbackNode } from '../dataspace/two-node-support.js';
import { runCli } from '../support/cli.js';
import { overTls, type TestNode, testFetch } from '../support/node.js';
import { addParticipant, issue, revokeCredential } from './support.js';

type Party = TestNode & { did: string };

// 法人番号 with good check digits: 国税庁's and トヨタ自動車's (published), and a made-up one.
const nta = '7000012050002';
const toyota = '1180301018771';
const post = '6010001112102';
const wide = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

describe('participant directory: 法人番号 → DID and endpoints, served by an authority over HTTPS', () => {
  let authority: Party;
  let supplier: Party;
  let customer: Party;

  beforeAll(async () => {
    [authority, supplier, customer] = await Promise.all([
      loopbackNode(overTls),
      loopbackNode(overTls),
      loopbackNode(overTls),
    ]);
  }, 60_000);
  afterAll(async () => {
    for (const t of [customer, supplier, authority]) await t?.stop();
  });

  const lookup = (number: string, headers: Record<string, string> = {}, root = authority.node.url) =>
    testFetch(`${root}/directory/${encodeURIComponent(number)}`, { headers });
  /** The library call the footprint app makes, over the customer node's own outbound client (egress applies). */
  const fromCustomer = (number: string, root = authority.node.url) =>
    lookupParticipant(
      async (url) => {
        const res = await customer.node.context.outbound.request(url);
        return { status: res.status, body: res.status === 200 ? res.json() : undefined };
      },
      root,
      number,
    );

  it('an operator entry written with 全角 digits and hyphens is found by its 13 digits, endpoints read from the DID', async () => {
    const put = await api<DirectoryEntry>(authority, 'POST', '/authority/directory', {
      corporateNumber: `${wide('7')}－${wide('0000')}－${wide('1205')}－${wide('0002')}`,
      did: supplier.did,
      name: 'むすび部品株式会社',
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      corporateNumber: nta,
      did: supplier.did,
      name: 'むすび部品株式会社',
      dspEndpoint: `${supplier.node.url}/.well-known/dspace-version`,
      credentialService: `${supplier.node.url}/dcp`,
      updatedAt: expect.any(String),
    });
    const res = await lookup(nta);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(put.body);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);
    const again = await lookup(nta, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const typed = await lookup(`${wide('7000')}-${wide('0120')}-${wide('50002')}`);
    expect(typed.status).toBe(200);
    expect(typed.headers.get('etag')).toBe(etag);
    // a changed entry has another ETag
    await api(authority, 'POST', '/authority/directory', {
      corporateNumber: nta,
      did: supplier.did,
      name: '改称後',
    });
    const changed = await lookup(nta, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as DirectoryEntry).name).toBe('改称後');
  });

  it('a customer finds a supplier from its corporate number with the library function, and reaches its DID', async () => {
    const entry = await fromCustomer(`${wide('7')}-${wide('000012050002')}`);
    expect(entry).toMatchObject({ corporateNumber: nta, did: supplier.did });
    const doc = await didResolverOf(customer.node.context)(entry?.did ?? '', false);
    expect(doc.service?.find((s) => s.type === 'DataService')?.serviceEndpoint).toBe(entry?.dspEndpoint);
    expect(await fromCustomer(toyota)).toBeUndefined();
  });

  it('answers an unknown number 404 and a malformed one 400, both as problem documents', async () => {
    const unknown = await lookup(toyota);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(await unknown.json()).toMatchObject({ status: 404, code: 'directory-entry.not-found' });
    for (const bad of ['8000012050002', '700001205000', 'むすび', '7000O12050002']) {
      const res = await lookup(bad);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 400, code: 'directory.invalid-corporate-number' });
    }
    const before = await api<DirectoryEntry[]>(authority, 'GET', '/authority/directory');
    const refused = await api(authority, 'POST', '/authority/directory', {
      corporateNumber: '8000012050002',
      did: customer.did,
    });
    expect(refused.status).toBe(400);
    expect((await api(authority, 'GET', '/authority/directory')).body).toEqual(before.body);
    const notDid = await api(authority, 'POST', '/authority/directory', {
      corporateNumber: post,
      did: 'did:web:',
    });
    expect(notDid.status).toBe(400);
    expect((await lookup(post)).status).toBe(404);
    expect((await testFetch(`${authority.node.url}/p/nobody/directory/${nta}`)).status).toBe(404);
  });

  it('issuing a membership credential with a corporate number lists the holder; revoking it removes the entry', async () => {
    const member = await addParticipant(customer, 'kojo');
    const issued = await issue(authority, member.did, {
      claims: { membership: 'むすびデータスペース', corporateNumber: wide(toyota), name: 'むすび工場' },
    });
    expect(issued.status).toBe(201);
    const entry = await fromCustomer(toyota);
    expect(entry).toEqual({
      corporateNumber: toyota,
      did: member.did,
      name: 'むすび工場',
      dspEndpoint: `${customer.node.url}/p/kojo/.well-known/dspace-version`,
      credentialService: `${customer.node.url}/p/kojo/dcp`,
      updatedAt: expect.any(String),
    });
    const bad = await issue(authority, member.did, {
      claims: { membership: 'x', corporateNumber: '1234567890123' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'directory.invalid-corporate-number' });
    await revokeCredential(authority, issued.body.id);
    expect((await lookup(toyota)).status).toBe(404);
    const audit = await api<{ action: string; resourceId: string }[]>(authority, 'GET', '/audit?limit=1000');
    const actions = audit.body.filter((e) => e.resourceId === toyota).map((e) => e.action);
    expect(actions).toContain('directory.put');
  });

  it('a participant acting as authority serves its own directory under /p/<id>', async () => {
    const second = await addParticipant(authority, 'chubu-kai');
    expect(
      (await api(second, 'POST', '/authority/directory', { corporateNumber: post, did: customer.did }))
        .status,
    ).toBe(200);
    const root = `${authority.node.url}/p/chubu-kai`;
    expect(await fromCustomer(post, root)).toMatchObject({ corporateNumber: post, did: customer.did });
    // one authority's directory is not another's
    expect((await lookup(post)).status).toBe(404);
  });

  it('the CLI adds, lists, looks up and removes entries, and refuses bad input in one line', async () => {
    const as = (...args: string[]) =>
      runCli([...args, '--node', authority.node.url, '--api-key', authority.apiKey]);
    const added = await as(
      'authority',
      'directory',
      'add',
      '1-1803-0101-8771',
      '--did',
      supplier.did,
      '--json',
    );
    expect(added.stderr).toBe('');
    expect(JSON.parse(added.stdout)).toMatchObject({ corporateNumber: toyota, did: supplier.did });
    const list = await as('authority', 'directory', 'list');
    expect(list.stdout).toContain(`${toyota}\t${supplier.did}\t`);
    const found = await runCli(['directory', 'lookup', wide(toyota), '--authority', authority.node.url]);
    expect(found.code).toBe(0);
    expect(found.stdout).toContain(`did\t${supplier.did}\n`);
    expect(found.stdout).toContain(`dsp\t${supplier.node.url}/.well-known/dspace-version\n`);
    const removed = await as('authority', 'directory', 'remove', toyota);
    expect(removed.code).toBe(0);
    const gone = await runCli(['directory', 'lookup', toyota, '--authority', authority.node.url]);
    expect(gone.code).toBe(3);
    expect(gone.stderr.trim().split('\n')).toHaveLength(1);
    const malformed = await runCli(['directory', 'lookup', '12345', '--authority', authority.node.url]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^musubi: .*法人番号.*\n$/);
    const again = await as('authority', 'directory', 'remove', toyota);
    expect(again.code).toBe(3);
  });
});
