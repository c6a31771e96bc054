import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';

/** Offer changes through the management API leave one audit entry each, in the same transaction. */
describe('offer changes in the audit log', () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode();
  }, 60_000);
  afterAll(async () => t?.stop());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    t.node.app.inject({
      method,
      url: `/management/v1${url}`,
      headers: { 'x-api-key': t.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });

  it('records create, update and delete with the actor and the offer, and none for a refused change', async () => {
    const policy = { id: '社内限定', permission: [{ action: 'use' }] };
    expect((await call('POST', '/policies', policy)).statusCode).toBe(201);
    const offer = {
      id: '保全記録-offer',
      accessPolicyId: '社内限定',
      contractPolicyId: '社内限定',
      selector: { all: true },
    };
    expect((await call('POST', '/offers', offer)).statusCode).toBe(201);
    const { id: _id, ...change } = offer;
    expect((await call('PUT', `/offers/${encodeURIComponent(offer.id)}`, change)).statusCode).toBe(200);
    const refused = await call('PUT', `/offers/${encodeURIComponent(offer.id)}`, {
      ...change,
      contractPolicyId: 'no-such-policy',
    });
    expect(refused.statusCode).toBe(400);
    expect((await call('DELETE', `/offers/${encodeURIComponent(offer.id)}`)).statusCode).toBe(204);

    const log = (await call('GET', '/audit')).json() as {
      action: string;
      resourceType: string;
      resourceId: string;
      actor: string;
      via: string;
    }[];
    const offers = log.filter((e) => e.resourceType === 'offer');
    expect(offers.map((e) => [e.action, e.resourceId])).toEqual([
      ['offer.create', offer.id],
      ['offer.update', offer.id],
      ['offer.delete', offer.id],
    ]);
    expect(offers.every((e) => e.via === 'management-api' && e.actor.length > 0)).toBe(true);
    expect((await call('GET', '/audit/verify')).json()).toMatchObject({ intact: true });
  });
});
