import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, loopbackNode } from '../dataspace/two-node-support.js';
import { runCli } from '../support/cli.js';
import { api, type Company, ok, outboxReaches, own, requests, resultOf, total } from './support.js';

/**
 * A customer names its supplier by corporate number (法人番号) only: the link's DID and address come from the
 * authority's participant directory, filled from the MembershipCredential the authority issued the supplier.
 * The supplier's exchange is for members only and checks credentials (DCP), so the directory and the
 * credentials are the same authority's word.
 */
const membership = 'むすび電池データスペース';
// Made-up 法人番号 with valid check digits (9 − (Σ digit × 1|2) mod 9).
const supplierNumber = '6999901000002';
const customerNumber = '7999901000001';
const unlistedNumber = '5999901000003';
const wide = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

interface Link {
  traceId: string;
  supplierDid: string;
  supplierAddress: string;
  supplierPart: string;
  supplierCorporateNumber?: string;
  supplierName?: string;
}

describe('pcf link by corporate number, through the authority’s directory', () => {
  let authority: Company;
  let supplier: Company;
  let customer: Company;
  /** A second customer: no membership, and no directory configured on its node. */
  let outsider: Company;

  beforeAll(async () => {
    authority = await loopbackNode();
    const trust = { trustedIssuers: [`MembershipCredential=${authority.did}`] };
    [supplier, customer, outsider] = await Promise.all([
      loopbackNode(trust),
      loopbackNode({ ...trust, directoryAuthority: authority.node.url }),
      loopbackNode(trust),
    ]);
    for (const [holder, corporateNumber, name] of [
      [supplier, `${wide('6')}-${wide('9999')}-${wide('0100')}-${wide('0002')}`, '結びセル製造株式会社'],
      [customer, customerNumber, '結び電池パック工業株式会社'],
    ] as const)
      await ok(authority, 'POST', '/authority/credentials', {
        holder: holder.did,
        type: 'MembershipCredential',
        claims: { membership, corporateNumber, name },
      });
    await ok(supplier, 'PUT', '/footprint/settings', { exchange: true, autoLink: true });
    await ok(supplier, 'POST', '/policies', {
      id: 'members',
      permission: [
        {
          action: 'use',
          constraint: [{ leftOperand: 'membership', operator: 'eq', rightOperand: membership }],
        },
      ],
    });
    await ok(supplier, 'PUT', '/offers/offer-footprint-exchange', {
      accessPolicyId: 'members',
      contractPolicyId: 'members',
      selector: { assetIds: ['footprint-exchange'] },
    });
    await ok(supplier, 'PUT', '/footprint/parts/cell-01', {
      name: '角形セル',
      unit: 'kg',
      productIds: ['urn:pact:cell.example:cell-01'],
      own: own('1.5', '10.0', '2', '40'),
    });
    for (const c of [customer, outsider]) {
      for (const id of ['A', 'B'])
        await ok(c, 'PUT', `/footprint/parts/${id}`, {
          name: '電池パック',
          unit: 'piece',
          own: own('3.0', '20.0', '1', '100'),
        });
      await ok(c, 'POST', '/footprint/bom', {
        format: 'csv',
        text: '親品番,子品番,数量,単位\nA,A1,5,kg\nB,A2,1,kg\n',
      });
    }
  }, 60_000);
  afterAll(async () => {
    for (const t of [outsider, customer, supplier, authority]) await t?.stop();
  });

  it('finds the supplier’s DID and address by its 法人番号 (全角, hyphens), asks through the link and gets 80.5', async () => {
    const linked = await api<Link>(customer, 'PUT', '/footprint/links/A1', {
      supplierCorporateNumber: `${wide('6999')}－${wide('9010')}－${wide('00002')}`,
      supplierPart: 'urn:pact:cell.example:cell-01',
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body).toMatchObject({
      traceId: 'A1',
      supplierDid: supplier.did,
      supplierAddress: supplier.node.url,
      supplierPart: 'urn:pact:cell.example:cell-01',
      supplierCorporateNumber: supplierNumber,
      supplierName: '結びセル製造株式会社',
    });
    const links = await ok<Link[]>(customer, 'GET', '/footprint/links');
    expect(links.find((l) => l.traceId === 'A1')).toMatchObject({
      supplierDid: supplier.did,
      supplierAddress: supplier.node.url,
    });
    const audit = await ok<{ action: string; resourceId: string; details: Record<string, unknown> }[]>(
      customer,
      'GET',
      '/audit?limit=1000',
    );
    expect(
      audit.find((e) => e.action === 'footprint.link.put' && e.resourceId === 'A1')?.details,
    ).toMatchObject({
      corporateNumber: supplierNumber,
      directory: authority.node.url,
    });
    // The request travels over the link found: the supplier checks the customer's membership and answers.
    await ok(customer, 'POST', '/footprint/requests', { traceId: 'A1', message: '年度報告用にお願いします' });
    await outboxReaches(customer, 'A1', 'answered');
    const agreements = await ok<{ counterpartyId: string; offerId: string; policy: unknown }[]>(
      supplier,
      'GET',
      '/agreements?limit=1000',
    );
    const exchange = agreements.filter((a) => a.offerId === 'offer-footprint-exchange');
    expect(exchange.map((a) => a.counterpartyId)).toEqual([customer.did]);
    expect(JSON.stringify(exchange[0]?.policy)).toContain(membership);
    const r = await resultOf(customer, 'A');
    expect(r.partial).toBe(false);
    expect(total(r)).toBe(80.5); // 3 + 20 own + 5 kg × (1.5 + 10.0)
  }, 60_000);

  it('the CLI links by corporate number with --authority, and refuses a missing authority or mixed names in one line', async () => {
    const pcf = (...args: string[]) =>
      runCli(['pcf', ...args, '--node', outsider.node.url, '--api-key', outsider.apiKey]);
    const part = ['--part', 'urn:pact:cell.example:cell-01'];
    const linked = await pcf(
      'link',
      'A1',
      '--supplier-corporate-number',
      '6-9999-0100-0002',
      '--authority',
      authority.node.url,
      ...part,
    );
    expect(linked.code, linked.stderr).toBe(0);
    expect(linked.stdout).toBe(
      `A1\t← urn:pact:cell.example:cell-01\t${supplier.did}\t${supplierNumber} 結びセル製造株式会社\n`,
    );
    const noAuthority = await pcf('link', 'A2', '--supplier-corporate-number', supplierNumber, ...part);
    expect(noAuthority.code).toBe(2);
    expect(noAuthority.stderr).toMatch(/^musubi: .*directoryAuthority.*\n$/);
    const mixed = await pcf(
      'link',
      'A2',
      '--supplier-corporate-number',
      supplierNumber,
      '--supplier',
      supplier.did,
      '--address',
      supplier.node.url,
      ...part,
    );
    expect(mixed.code).toBe(2);
    expect(mixed.stderr.trim().split('\n')).toHaveLength(1);
    const neither = await pcf('link', 'A2', ...part);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/^musubi: .*--supplier-corporate-number.*\n$/);
    const unknown = await pcf(
      'link',
      'A2',
      '--supplier-corporate-number',
      unlistedNumber,
      '--authority',
      authority.node.url,
      ...part,
    );
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain(`法人番号 ${unlistedNumber}`);
    expect((await ok<Link[]>(outsider, 'GET', '/footprint/links')).map((l) => l.traceId)).toEqual(['A1']);
    // Found is not admitted: the outsider holds no membership, so the members-only exchange refuses it.
    const asked = await api(outsider, 'POST', '/footprint/requests', { traceId: 'A1' });
    // the offer is not in the catalog a non-member sees (its access policy asks for the membership)
    expect(asked.status).toBe(400);
    expect(asked.body).toMatchObject({ code: 'negotiation.peer-unsupported' });
    expect(String(asked.body.detail)).toContain('footprint-exchange could not be read');
    expect((await requests(outsider, 'outbox')).map((r) => r.status)).toEqual(['cancelled']);
    const agreements = await ok<{ counterpartyId: string }[]>(supplier, 'GET', '/agreements?limit=1000');
    expect(agreements.map((a) => a.counterpartyId)).not.toContain(outsider.did);
  }, 60_000);

  it('refuses a bad number before asking, an unlisted one, a mix of names and an unreachable directory; links stay', async () => {
    const before = await ok<Link[]>(customer, 'GET', '/footprint/links');
    const link = (body: Record<string, unknown>, traceId = 'A2') =>
      api<{ status: number; code: string; detail: string }>(customer, 'PUT', `/footprint/links/${traceId}`, {
        supplierPart: 'urn:pact:cell.example:cell-01',
        ...body,
      });
    const bad = await link({ supplierCorporateNumber: '8999901000002' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('directory.invalid-corporate-number');
    const unlisted = await link({ supplierCorporateNumber: unlistedNumber });
    expect(unlisted.status).toBe(404);
    expect(unlisted.body.code).toBe('directory-entry.not-found');
    const mixed = await link({ supplierCorporateNumber: supplierNumber, supplierDid: supplier.did });
    expect(mixed.status).toBe(400);
    const partial = await link({ supplierDid: supplier.did });
    expect(partial.status).toBe(400);
    const closed = await freePort();
    const unreachable = await link({
      supplierCorporateNumber: supplierNumber,
      authority: `http://127.0.0.1:${closed}`,
    });
    expect(unreachable.status).toBe(503);
    expect(unreachable.body.code).toBe('directory.unavailable');
    const noPart = await link({ supplierCorporateNumber: supplierNumber }, 'nothing-here');
    expect(noPart.status).toBe(404);
    expect(await ok<Link[]>(customer, 'GET', '/footprint/links')).toEqual(before);
  }, 60_000);
});
