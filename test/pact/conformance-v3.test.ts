import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids, type PactWorld, pactWorld } from './setup.js';
import { call, pactSchemas, type Validate } from './support.js';

/**
 * The official PACT v3.0 conformance cases (shared/pact/v3-test-cases-expected-results.md), re-implemented
 * against a node over HTTPS with a test CA; every response is validated against openapi_v3_0.yaml, and the
 * asynchronous answers (#13, #14.B) are received by the customer's own PACT host on loopback.
 */
let w: PactWorld;
let v3: Awaited<ReturnType<typeof pactSchemas>>;
let tokenA: string;
let tokenB: string;

const listOf = async (query: string, bearer = tokenA) => {
  const r = await w.get(`/3/footprints${query}`, bearer);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(v3.list(r.body)).toEqual([]);
  return ((r.body.data ?? []) as { id: string }[]).map((pf) => pf.id).sort();
};
const isError = (body: unknown, validate: Validate) => expect(validate(body)).toEqual([]);

beforeAll(async () => {
  v3 = await pactSchemas('openapi_v3_0.yaml');
  w = await pactWorld();
  expect((await w.outbound('customer-a', true)).status).toBe(204);
  tokenA = await w.token(w.clients.a);
  tokenB = await w.token(w.clients.b);
});
afterAll(async () => w?.stop());

describe('PACT v3 authentication (#1, #2, #18, #19)', () => {
  it('#1 issues a bearer token for valid client credentials', async () => {
    const r = await call(`${w.base}/auth/token`, {
      method: 'POST',
      headers: { authorization: w.basic(w.clients.a), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: expect.any(String),
    });
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('#2 refuses a wrong secret with invalid_client (RFC 6749 §5.2), and a wrong grant type', async () => {
    const wrong = { ...w.clients.a, clientSecret: `${w.clients.a.clientSecret}x` };
    const r = await call(`${w.base}/auth/token`, {
      method: 'POST',
      headers: { authorization: w.basic(wrong), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect([400, 401]).toContain(r.status);
    expect(r.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    expect(r.body).not.toHaveProperty('access_token');
    const grant = await call(`${w.base}/auth/token`, {
      method: 'POST',
      headers: { authorization: w.basic(w.clients.a), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password',
    });
    expect(grant.status).toBe(400);
    expect(grant.body.error).toBe('unsupported_grant_type');
    const media = await call(`${w.base}/auth/token`, {
      method: 'POST',
      headers: { authorization: w.basic(w.clients.a), 'content-type': 'text/plain' },
      body: 'grant_type=client_credentials',
    });
    expect(media.status).toBe(400);
    expect(media.body.error).toBe('invalid_request');
  });

  it('#18 #19 publishes OpenID Connect discovery whose token endpoint works and refuses wrong credentials', async () => {
    const d = await call(`${w.base}/.well-known/openid-configuration`);
    expect(d.status).toBe(200);
    const tokenEndpoint = d.body.token_endpoint as string;
    expect(tokenEndpoint).toBe(`${w.base}/auth/token`.replace('127.0.0.1', '127.0.0.1'));
    const ok = await call(tokenEndpoint, {
      method: 'POST',
      headers: { authorization: w.basic(w.clients.b), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(ok.status).toBe(200);
    const bad = await call(tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('nobody:nothing').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect([400, 401]).toContain(bad.status);
    expect(bad.body.error).toBe('invalid_client');
  });
});

describe('PACT v3 footprints (#3 – #8)', () => {
  it('#3 returns one footprint by id, schema-valid', async () => {
    const r = await w.get(`/3/footprints/${ids.diesel}`, tokenA);
    expect(r.status).toBe(200);
    expect(v3.get(r.body)).toEqual([]);
    expect(r.body.data).toMatchObject({ id: ids.diesel, productIds: ['urn:gtin:1234567890123'] });
  });

  it('#4 lists exactly the footprints the client is entitled to (its own and the public ones)', async () => {
    expect(await listOf('')).toEqual([ids.diesel, ids.ethanol, ids.biodiesel, ids.pieces].sort());
    expect(await listOf('', tokenB)).toEqual([ids.ethanol, ids.otherCustomers].sort());
  });

  it('#5 paginates with an absolute RFC 8288 next link on the request host, reusable', async () => {
    const seen: string[] = [];
    let next: string | undefined = `${w.base}/3/footprints?limit=2`;
    const links: string[] = [];
    while (next) {
      const r = await w.get(next, tokenA);
      expect(r.status).toBe(200);
      expect(v3.list(r.body)).toEqual([]);
      const data = r.body.data as { id: string }[];
      expect(data.length).toBeLessThanOrEqual(2);
      seen.push(...data.map((d) => d.id));
      const link = r.headers.get('link');
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      if (link) {
        expect(next, link).toBeDefined();
        expect(new URL(next as string).host).toBe(new URL(w.base).host);
        links.push(next as string);
      }
    }
    expect(seen.sort()).toEqual([ids.diesel, ids.ethanol, ids.biodiesel, ids.pieces].sort());
    expect(links.length).toBe(1);
    // The link names the last id seen, not a time: called again (any time later) it gives the same page.
    const again = await w.get(links[0] as string, tokenA);
    const first = await w.get(links[0] as string, tokenA);
    expect(again.body).toEqual(first.body);
  });

  it('#6 #7 refuse an invalid token with 400/401 and a PACT error', async () => {
    for (const path of ['/3/footprints', `/3/footprints/${ids.diesel}`]) {
      const r = await w.get(path, 'invalid-access-token');
      expect([400, 401]).toContain(r.status);
      isError(r.body, v3.error);
      expect(r.body).toEqual({ code: 'BadRequest', message: 'Invalid token provided' });
    }
  });

  it('#8 answers 404 NotFound for an unknown id, and the same for another customer’s footprint', async () => {
    const r = await w.get('/3/footprints/non-existent-id', tokenA);
    expect(r.status).toBe(404);
    isError(r.body, v3.error);
    expect(r.body).toEqual({
      code: 'NotFound',
      message: "Footprint with ID 'non-existent-id' does not exist",
    });
    const other = await w.get(`/3/footprints/${ids.otherCustomers}`, tokenA);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('NotFound');
  });
});

describe('PACT v3 over plain HTTP (#9, #10, #11, #17)', () => {
  it('rejects the connection: the port speaks TLS only', async () => {
    const plain = w.base.replace('https:', 'http:');
    for (const [path, method] of [
      ['/auth/token', 'POST'],
      ['/3/footprints', 'GET'],
      [`/3/footprints/${ids.diesel}`, 'GET'],
      ['/3/events', 'POST'],
    ] as const) {
      const outcome = await fetch(`${plain}${path}`, {
        method,
        headers: { authorization: w.basic(w.clients.a) },
      }).then(
        async (res) => ({ status: res.status, text: await res.text() }),
        (e: Error) => ({ error: e.message }),
      );
      // either the connection is rejected, or the answer carries no token and no data
      const safe = 'error' in outcome || !/access_token|"data"/.test(outcome.text);
      expect(safe, JSON.stringify(outcome)).toBe(true);
    }
  });
});

describe('PACT v3 events (#12 – #17)', () => {
  const created = (id: string, data: Record<string, unknown>) => ({
    specversion: '1.0',
    id,
    source: w.receiver.url,
    time: '2023-05-19T10:30:00Z',
    type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
    data,
  });

  it('#12 #13 accepts a request and calls back with a RequestFulfilledEvent carrying the footprint', async () => {
    const r = await w.post(
      '/3/events',
      tokenA,
      created('test-run-id-12', {
        productId: ['urn:gtin:1234567890123'],
        comment: 'Please send PCF data for this year.',
      }),
    );
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const got = await w.receiver.next(
      (e) => (e.body.data as { requestEventId?: string }).requestEventId === 'test-run-id-12',
    );
    expect(got.path).toBe('/3/events');
    expect(got.contentType).toBe('application/cloudevents+json; charset=UTF-8');
    expect(v3.schema('RequestFulfilledEvent')(got.body)).toEqual([]);
    expect(got.body.type).toBe('org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3');
    expect((got.body.data as { pfs: { id: string }[] }).pfs.map((p) => p.id)).toEqual([ids.diesel]);
  });

  it('#14.A #14.B accepts a request for an unknown product and calls back with a RequestRejectedEvent', async () => {
    const r = await w.post('/3/events', tokenA, created('test-run-id-14', { productId: ['urn:null'] }));
    expect(r.status).toBe(200);
    const got = await w.receiver.next(
      (e) => (e.body.data as { requestEventId?: string }).requestEventId === 'test-run-id-14',
    );
    expect(v3.schema('RequestRejectedEvent')(got.body)).toEqual([]);
    expect(got.body.type).toBe('org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3');
    expect((got.body.data as { error: unknown }).error).toEqual({
      code: 'NotFound',
      message: 'The requested footprint could not be found.',
    });
  });

  it('#15 accepts a PublishedEvent', async () => {
    const r = await w.post('/3/events', tokenA, {
      type: 'org.wbcsd.pact.ProductFootprint.PublishedEvent.3',
      specversion: '1.0',
      id: '123e4567-e89b-12d3-a456-426614174000',
      source: 'https://webhook.example.com',
      time: '2023-05-19T11:30:00Z',
      data: { pfIds: ['urn:gtin:4712345060507'] },
    });
    expect(r.status).toBe(200);
  });

  it('#16 refuses an event with an invalid token', async () => {
    const r = await w.post('/3/events', 'invalid-access-token', created('x', { productId: ['urn:gtin:1'] }));
    expect([400, 401]).toContain(r.status);
    isError(r.body, v3.error);
  });

  it('refuses a request whose source is not an event URL registered for the client (no answers to arbitrary hosts)', async () => {
    const r = await w.post('/3/events', tokenA, {
      ...created('elsewhere', { productId: ['urn:gtin:1234567890123'] }),
      source: 'https://webhook.example.com',
    });
    expect(r.status).toBe(400);
    isError(r.body, v3.error);
    expect(r.body.message).toMatch(/not an event endpoint registered/);
  });

  it('refuses a malformed event and an unknown type with 400', async () => {
    const r = await w.post('/3/events', tokenA, {
      specversion: '1.0',
      id: 'x',
      type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
    });
    expect(r.status).toBe(400);
    isError(r.body, v3.error);
    const t = await w.post('/3/events', tokenA, { ...created('y', {}), type: 'org.example.Unknown' });
    expect(t.status).toBe(400);
  });
});

describe('PACT v3 filters (#20 – #40)', () => {
  const q = (params: [string, string][]) => `?${new URLSearchParams(params).toString()}`;
  const positive: [string, [string, string][], string[]][] = [
    ['#20 productId', [['productId', 'urn:gtin:1234567890123']], [ids.diesel]],
    [
      '#21 companyId',
      [['companyId', 'urn:uuid:abc12345-6789-4def-0123-456789abcdef']],
      [ids.diesel, ids.ethanol, ids.biodiesel, ids.pieces],
    ],
    ['#22 geography (country)', [['geography', 'DE']], [ids.diesel, ids.pieces]],
    ['#22 geography (region, any case)', [['geography', 'europe']], [ids.biodiesel]],
    [
      '#23 classification',
      [['classification', 'urn:eclass:0173-1#01-AAA123#005']],
      [ids.diesel, ids.biodiesel, ids.pieces],
    ],
    ['#24 validOn', [['validOn', '2023-01-15T10:15:30Z']], [ids.diesel]],
    [
      '#25 validAfter',
      [['validAfter', '2023-01-14T10:15:30Z']],
      [ids.diesel, ids.ethanol, ids.biodiesel, ids.pieces],
    ],
    [
      '#25 validAfter excludes a start equal to it',
      [['validAfter', '2023-01-15T10:15:30Z']],
      [ids.ethanol, ids.biodiesel, ids.pieces],
    ],
    ['#26 validBefore', [['validBefore', '2026-01-01T00:00:00Z']], [ids.diesel]],
    ['#27 status', [['status', 'Active']], [ids.diesel, ids.ethanol, ids.pieces]],
    ['#27 status Deprecated, any case', [['status', 'deprecated']], [ids.biodiesel]],
    [
      '#28 status AND productId',
      [
        ['status', 'Active'],
        ['productId', 'urn:gtin:1234567890123'],
      ],
      [ids.diesel],
    ],
    [
      '#29 companyId OR',
      [
        ['companyId', 'urn:uuid:abc12345-6789-4def-0123-456789abcdef'],
        ['companyId', 'urn:uuid:other-company'],
        ['companyId', 'urn:uuid:another-company'],
      ],
      [ids.diesel, ids.ethanol, ids.biodiesel, ids.pieces],
    ],
    [
      'productId OR, case-insensitive names and values',
      [
        ['productid', 'URN:GTIN:1234567890123'],
        ['productId', 'urn:gtin:1234567890456'],
      ],
      [ids.diesel, ids.ethanol],
    ],
  ];
  for (const [name, params, expected] of positive)
    it(`${name} matches`, async () => {
      expect(await listOf(q(params))).toEqual([...expected].sort());
    });

  const negative: [string, [string, string][]][] = [
    ['#30 productId', [['productId', 'urn:bogus:product:nonexistent123']]],
    ['#31 companyId', [['companyId', 'urn:bogus:company:nonexistent456']]],
    ['#32 geography', [['geography', 'XX']]],
    ['#33 classification', [['classification', 'urn:bogus:classification:nonexistent789']]],
    ['#34 validOn', [['validOn', '1900-01-01T00:00:00Z']]],
    ['#35 validAfter', [['validAfter', '2099-12-31T23:59:59Z']]],
    ['#36 validBefore', [['validBefore', '1900-01-01T00:00:00Z']]],
    ['#37 status', [['status', 'BogusStatusValue']]],
    [
      '#38 AND',
      [
        ['companyId', 'urn:bogus:company:5FIi8zS3'],
        ['productId', 'urn:bogus:product:nonexistent123'],
      ],
    ],
    [
      '#39 OR',
      [
        ['companyId', 'urn:bogus:company:nonexistent1'],
        ['companyId', 'urn:bogus:company:nonexistent2'],
        ['companyId', 'urn:bogus:company:nonexistent3'],
      ],
    ],
    ['another customer’s product', [['productId', 'urn:gtin:4712345060507']]],
  ];
  for (const [name, params] of negative)
    it(`${name} (negative) returns an empty list`, async () => {
      expect(await listOf(q(params))).toEqual([]);
    });

  it('#40 refuses the v2 $filter syntax with 400', async () => {
    const r = await w.get(
      `/3/footprints?${new URLSearchParams({ $filter: "created ge '2023-01-15T10:15:30Z'" })}`,
      tokenA,
    );
    expect(r.status).toBe(400);
    isError(r.body, v3.error);
  });

  it('refuses a date that is not a date-time', async () => {
    const r = await w.get('/3/footprints?validOn=yesterday', tokenA);
    expect(r.status).toBe(400);
    isError(r.body, v3.error);
  });
});
