import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParticipant } from '../../src/node/participants.js';
import { participantStore } from '../../src/store/index.js';
import { startTestNode } from '../support/node.js';
import { ids, type PactWorld, pactWorld } from './setup.js';
import { call, footprint, pactSchemas } from './support.js';

/**
 * What the PACT host does beyond the conformance cases: notices when a footprint changes, answers the operator
 * gives, retries with back-off, revocation, audit, secrets kept out of logs, one host per participant.
 */
let w: PactWorld;
let v3: Awaited<ReturnType<typeof pactSchemas>>;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  v3 = await pactSchemas('openapi_v3_0.yaml');
  w = await pactWorld();
  expect((await w.outbound('customer-a', true)).status).toBe(204);
  expect((await w.outbound('customer-b', false)).status).toBe(204);
  tokenA = await w.token(w.clients.a);
  tokenB = await w.token(w.clients.b);
});
afterAll(async () => w?.stop());

const created = (id: string, productId: string) => ({
  specversion: '1.0',
  id,
  source: w.receiver.url,
  time: '2026-12-06T10:30:00Z',
  type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
  data: { productId: [productId], comment: '今年度のPCFをお願いします' },
});
const answerTo = (eventId: string) => (e: { body: Record<string, unknown> }) =>
  (e.body.data as { requestEventId?: string }).requestEventId === eventId;

describe('the PACT host', () => {
  it('notifies entitled customers with a PublishedEvent when a footprint changes, and serves the new version', async () => {
    const changed = {
      ...footprint(ids.diesel, {
        product: 'urn:gtin:1234567890123',
        validFrom: '2023-01-15T10:15:30Z',
        validTo: '2025-12-31T00:00:00Z',
        description: '改訂版：再生可能ディーゼル',
      }),
    };
    const r = await w.mgmt('/pact/footprints', 'POST', { footprint: changed, audiences: ['customer-a'] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: ids.diesel, version: 2, notices: 1 });
    const notice = await w.receiver.next(
      (e) => e.body.type === 'org.wbcsd.pact.ProductFootprint.PublishedEvent.3',
    );
    expect(v3.schema('PublishedEvent')(notice.body)).toEqual([]);
    expect(notice.body.data).toEqual({ pfIds: [ids.diesel] });
    const latest = await w.get(`/3/footprints/${ids.diesel}`, tokenA);
    expect((latest.body.data as { productDescription: string }).productDescription).toBe(
      '改訂版：再生可能ディーゼル',
    );
  });

  it('keeps a request for the operator when the customer is not auto-answered, and sends the answer given', async () => {
    const r = await w.post('/3/events', tokenB, created('manual-1', 'urn:gtin:4712345060507'));
    expect(r.status).toBe(200);
    const pending = await w.mgmt('/pact/requests?state=pending');
    const request = (pending.body.items as { id: string; eventId: string; comment: string }[]).find(
      (x) => x.eventId === 'manual-1',
    );
    expect(request?.comment).toBe('今年度のPCFをお願いします');
    expect(w.receiver.received.some(answerTo('manual-1'))).toBe(false);
    // another customer's footprint cannot be sent to this one
    const wrong = await w.mgmt(`/pact/requests/${request?.id}/answer`, 'POST', { fulfil: [ids.diesel] });
    expect(wrong.status).toBe(400);
    const ok = await w.mgmt(`/pact/requests/${request?.id}/answer`, 'POST', { fulfil: [ids.otherCustomers] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.state).toBe('fulfilled');
    const got = await w.receiver.next(answerTo('manual-1'));
    expect(v3.schema('RequestFulfilledEvent')(got.body)).toEqual([]);
    expect((got.body.data as { pfs: { id: string }[] }).pfs.map((p) => p.id)).toEqual([ids.otherCustomers]);
    const twice = await w.mgmt(`/pact/requests/${request?.id}/answer`, 'POST', {
      reject: { code: 'NotFound', message: 'x' },
    });
    expect(twice.status).toBe(400);
  });

  it('retries an answer the customer’s host did not take, with back-off, until it does', async () => {
    w.receiver.failNext(2);
    const r = await w.post('/3/events', tokenA, created('retried-1', 'urn:gtin:1234567890456'));
    expect(r.status).toBe(200);
    const got = await w.receiver.next(answerTo('retried-1'));
    expect(w.receiver.failuresLeft()).toBe(0);
    expect((got.body.data as { pfs: { id: string }[] }).pfs.map((p) => p.id)).toEqual([ids.ethanol]);
    expect(w.node.logs()).toMatch(/"attempts":2,"permanent":false/);
  });

  it('gives up on an answer the customer’s host refuses, and says so on the request', async () => {
    w.receiver.failNext(1, 400);
    expect((await w.post('/3/events', tokenA, created('refused-1', 'urn:gtin:1234567890456'))).status).toBe(
      200,
    );
    const deadline = Date.now() + 20_000;
    let state: string | undefined;
    while (state !== 'undeliverable' && Date.now() < deadline) {
      const list = await w.mgmt('/pact/requests?limit=1000');
      state = (list.body.items as { eventId: string; state: string }[]).find(
        (x) => x.eventId === 'refused-1',
      )?.state;
      if (state !== 'undeliverable') await w.node.node.app.inject({ method: 'GET', url: '/health' }); // yield, bounded by the deadline
    }
    expect(state).toBe('undeliverable');
    expect(w.receiver.failuresLeft()).toBe(0);
    expect(w.receiver.received.some(answerTo('refused-1'))).toBe(false);
  });

  it('takes the same request event once', async () => {
    const event = created('dup-1', 'urn:gtin:1234567890456');
    expect((await w.post('/3/events', tokenA, event)).status).toBe(200);
    expect((await w.post('/3/events', tokenA, event)).status).toBe(200);
    await w.receiver.next(answerTo('dup-1'));
    const all = await w.mgmt('/pact/requests?limit=1000');
    expect((all.body.items as { eventId: string }[]).filter((x) => x.eventId === 'dup-1')).toHaveLength(1);
  });

  it('writes every footprint read to the audit log, naming the client', async () => {
    await w.get(`/3/footprints/${ids.ethanol}`, tokenB);
    const log = await participantStore(
      w.node.node.context.db,
      w.node.node.context.config.defaultParticipantId,
    ).auditLog({ action: 'pact.footprints.get', limit: 1000 });
    expect(
      log.some((e) => e.actor === `pact-client:${w.clients.b.clientId}` && e.resource_id === ids.ethanol),
    ).toBe(true);
  });

  it('never logs a client secret, an outbound secret or an access token', () => {
    const logs = w.node.logs();
    expect(logs).not.toContain(w.clients.a.clientSecret);
    expect(logs).not.toContain('シークレット-secret');
    expect(logs).not.toContain(tokenA);
  });

  it('stops a revoked client’s tokens at once, and lists clients without secrets', async () => {
    const extra = await w.mgmt('/pact/clients', 'POST', { customer: 'customer-c' });
    const c = extra.body as { clientId: string; clientSecret: string };
    const t = await w.token(c);
    expect((await w.get('/3/footprints', t)).status).toBe(200);
    expect((await w.mgmt(`/pact/clients/${c.clientId}`, 'DELETE')).status).toBe(204);
    expect((await w.get('/3/footprints', t)).status).toBe(400);
    expect(await w.token(c)).toBeUndefined();
    const list = await w.mgmt('/pact/clients');
    expect(JSON.stringify(list.body)).not.toContain(c.clientSecret);
    expect(
      (list.body as unknown as { clientId: string; revokedAt?: string }[]).find(
        (x) => x.clientId === c.clientId,
      )?.revokedAt,
    ).toBeDefined();
  });

  it('refuses a footprint missing what PACT v3 requires, keeping the one stored', async () => {
    const { pcf, ...rest } = footprint(ids.ethanol, { product: 'urn:gtin:1' });
    const r = await w.mgmt('/pact/footprints', 'POST', {
      footprint: { ...rest, pcf: { ...pcf, fossilGhgEmissions: undefined } },
      audiences: ['*'],
    });
    expect(r.status).toBe(400);
    expect((await w.get(`/3/footprints/${ids.ethanol}`, tokenA)).body?.data).toMatchObject({
      productIds: ['urn:gtin:1234567890456'],
    });
  });

  it('serves each participant its own PACT host under /p/<id>/pact; an unknown participant is 404', async () => {
    const ctx = w.node.node.context;
    const { apiKey } = await createParticipant(
      ctx.participants,
      { id: 'supplier-two', name: '第二供給者' },
      'system',
    );
    const mk = await call(`${w.node.node.url}/management/v1/pact/clients`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey.key, 'content-type': 'application/json' },
      body: JSON.stringify({ customer: 'customer-a' }),
    });
    const c = mk.body as { clientId: string; clientSecret: string };
    const base = `${w.node.node.url}/p/supplier-two/pact`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const there = await call(`${base}/auth/token`, {
      method: 'POST',
      headers: { authorization: w.basic(c), ...form },
      body: 'grant_type=client_credentials',
    });
    expect(there.status).toBe(200);
    const list = await call(`${base}/3/footprints`, {
      headers: { authorization: `Bearer ${there.body.access_token}` },
    });
    expect(list.body).toEqual({ data: [] }); // supplier-two published nothing, whatever the default participant did
    // its client is not a client of the default participant, nor its token
    const here = await call(`${w.base}/auth/token`, {
      method: 'POST',
      headers: { authorization: w.basic(c), ...form },
      body: 'grant_type=client_credentials',
    });
    expect(here.status).toBe(401);
    expect((await w.get('/3/footprints', there.body.access_token as string)).status).toBe(400);
    expect((await call(`${w.node.node.url}/p/nobody/pact/auth/token`, { method: 'POST' })).status).toBe(404);
  });
});

describe('bad input', () => {
  it('gets a 4xx in PACT’s error shape, never a 5xx, and changes nothing stored', async () => {
    const auth = { authorization: `Bearer ${tokenA}` };
    const before = await w.get('/3/footprints', tokenA);
    const answers = [
      await call(`${w.base}/3/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/cloudevents+json' },
        body: '{"specversion":',
      }),
      await call(`${w.base}/3/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/plain' },
        body: 'hello',
      }),
      await call(`${w.base}/3/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/cloudevents+json' },
        body: '[]',
      }),
      await w.post('/3/events', tokenA, {
        specversion: '1.0',
        id: 'z',
        source: w.receiver.url,
        time: 'now',
        type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
        data: {},
      }),
      await w.post('/3/events', tokenA, {
        specversion: '1.0',
        id: 'z',
        source: w.receiver.url,
        time: '2026-01-01T00:00:00Z',
        type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
        data: { validOn: 'soon' },
      }),
      await w.get(`/3/footprints/${'x'.repeat(300)}`, tokenA),
      await w.get('/3/footprints?limit=abc', tokenA),
      await w.get('/3/footprints?status=', tokenA),
      await call(`${w.base}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      }),
      await call(`${w.base}/auth/token`, {
        method: 'POST',
        headers: { authorization: 'Basic !!!', 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      }),
    ];
    for (const r of answers) {
      expect(r.status, r.text).toBeGreaterThanOrEqual(400);
      expect(r.status, r.text).toBeLessThan(500);
      expect(typeof (r.body.code ?? r.body.error), r.text).toBe('string');
    }
    const huge = await w.get('/3/footprints?limit=100000', tokenA);
    expect(huge.status).toBe(200);
    expect((await w.get('/3/footprints', tokenA)).body).toEqual(before.body);
  });
});

describe('a node serving plain HTTP', () => {
  it('gives no PACT token and no data: AccessDenied', async () => {
    const node = await startTestNode();
    try {
      const r = await fetch(`${node.node.url}/pact/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(r.status).toBe(403);
      expect(await r.json()).toEqual({
        code: 'AccessDenied',
        message: 'the PACT API is served over HTTPS only',
      });
    } finally {
      await node.stop();
    }
  });
});
