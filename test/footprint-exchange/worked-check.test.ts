import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testFetch } from '../support/node.js';
import {
  api,
  type Company,
  company,
  eventually,
  ok,
  outboxReaches,
  packLinkedTo,
  requests,
  resultOf,
  supplierCell,
} from './support.js';

/**
 * The worked check across two real nodes: the pack maker A asks the cell maker B through B's footprint
 * exchange; B answers unattended (auto-link on its product id) with a signed per-unit aggregate; A verifies it
 * and aggregates: 80.5 kgCO2e per pack, TeR(pre) 1.71429, primary data share 57.14 %.
 */
describe('footprint exchange between two nodes: the worked check', () => {
  let a: Company;
  let b: Company;

  beforeAll(async () => {
    [a, b] = await Promise.all([company(), company({ autoLink: true })]);
    await supplierCell(b, 'cell-01');
    await packLinkedTo(a, b, 'urn:pact:b.example:cell-01', '親品番,子品番,数量,単位');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('asks, gets a signed answer, verifies it and aggregates 80.5 / 1.71429 / 57.14 %', async () => {
    const before = await resultOf(a, 'A');
    expect(before.partial).toBe(true);
    expect(before.flags).toContainEqual({
      code: 'supplier-answer-missing',
      part: 'A1',
      supplier: { did: b.did, part: 'urn:pact:b.example:cell-01' },
    });

    await ok(a, 'POST', '/footprint/requests', {
      traceId: 'A1',
      message: '年度報告用にお願いします',
      dueDate: '2026-12-31',
    });
    await outboxReaches(a, 'A1', 'answered');

    const inbox = await requests(b, 'inbox');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      status: 'answered',
      traceId: 'cell-01',
      partRef: 'urn:pact:b.example:cell-01',
    });

    const r = await resultOf(a, 'A');
    expect(r.partial).toBe(false);
    expect(r.footprint?.stages.pre).toMatchObject({ own: '3', components: '7.5' });
    expect(r.footprint?.stages.main).toMatchObject({ own: '20', components: '50' });
    const s = r.footprint?.stages;
    expect(
      s && [s.pre.own, s.pre.components, s.main.own, s.main.components].map(Number).reduce((x, y) => x + y),
    ).toBe(80.5);
    expect(r.footprint?.stages.pre.dqr.TeR).toBe('1.71429');
    expect(r.footprint?.primaryDataShare).toBe('57.14');
    expect(r.flags).toEqual([]);
  }, 60_000);

  it("shows the answer only to the customer that asked: not in anyone else's catalog", async () => {
    const published = await ok<{ assetId: string; customerDid: string; jws: string }[]>(
      b,
      'GET',
      '/footprint/published',
    );
    expect(published).toHaveLength(1);
    const assetId = published[0]?.assetId ?? '';
    // A sees its footprint product in B's catalog; B itself is asked as another participant would be.
    const seenByA = await api<{ dataset?: unknown }>(a, 'POST', '/catalog/request', {
      counterpartyAddress: b.node.url,
      counterpartyId: b.did,
    });
    expect(JSON.stringify(seenByA.body)).toContain(assetId);
    // A can take it as any data product: negotiate its offer, start a pull, read the signed footprint.
    const negotiated = await api<{ id: string }>(a, 'POST', '/negotiations', {
      counterpartyAddress: b.node.url,
      counterpartyId: b.did,
      datasetId: assetId,
      offerId: `offer-${assetId}`,
    });
    expect(negotiated.status).toBe(201);
    const agreement = await eventually(
      'agreement for the footprint product',
      async () =>
        (
          await api<{ state: string; agreementId?: string }>(
            a,
            'GET',
            `/negotiations/${encodeURIComponent(negotiated.body.id)}`,
          )
        ).body,
      (n) => n.state === 'FINALIZED',
    );
    const transfer = await api<{ id: string }>(a, 'POST', '/transfers', {
      agreementId: agreement.agreementId,
    });
    expect(transfer.status).toBe(201);
    await eventually(
      'transfer started',
      async () =>
        (await api<{ state: string }>(a, 'GET', `/transfers/${encodeURIComponent(transfer.body.id)}`)).body,
      (t) => t.state === 'STARTED',
    );
    const edr = await ok<{ endpoint: string; authorization: string }>(
      a,
      'GET',
      `/transfers/${encodeURIComponent(transfer.body.id)}/edr`,
    );
    const pulled = await testFetch(edr.endpoint, {
      headers: { authorization: `Bearer ${edr.authorization}` },
    });
    expect(pulled.status).toBe(200);
    expect(await pulled.text()).toBe(published[0]?.jws);
    const other = await company();
    try {
      // Nobody else can even ask for it: the dataset is not there for them.
      const refused = await api(other, 'POST', '/negotiations', {
        counterpartyAddress: b.node.url,
        counterpartyId: b.did,
        datasetId: assetId,
        offerId: `offer-${assetId}`,
      });
      expect(refused.status).toBe(400);
      const seenByOther = await api(other, 'POST', '/catalog/request', {
        counterpartyAddress: b.node.url,
        counterpartyId: b.did,
      });
      expect(seenByOther.status).toBe(200);
      expect(JSON.stringify(seenByOther.body)).toContain('footprint-exchange');
      expect(JSON.stringify(seenByOther.body)).not.toContain(assetId);
    } finally {
      await other.stop();
    }
  }, 60_000);
});
