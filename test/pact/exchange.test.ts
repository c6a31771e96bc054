import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PactWorld, pactWorld } from './setup.js';
import { footprint, pactSchemas } from './support.js';

/**
 * PACT as an interface onto the footprint exchange: a supplier node (HTTPS, test CA) with a part and its BOM,
 * auto-link on; a PACT client bound to its customer's DID asks with a RequestCreatedEvent, the exchange links,
 * aggregates and publishes, and the answer reaches the customer's PACT host as a RequestFulfilledEvent. Only that
 * customer's clients see the footprint.
 */
let w: PactWorld;
let v3: Awaited<ReturnType<typeof pactSchemas>>;
const makerDid = 'did:web:maker.example:p:maker';
const product = 'urn:pact:cells.example:product:pack-50ah';
let maker: { clientId: string; clientSecret: string };
let other: { clientId: string; clientSecret: string };
let tokenMaker: string;
let tokenOther: string;
let tokenUnbound: string;

// Own emissions per unit with every field PACT v3 requires (so the published aggregate maps to PACT v3)
const scope = {
  referencePeriodStart: '2025-04-01T00:00:00Z',
  referencePeriodEnd: '2026-04-01T00:00:00Z',
  ipccCharacterizationFactors: ['AR6'],
  crossSectoralStandards: ['ISO14067', 'GHGP-Product'],
  exemptedEmissionsPercent: '0',
  packagingEmissionsIncluded: false,
  geographyCountry: 'JP',
};
const own = (pre: string, main: string, pcf: string, fossil: string) => ({
  pre: { emissions: pre, dqr: { TeR: '2', GeR: '2', TiR: '2' } },
  main: { emissions: main, dqr: { TeR: '2', GeR: '2', TiR: '2' } },
  pcf: {
    pcfExcludingBiogenicUptake: pcf,
    pcfIncludingBiogenicUptake: pcf,
    fossilGhgEmissions: fossil,
    fossilCarbonContent: '0',
  },
  primaryDataShare: '50',
  ...scope,
});
const pack = { pre: 3, main: 20 };
const cell = { pre: 1.5, main: 10, perPack: 5 };

const created = (id: string, productId: string) => ({
  specversion: '1.0',
  id,
  source: w.receiver.url,
  time: '2026-12-06T10:30:00Z',
  type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
  data: { productId: [productId], comment: '電池パックのPCFをお願いします' },
});
const answerTo = (eventId: string) => (e: { body: Record<string, unknown> }) =>
  (e.body.data as { requestEventId?: string }).requestEventId === eventId;
type Pf = { id: string; productIds: string[]; status: string; pcf: Record<string, string> };

beforeAll(async () => {
  v3 = await pactSchemas('openapi_v3_0.yaml');
  w = await pactWorld();
  const ok = async (path: string, method: string, body: unknown) => {
    const r = await w.mgmt(path, method, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  await ok('/footprint/settings', 'PUT', { autoLink: true });
  await ok('/footprint/parts/cell', 'PUT', {
    name: '角形セル',
    unit: 'kg',
    leaf: true,
    own: own(String(cell.pre), String(cell.main), String(cell.pre + cell.main), String(cell.pre + cell.main)),
  });
  await ok('/footprint/parts/pack', 'PUT', {
    name: '電池パック 50Ah',
    unit: 'piece',
    massPerUnit: '6',
    productIds: [product],
    own: own(String(pack.pre), String(pack.main), String(pack.pre + pack.main), String(pack.pre + pack.main)),
  });
  await ok('/footprint/bom', 'POST', {
    format: 'csv',
    text: `parent,child,quantity,unit\npack,cell,${cell.perPack},kg\n`,
  });
  maker = (await ok('/pact/clients', 'POST', { customer: 'maker', customerDid: makerDid })) as typeof maker;
  other = (await ok('/pact/clients', 'POST', {
    customer: 'other-maker',
    customerDid: 'did:web:other.example',
  })) as typeof other;
  expect((await w.outbound('maker', false)).status).toBe(204);
  tokenMaker = await w.token(maker);
  tokenOther = await w.token(other);
  tokenUnbound = await w.token(w.clients.b);
}, 60_000);
afterAll(async () => w?.stop());

describe('PACT onto the footprint exchange', () => {
  let pfId: string;

  it('binds a client to the customer DID, once per DID', async () => {
    const list = await w.mgmt('/pact/clients');
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ clientId: maker.clientId, customer: 'maker', customerDid: makerDid }),
      ]),
    );
    const taken = await w.mgmt('/pact/clients', 'POST', { customer: 'someone-else', customerDid: makerDid });
    expect(taken.status).toBe(400);
    const bad = await w.mgmt('/pact/customers/maker/did', 'PUT', { did: 'not a did' });
    expect(bad.status).toBe(400);
  });

  it('turns a RequestCreatedEvent into an exchange request; the answer comes back as RequestFulfilledEvent with the aggregate', async () => {
    const posted = await w.post('/3/events', tokenMaker, created('ask-pack-1', product));
    expect(posted.status, posted.text).toBe(200);
    const inbox = await w.mgmt('/footprint/requests?direction=inbox');
    const request = (
      inbox.body as unknown as { eventId: string; counterpartyDid: string; partRef: string }[]
    ).find((r) => r.eventId === 'ask-pack-1');
    expect(request).toMatchObject({ counterpartyDid: makerDid, partRef: product });
    const got = await w.receiver.next(answerTo('ask-pack-1'));
    expect(got.body.type).toBe('org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3');
    expect(v3.schema('RequestFulfilledEvent')(got.body)).toEqual([]);
    const [pf] = (got.body.data as { pfs: Pf[] }).pfs;
    expect(pf?.productIds).toEqual([product]);
    // own per pack + 5 kg of cells at their own per kg: 23 + 5 × 11.5
    const expected = pack.pre + pack.main + cell.perPack * (cell.pre + cell.main);
    expect(Number(pf?.pcf.pcfExcludingBiogenicUptake)).toBe(expected);
    expect(Number(pf?.pcf.fossilGhgEmissions)).toBe(expected);
    // the same footprint the exchange published for the customer's DID
    const published = await w.mgmt(`/footprint/published?customer=${encodeURIComponent(makerDid)}`);
    const ids = (published.body as unknown as { id: string; status: string }[]).map((p) => p.id);
    expect(ids).toEqual([`urn:uuid:${pf?.id}`]);
    pfId = pf?.id ?? '';
    const kept = await w.mgmt('/pact/requests?state=fulfilled&limit=1000');
    expect((kept.body.items as { eventId: string }[]).some((r) => r.eventId === 'ask-pack-1')).toBe(true);
  });

  it('lists and gets it for that client, with filters and pagination, valid against the PACT v3 schema', async () => {
    const list = await w.get('/3/footprints', tokenMaker);
    expect(list.status).toBe(200);
    expect(v3.list(list.body)).toEqual([]);
    expect((list.body.data as Pf[]).map((p) => p.id)).toContain(pfId);
    const filtered = await w.get(
      `/3/footprints?productId=${encodeURIComponent(product)}&geography=JP`,
      tokenMaker,
    );
    expect((filtered.body.data as Pf[]).map((p) => p.id)).toEqual([pfId]);
    const none = await w.get(
      `/3/footprints?productId=${encodeURIComponent(product)}&geography=FR`,
      tokenMaker,
    );
    expect(none.body.data).toEqual([]);
    const one = await w.get(`/3/footprints/${pfId}`, tokenMaker);
    expect(one.status).toBe(200);
    expect(v3.get(one.body)).toEqual([]);
    expect((one.body.data as Pf).productIds).toEqual([product]);
  });

  it('pages through the exchange’s footprints and those seeded into the PACT store together, each once in id order', async () => {
    const seeded = footprint('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', { product: 'urn:gtin:4901234567894' });
    const later = footprint('ffffffff-4e5f-4a6b-8c7d-9e0f1a2b3c4d', { product: 'urn:gtin:4901234567895' });
    for (const f of [seeded, later])
      expect((await w.mgmt('/pact/footprints', 'POST', { footprint: f, audiences: ['maker'] })).status).toBe(
        201,
      );
    const seen: string[] = [];
    let next: string | undefined = '/3/footprints?limit=1';
    while (next) {
      const page = await w.get(next, tokenMaker);
      expect(page.status).toBe(200);
      expect(v3.list(page.body)).toEqual([]);
      seen.push(...(page.body.data as Pf[]).map((p) => p.id));
      next = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
      expect(seen.length).toBeLessThan(10);
    }
    const all = ((await w.get('/3/footprints?limit=1000', tokenMaker)).body.data as Pf[]).map((p) => p.id);
    expect(all).toEqual(expect.arrayContaining([seeded.id, pfId, later.id]));
    expect(seen).toEqual([...all].sort());
    const onlyTheirs = await w.get(
      `/3/footprints?productId=${encodeURIComponent(product)}&limit=1`,
      tokenMaker,
    );
    expect((onlyTheirs.body.data as Pf[]).map((p) => p.id)).toEqual([pfId]);
    expect(onlyTheirs.headers.get('link')).toBeNull();
  });

  it('shows it to no other client: another bound customer and an unbound one get nothing of it', async () => {
    for (const token of [tokenOther, tokenUnbound]) {
      const list = await w.get('/3/footprints', token);
      expect((list.body.data as Pf[]).map((p) => p.id)).not.toContain(pfId);
      const one = await w.get(`/3/footprints/${pfId}`, token);
      expect(one.status).toBe(404);
      expect(v3.error(one.body)).toEqual([]);
      expect(one.body.code).toBe('NotFound');
    }
  });

  it('sends a PublishedEvent when the exchange publishes a new version for the customer', async () => {
    const before = new Set(
      ((await w.get('/3/footprints?limit=1000', tokenMaker)).body.data as Pf[]).map((p) => p.id),
    );
    const r = await w.mgmt('/footprint/parts/pack', 'PUT', {
      name: '電池パック 50Ah',
      unit: 'piece',
      massPerUnit: '6',
      productIds: [product],
      own: own('4', String(pack.main), String(4 + pack.main), String(4 + pack.main)),
    });
    expect(r.status).toBe(200);
    const notice = await w.receiver.next(
      (e) =>
        e.body.type === 'org.wbcsd.pact.ProductFootprint.PublishedEvent.3' &&
        !before.has((e.body.data as { pfIds: string[] }).pfIds[0] ?? ''),
    );
    expect(v3.schema('PublishedEvent')(notice.body)).toEqual([]);
    const [newId] = (notice.body.data as { pfIds: string[] }).pfIds;
    expect(newId).not.toBe(pfId);
    const latest = await w.get(`/3/footprints/${newId}`, tokenMaker);
    expect(latest.body.data).toMatchObject({ status: 'Active', precedingPfIds: [pfId] });
    expect(Number((latest.body.data as Pf).pcf.pcfExcludingBiogenicUptake)).toBe(
      4 + pack.main + cell.perPack * (cell.pre + cell.main),
    );
    const old = await w.get(`/3/footprints/${pfId}`, tokenMaker);
    expect((old.body.data as Pf).status).toBe('Deprecated');
  });

  it('answers a request the operator rejects in the exchange with a RequestRejectedEvent', async () => {
    const posted = await w.post(
      '/3/events',
      tokenMaker,
      created('ask-unknown-1', 'urn:pact:cells.example:product:nope'),
    );
    expect(posted.status).toBe(200);
    const inbox = await w.mgmt('/footprint/requests?direction=inbox');
    const request = (inbox.body as unknown as { id: string; eventId: string; status: string }[]).find(
      (r) => r.eventId === 'ask-unknown-1',
    );
    expect(request?.status).toBe('requested'); // nothing to auto-link it to
    const rejected = await w.mgmt(
      `/footprint/requests/${encodeURIComponent(request?.id ?? '')}/reject`,
      'POST',
      {
        reply: 'この製品は取り扱っていません',
      },
    );
    expect(rejected.status, rejected.text).toBe(200);
    const got = await w.receiver.next(answerTo('ask-unknown-1'));
    expect(v3.schema('RequestRejectedEvent')(got.body)).toEqual([]);
    expect(got.body.data).toMatchObject({ error: { message: 'この製品は取り扱っていません' } });
  });
});
