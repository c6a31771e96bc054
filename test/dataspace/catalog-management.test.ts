import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dspErrors, dspSchemas } from '../support/dsp-schemas.js';
import { startTestNode, type TestNode } from '../support/node.js';

const ajv = dspSchemas();
let provider: TestNode;
let consumer: TestNode;
let isolated: TestNode;

const call = async (
  t: TestNode,
  method: 'POST' | 'PUT' | 'GET' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) =>
  t.node.app.inject({
    method,
    url: `/management/v1${url}`,
    headers: { 'x-api-key': t.apiKey, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });

const asset = (id: string, keywords: string[]) => ({
  id,
  title: `保全記録 ${id}`,
  description: 'プレス機の保全記録',
  contentType: 'text/csv',
  keywords,
  dataAddress: { type: 'HttpData', baseUrl: `https://internal.example/${id}` },
});

beforeAll(async () => {
  const loopback = { plainHttp: true, outboundAllow: ['127.0.0.1'] };
  [provider, consumer, isolated] = await Promise.all([
    startTestNode(loopback),
    startTestNode(loopback),
    startTestNode({ plainHttp: true }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([provider?.stop(), consumer?.stop(), isolated?.stop()]);
});

describe('management API: assets, policies, offers', () => {
  it('creates, reads, lists, updates and deletes a policy; a create with an Idempotency-Key is answered once', async () => {
    const body = {
      id: 'members',
      title: '会員限定',
      permission: [
        {
          action: 'use',
          constraint: [{ leftOperand: 'membership', operator: 'eq', rightOperand: '自動車部会' }],
        },
      ],
    };
    const first = await call(provider, 'POST', '/policies', body, { 'idempotency-key': 'k-1' });
    expect(first.statusCode).toBe(201);
    const again = await call(provider, 'POST', '/policies', body, { 'idempotency-key': 'k-1' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const reused = await call(
      provider,
      'POST',
      '/policies',
      { ...body, id: 'other' },
      { 'idempotency-key': 'k-1' },
    );
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('idempotency.key-reused');
    const duplicate = await call(provider, 'POST', '/policies', body);
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('policy.exists');

    expect((await call(provider, 'GET', '/policies/members')).json()).toMatchObject({ title: '会員限定' });
    const updated = await call(provider, 'PUT', '/policies/members', { permission: [{ action: 'use' }] });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      id: 'members',
      title: '会員限定',
      permission: [{ action: 'use' }],
    });
    expect(updated.json().createdAt).toBe(first.json().createdAt);
    const listed = await call(provider, 'GET', '/policies?limit=10');
    expect(listed.json().map((p: { id: string }) => p.id)).toContain('members');
    expect((await call(provider, 'DELETE', '/policies/members')).statusCode).toBe(204);
    expect((await call(provider, 'GET', '/policies/members')).statusCode).toBe(404);
  });

  it('refuses policies without rules and with unknown members, with a problem naming the member', async () => {
    const none = await call(provider, 'POST', '/policies', { id: 'empty' });
    expect(none.statusCode).toBe(400);
    expect(none.headers['content-type']).toContain('application/problem+json');
    const extra = await call(provider, 'POST', '/policies', {
      id: 'x',
      permission: [{ action: 'use' }],
      colour: 'red',
    });
    expect(extra.statusCode).toBe(400);
    expect(JSON.stringify(extra.json().errors)).toContain('colour');
  });

  it('manages offers: policies must exist, a used policy cannot be deleted, filters by policy and asset', async () => {
    expect((await call(provider, 'POST', '/assets', asset('press-01', ['保全', 'プレス']))).statusCode).toBe(
      201,
    );
    expect((await call(provider, 'POST', '/assets', asset('press-02', ['保全']))).statusCode).toBe(201);
    for (const id of ['open', 'terms'])
      expect(
        (await call(provider, 'POST', '/policies', { id, permission: [{ action: 'use' }] })).statusCode,
      ).toBe(201);
    const missing = await call(provider, 'POST', '/offers', {
      id: 'o-bad',
      accessPolicyId: 'open',
      contractPolicyId: 'nope',
      selector: { all: true },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('offer.unknown-policy');
    const emptySelector = await call(provider, 'POST', '/offers', {
      id: 'o-empty',
      accessPolicyId: 'open',
      contractPolicyId: 'terms',
      selector: {},
    });
    expect(emptySelector.statusCode).toBe(400);
    const offer = {
      id: 'press',
      accessPolicyId: 'open',
      contractPolicyId: 'terms',
      selector: { keywords: ['保全'] },
    };
    const created = await call(provider, 'POST', '/offers', offer, { 'idempotency-key': 'offer-1' });
    expect(created.statusCode).toBe(201);
    expect(
      (await call(provider, 'POST', '/offers', offer, { 'idempotency-key': 'offer-1' })).statusCode,
    ).toBe(201);
    const single = {
      id: 'press-01-only',
      accessPolicyId: 'open',
      contractPolicyId: 'terms',
      selector: { assetIds: ['press-01'] },
    };
    expect((await call(provider, 'POST', '/offers', single)).statusCode).toBe(201);

    const byPolicy = await call(provider, 'GET', '/offers?policyId=terms');
    expect(byPolicy.json().map((o: { id: string }) => o.id)).toEqual(['press', 'press-01-only']);
    const byAsset = await call(provider, 'GET', '/offers?assetId=press-01');
    expect(byAsset.json().map((o: { id: string }) => o.id)).toEqual(['press-01-only']);
    const inUse = await call(provider, 'DELETE', '/policies/terms');
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json()).toMatchObject({ code: 'policy.in-use', detail: expect.stringContaining('press') });

    const changed = await call(provider, 'PUT', '/offers/press-01-only', {
      ...single,
      id: undefined,
      selector: { assetIds: ['press-02'] },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().selector).toEqual({ assetIds: ['press-02'] });
    expect((await call(provider, 'DELETE', '/offers/press-01-only')).statusCode).toBe(204);
    expect((await call(provider, 'GET', '/offers/press-01-only')).statusCode).toBe(404);
  });

  it('updates an asset and filters assets by keyword and media type', async () => {
    const put = await call(provider, 'PUT', '/assets/press-02', {
      ...asset('press-02', ['保全', '油圧']),
      id: undefined,
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().keywords).toEqual(['保全', '油圧']);
    const byKeyword = await call(provider, 'GET', '/assets?keyword=油圧');
    expect(byKeyword.json().map((a: { id: string }) => a.id)).toEqual(['press-02']);
    const byType = await call(provider, 'GET', '/assets?contentType=application/pdf');
    expect(byType.json()).toEqual([]);
  });

  it('refuses to delete an asset that has agreements (they are honoured from its data address); changes stay allowed', async () => {
    const ctx = provider.node.context;
    await ctx.db
      .insertInto('agreements')
      .values({
        participant_id: ctx.config.defaultParticipantId,
        id: 'agreement-1',
        negotiation_id: 'n-1',
        role: 'provider',
        counterparty_id: 'did:web:consumer.example',
        offer_id: 'press:press-02',
        asset_id: 'press-02',
        policy: JSON.stringify({ permission: [{ action: 'use' }] }),
        finalized_at: new Date().toISOString(),
        created_at: new Date().toISOString(),
      })
      .execute();
    const res = await call(provider, 'DELETE', '/assets/press-02');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'asset.has-agreements',
      detail: expect.stringContaining('agreement-1'),
    });
    expect((await call(provider, 'GET', '/assets/press-02')).statusCode).toBe(200);
  });

  it('publishes the new routes in the OpenAPI description, with the change rule', async () => {
    const doc = (await provider.node.app.inject({ url: '/management/v1/openapi.json' })).json();
    for (const path of [
      '/management/v1/policies',
      '/management/v1/offers/{id}',
      '/management/v1/catalog/request',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(doc.paths['/management/v1/policies/{id}'].delete.description).toContain(
      'Agreements keep what was agreed',
    );
  });
});

describe('remote catalog request', () => {
  it("reads the provider's catalog over loopback, authenticated as the consumer, with paging", async () => {
    const root = provider.node.url;
    const res = await call(consumer, 'POST', '/catalog/request', { counterpartyAddress: root, limit: 1 });
    expect(res.statusCode, res.body).toBe(200);
    const { catalog, next } = res.json();
    expect(dspErrors(ajv, 'catalog', 'catalog', catalog)).toEqual([]);
    expect(catalog.dataset.map((d: { '@id': string }) => d['@id'])).toEqual(['press-01']);
    expect(next).toMatch(/continuationToken=/);
    const second = await call(consumer, 'POST', '/catalog/request', {
      counterpartyAddress: root,
      limit: 1,
      page: next,
    });
    expect(second.json().catalog.dataset.map((d: { '@id': string }) => d['@id'])).toEqual(['press-02']);
    const filtered = await call(consumer, 'POST', '/catalog/request', {
      counterpartyAddress: `${root}/dsp/2025-1`,
      filter: [{ keyword: '油圧' }],
    });
    expect(filtered.json().catalog.dataset.map((d: { '@id': string }) => d['@id'])).toEqual(['press-02']);
  });

  it('relays a refusal of the peer as a 400 problem, and a page of another endpoint is refused', async () => {
    const root = provider.node.url;
    const bad = await call(consumer, 'POST', '/catalog/request', {
      counterpartyAddress: root,
      filter: [{ colour: 'red' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'catalog.peer-refused',
      detail: expect.stringContaining('colour'),
    });
    const foreign = await call(consumer, 'POST', '/catalog/request', {
      counterpartyAddress: root,
      page: 'http://127.0.0.1:1/elsewhere?continuationToken=x',
    });
    expect(foreign.statusCode).toBe(400);
  });

  it('keeps to the egress policy: a node not allowed to reach loopback is refused before anything is sent', async () => {
    const res = await call(isolated, 'POST', '/catalog/request', { counterpartyAddress: provider.node.url });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('outbound.egress-denied');
  });
});
