import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Database,
  findPart,
  findRequest,
  footprintSettings,
  footprintsVisibleTo,
  insertParticipant,
  insertPublished,
  insertRequest,
  listBom,
  listParts,
  listPublished,
  listRequests,
  listTradeLinks,
  putFootprintSettings,
  putPart,
  putTradeLink,
  replaceBom,
  updateRequest,
} from '../../src/store/index.js';
import { freshDatabase, type TestDatabase, testEngines } from '../support/engines.js';

const at = '2026-12-06T00:00:00.000Z';

describe.each(testEngines())('footprint store on %s', (engine) => {
  let t: TestDatabase;
  let store: Database;

  beforeEach(async () => {
    t = await freshDatabase(engine);
    store = await t.open();
    for (const id of ['cell', 'pack'])
      await insertParticipant(store.db, { id, name: id, corporate_number: null, created_at: at });
  });
  afterEach(async () => {
    await store.close();
    await t.dispose();
  });

  it('keeps parts, BOM, links and settings per participant, decimals as written', async () => {
    const db = store.db;
    await putPart(db, 'cell', {
      traceId: 'C1',
      name: '正極材',
      unit: 'kg',
      leaf: false,
      massPerUnit: '0.10',
      productIds: ['urn:pact:cell:C1'],
      own: { traceId: 'C1', pre: { emissions: '1.50' }, main: { emissions: '10.0' } },
      createdAt: at,
      updatedAt: at,
    });
    await replaceBom(db, 'cell', [
      { parentTraceId: 'C1', childTraceId: 'X', quantity: '0.50', unit: 'kg', scrapRate: '0.05' },
      { parentTraceId: 'C1', childTraceId: 'X', quantity: '1', unit: 'kg' },
    ]);
    // A second import of the same parent replaces its lines, not adds to them.
    await replaceBom(db, 'cell', [{ parentTraceId: 'C1', childTraceId: 'Y', quantity: '2', unit: 'piece' }]);
    await putTradeLink(db, 'cell', {
      traceId: 'Y',
      supplierDid: 'did:web:s',
      supplierAddress: 'http://s',
      supplierPart: 'urn:s:Y',
      createdAt: at,
    });
    await putFootprintSettings(db, 'cell', { autoLink: true, approveBeforePublish: false }, at);

    expect(await findPart(db, 'cell', 'C1')).toMatchObject({ massPerUnit: '0.10', name: '正極材' });
    expect((await findPart(db, 'cell', 'C1'))?.own).toEqual({
      traceId: 'C1',
      pre: { emissions: '1.50' },
      main: { emissions: '10.0' },
    });
    expect(await listBom(db, 'cell')).toEqual([
      { parentTraceId: 'C1', childTraceId: 'Y', quantity: '2', unit: 'piece' },
    ]);
    expect((await listTradeLinks(db, 'cell')).map((l) => l.supplierPart)).toEqual(['urn:s:Y']);
    expect(await footprintSettings(db, 'cell')).toEqual({ autoLink: true, approveBeforePublish: false });
    expect(await footprintSettings(db, 'pack')).toEqual({ autoLink: false, approveBeforePublish: false });
    expect(await listParts(db, 'pack')).toEqual([]);
    expect(await listBom(db, 'pack')).toEqual([]);
    expect(await findPart(db, 'pack', 'C1')).toBeUndefined();
  });

  it('keeps requests in both directions and published versions, filtered per customer', async () => {
    const db = store.db;
    const request = {
      id: 'r1',
      direction: 'inbox' as const,
      eventId: 'e1',
      counterpartyDid: 'did:web:pack',
      partRef: 'urn:cell:C1',
      message: '至急お願いします',
      dueDate: '2026-12-31',
      status: 'requested' as const,
      event: { type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3', id: 'e1' },
      createdAt: at,
      updatedAt: at,
    };
    await insertRequest(db, 'cell', request);
    // The same event id from the same customer is one request.
    await expect(insertRequest(db, 'cell', { ...request, id: 'r2' })).rejects.toThrow();
    await updateRequest(db, 'cell', { ...request, status: 'answered', pfId: 'pf1', updatedAt: at });
    expect(await findRequest(db, 'cell', 'r1')).toMatchObject({ status: 'answered', pfId: 'pf1' });
    expect(await findRequest(db, 'pack', 'r1')).toBeUndefined();
    expect(await listRequests(db, 'cell', { direction: 'outbox' })).toEqual([]);
    for (const [id, customer] of [
      ['pf1', 'did:web:pack'],
      ['pf2', 'did:web:other'],
    ] as const)
      await insertPublished(db, 'cell', {
        id,
        requestId: 'r1',
        customerDid: customer,
        traceId: 'C1',
        productIds: ['urn:cell:C1'],
        version: 1,
        status: 'Active',
        precedingPfIds: [],
        document: { pcf: { pcfExcludingBiogenicUptake: '80.50000' } },
        jws: 'x.y.z',
        createdAt: at,
        updatedAt: at,
      });
    const seen = await listPublished(db, 'cell', { customerDid: 'did:web:pack' });
    expect(seen.map((p) => p.id)).toEqual(['pf1']);
    expect(seen[0]?.document).toEqual({ pcf: { pcfExcludingBiogenicUptake: '80.50000' } });
  });

  it('lists for the PACT host only what one customer may see: its own, signed, filtered', async () => {
    const db = store.db;
    const pf = (id: string, customer: string, status: 'Pending' | 'Active' | 'Deprecated', product: string) =>
      insertPublished(db, 'cell', {
        id,
        requestId: 'r',
        customerDid: customer,
        traceId: 'C1',
        productIds: [product],
        version: 1,
        status,
        precedingPfIds: [],
        document: { id },
        ...(status === 'Pending' ? {} : { jws: `jws-${id}` }),
        createdAt: at,
        updatedAt: at,
      });
    await pf('mine-1', 'did:web:pack', 'Deprecated', 'urn:p:1');
    await pf('mine-2', 'did:web:pack', 'Active', 'urn:p:2');
    await pf('held', 'did:web:pack', 'Pending', 'urn:p:2');
    await pf('theirs', 'did:web:other', 'Active', 'urn:p:2');
    const ids = async (f = {}) => (await footprintsVisibleTo(db, 'cell', 'did:web:pack', f)).map((p) => p.id);
    expect(await ids()).toEqual(['mine-1', 'mine-2']);
    expect(await ids({ status: ['Active'] })).toEqual(['mine-2']);
    expect(await ids({ productIds: ['urn:p:1'] })).toEqual(['mine-1']);
    expect(await footprintsVisibleTo(db, 'pack', 'did:web:pack')).toEqual([]);
    expect((await footprintsVisibleTo(db, 'cell', 'did:web:pack'))[1]?.jws).toBe('jws-mine-2');
  });
});
