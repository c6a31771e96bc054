import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { type NegotiationSignal, signalledOffer, type TransferSignal, tckSignalRoutes } from './signals.js';

describe('conformance initiate webhooks', () => {
  it("take the TCK's bodies and start the process for the addressed participant", async () => {
    const calls: unknown[] = [];
    const app = Fastify();
    await app.register(
      tckSignalRoutes({
        participantOf: async () => 'default',
        negotiate: async (p, s: NegotiationSignal) => {
          calls.push([p, s]);
          return { id: 'urn:uuid:n' };
        },
        transfer: async (p, s: TransferSignal) => {
          calls.push([p, s]);
          return { id: 'urn:uuid:t' };
        },
      }),
    );
    const negotiation = {
      datasetId: 'ACNC0101',
      offerId: 'offerACNC0101',
      providerId: 'TCK_PARTICIPANT',
      connectorAddress: 'http://127.0.0.1:8083',
    };
    const r1 = await app.inject({ method: 'POST', url: '/tck/negotiations/requests', payload: negotiation });
    expect(r1.statusCode).toBe(200);
    expect(r1.json()).toEqual({ id: 'urn:uuid:n' });
    const transfer = {
      agreementId: 'ATPC0101',
      format: 'HttpData-PULL',
      providerId: 'TCK_PARTICIPANT',
      connectorAddress: 'http://127.0.0.1:8083',
    };
    const r2 = await app.inject({ method: 'POST', url: '/tck/transfers/requests', payload: transfer });
    expect(r2.json()).toEqual({ id: 'urn:uuid:t' });
    expect(calls).toEqual([
      ['default', negotiation],
      ['default', transfer],
    ]);
    const bad = await app.inject({
      method: 'POST',
      url: '/tck/negotiations/requests',
      payload: { ...negotiation, connectorAddress: 'file:///etc/passwd' },
    });
    expect(bad.statusCode).toBe(400);
    expect(calls).toHaveLength(2);
    expect(signalledOffer(negotiation)).toEqual({
      '@id': 'offerACNC0101',
      target: 'ACNC0101',
      permission: [{ action: 'use' }],
    });
    await app.close();
  });
});
