import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids, type PactWorld, pactWorld } from './setup.js';
import { call, pactSchemas } from './support.js';

/**
 * The official PACT v2.x conformance cases (shared/pact/v2-test-cases-expected-results.md) against the v2.3 view
 * of the same node: every response validated against openapi_v2_3.yaml; footprints v2.3 cannot express honestly
 * are refused, losses flagged.
 */
let w: PactWorld;
let v2: Awaited<ReturnType<typeof pactSchemas>>;
let token: string;

beforeAll(async () => {
  v2 = await pactSchemas('openapi_v2_3.yaml');
  w = await pactWorld();
  expect((await w.outbound('customer-a', true)).status).toBe(204);
  token = await w.token(w.clients.a);
});
afterAll(async () => w?.stop());

describe('PACT v2.3 (#1 – #21)', () => {
  it('#1 #2 share the token endpoint: a token for good credentials, invalid_client otherwise', async () => {
    expect(token).toMatch(/^ey/);
    const bad = await call(`${w.base}/auth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('nobody:wrong').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect([400, 401]).toContain(bad.status);
    expect(bad.body.error).toBe('invalid_client');
  });

  it('#3 returns a footprint mapped to v2.3, schema-valid, losses flagged', async () => {
    const r = await w.get(`/2/footprints/${ids.diesel}`, token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(v2.get(r.body)).toEqual([]);
    expect(r.body.data).toMatchObject({
      id: ids.diesel,
      specVersion: '2.3.0',
      version: 1,
      productCategoryCpc: '46410',
      pcf: { declaredUnit: 'kilogram', pCfExcludingBiogenic: '77', characterizationFactors: 'AR6' },
    });
    // The v3-only field the footprint has is named as lost
    expect(decodeURIComponent(r.headers.get('x-musubi-pact-losses') ?? '')).toMatch(
      /v3-only fields left out/,
    );
  });

  it('#4 lists the entitled footprints v2.3 can express (the one declared in pieces is left out)', async () => {
    const r = await w.get('/2/footprints', token);
    expect(r.status).toBe(200);
    expect(v2.list(r.body)).toEqual([]);
    const listed = ((r.body.data ?? []) as { id: string }[]).map((p) => p.id).sort();
    expect(listed).toEqual([ids.diesel, ids.ethanol, ids.biodiesel].sort());
    const pieces = await w.get(`/2/footprints/${ids.pieces}`, token);
    expect(pieces.status).toBe(400);
    expect(v2.error(pieces.body)).toEqual([]);
    expect(pieces.body.message).toMatch(/declared unit piece does not exist in PACT v2\.3/);
    expect((await w.get(`/3/footprints/${ids.pieces}`, token)).status).toBe(200);
  });

  it('#5 paginates with absolute next links', async () => {
    const first = await w.get('/2/footprints?limit=1', token);
    expect(v2.list(first.body)).toEqual([]);
    const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/pact\/2\/footprints\?/);
    const second = await w.get(next as string, token);
    expect(second.status).toBe(200);
    expect(v2.list(second.body)).toEqual([]);
    expect(((second.body.data ?? []) as { id: string }[])[0]?.id).not.toBe(
      ((first.body.data ?? []) as { id: string }[])[0]?.id,
    );
  });

  it('#6 #7 #16 refuse an invalid token', async () => {
    for (const r of [
      await w.get('/2/footprints', 'invalid-access-token'),
      await w.get(`/2/footprints/${ids.diesel}`, 'invalid-access-token'),
      await w.post('/2/events', 'invalid-access-token', { specversion: '1.0' }),
    ]) {
      expect([400, 401]).toContain(r.status);
      expect(v2.error(r.body)).toEqual([]);
    }
  });

  it('#8 answers 404 for an unknown id', async () => {
    const r = await w.get('/2/footprints/non-existent-id', token);
    expect(r.status).toBe(404);
    expect(v2.error(r.body)).toEqual([]);
  });

  it('#12 #13 answers a v2 request (a ProductFootprint fragment) with a Fulfilled.v1 event of v2.3 footprints', async () => {
    const r = await w.post('/2/events', token, {
      specversion: '1.0',
      id: 'v2-run-13',
      source: w.receiver.url,
      time: '2023-05-19T10:30:00Z',
      type: 'org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1',
      data: {
        pf: { productIds: ['urn:gtin:1234567890123'] },
        comment: 'Please send PCF data for this year.',
      },
    });
    expect(r.status).toBe(200);
    const got = await w.receiver.next(
      (e) => (e.body.data as { requestEventId?: string }).requestEventId === 'v2-run-13',
    );
    expect(got.path).toBe('/2/events');
    expect(v2.schema('RequestFulfilledEvent')(got.body)).toEqual([]);
    expect(got.body.type).toBe('org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1');
    const pfs = (got.body.data as { pfs: Record<string, unknown>[] }).pfs;
    expect(pfs.map((p) => [p.id, p.specVersion])).toEqual([[ids.diesel, '2.3.0']]);
    for (const pf of pfs) expect(v2.schema('ProductFootprint')(pf)).toEqual([]);
  });

  it('#14.A #14.B rejects a v2 request for an unknown product with a Rejected.v1 event (sent to /3/events, as the case does)', async () => {
    const r = await w.post('/3/events', token, {
      specversion: '1.0',
      id: 'v2-run-14',
      source: w.receiver.url,
      time: '2023-05-19T10:30:00Z',
      type: 'org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1',
      data: { productId: ['urn:null'], comment: 'Please send PCF data for this year.' },
    });
    expect(r.status).toBe(200);
    const got = await w.receiver.next(
      (e) => (e.body.data as { requestEventId?: string }).requestEventId === 'v2-run-14',
    );
    expect(got.path).toBe('/2/events');
    expect(v2.schema('RequestRejectedEvent')(got.body)).toEqual([]);
    expect(got.body.type).toBe('org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1');
    expect((got.body.data as { error: { code: string } }).error.code).toBe('NotFound');
  });

  it('#15 accepts a Published.v1 notice', async () => {
    const r = await w.post('/2/events', token, {
      type: 'org.wbcsd.pathfinder.ProductFootprint.Published.v1',
      specversion: '1.0',
      id: '123e4567-e89b-12d3-a456-426614174000',
      source: 'https://webhook.example.com',
      time: '2023-05-19T11:30:00Z',
      data: { pfIds: ['urn:gtin:4712345060507'] },
    });
    expect(r.status).toBe(200);
  });

  it('#9 #10 #11 #17 never answer plain HTTP with a token or data', async () => {
    const plain = w.base.replace('https:', 'http:');
    for (const path of ['/auth/token', '/2/footprints', `/2/footprints/${ids.diesel}`, '/2/events']) {
      const outcome = await fetch(`${plain}${path}`, {
        method: path.includes('footprints') ? 'GET' : 'POST',
      }).then(
        async (res) => await res.text(),
        (e: Error) => `rejected: ${e.message}`,
      );
      expect(outcome).not.toMatch(/access_token|"data"/);
    }
  });

  it('#20 says the OData $filter is not implemented (an optional case), in PACT’s error shape', async () => {
    const r = await w.get(
      `/2/footprints?${new URLSearchParams({ $filter: "created ge '2023-01-15T10:15:30Z'" })}`,
      token,
    );
    expect(r.status).toBe(501);
    expect(v2.error(r.body)).toEqual([]);
    expect(r.body.code).toBe('NotImplemented');
  });

  it('#21 refuses a POST to the footprint list with 400', async () => {
    const r = await call(
      `${w.base}/2/footprints?${new URLSearchParams({ $filter: "created ge '2023-01-15T10:15:30Z'" })}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(r.status).toBe(400);
    expect(v2.error(r.body)).toEqual([]);
  });
});
