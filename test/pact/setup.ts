import { overTls, startTestNode, type TestNode } from '../support/node.js';
import { call, footprint, startReceiver } from './support.js';

/** Footprint ids of the suites (UUIDs, as PACT requires). */
export const ids = {
  diesel: 'b1f8c0d2-7c4e-4e67-9a9c-2e4c12345678',
  ethanol: 'c2e9d1f3-8d5f-4f78-8b0d-3f5e23456789',
  biodiesel: 'd3f0e2a4-9e6f-4a89-9c2d-4f6a78901234',
  otherCustomers: 'e4a1f3b5-0f7a-4b9a-8d3e-5a7b89012345',
  pieces: 'f5b2a4c6-1a8b-4cab-9e4f-6b8c90123456',
} as const;

/** Footprints published by the supplier: A's customer `customer-a`, B's `customer-b`, one public. */
export const published = [
  {
    footprint: footprint(ids.diesel, {
      product: 'urn:gtin:1234567890123',
      validFrom: '2023-01-15T10:15:30Z',
      validTo: '2025-12-31T00:00:00Z',
    }),
    audiences: ['customer-a'],
  },
  {
    footprint: footprint(ids.ethanol, {
      product: 'urn:gtin:1234567890456',
      country: 'FR',
      classification: 'urn:eclass:0173-1#01-BBB456#005',
    }),
    audiences: ['*'],
  },
  {
    footprint: footprint(ids.biodiesel, {
      product: 'urn:gtin:1234567890789',
      region: 'Europe',
      status: 'Deprecated',
    }),
    audiences: ['customer-a'],
  },
  {
    footprint: footprint(ids.otherCustomers, {
      product: 'urn:gtin:4712345060507',
      company: 'urn:uuid:other-company',
    }),
    audiences: ['customer-b'],
  },
  {
    footprint: footprint(ids.pieces, { product: 'urn:gtin:2000000000001', unit: 'piece' }),
    audiences: ['customer-a'],
  },
];

/**
 * A supplier's node over HTTPS (test CA), its PACT clients for two customers, its footprints, and customer A's
 * own PACT host (the receiver) that answers go to.
 */
export async function pactWorld() {
  const node: TestNode = await startTestNode({ ...overTls, outboundAllow: ['127.0.0.1'] });
  const receiver = await startReceiver('supplier-at-customer-a', 'シークレット-secret');
  const mgmt = (path: string, method = 'GET', body?: unknown) =>
    call(`${node.node.url}/management/v1${path}`, {
      method,
      headers: {
        'x-api-key': node.apiKey,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const client = async (customer: string) => {
    const r = await mgmt('/pact/clients', 'POST', { customer });
    if (r.status !== 201) throw new Error(`client: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { clientId: string; clientSecret: string };
  };
  const a = await client('customer-a');
  const b = await client('customer-b');
  for (const p of published) {
    const r = await mgmt('/pact/footprints', 'POST', p);
    if (r.status !== 201) throw new Error(`publish: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const outbound = (customer: string, autoAnswer: boolean, clientId = 'supplier-at-customer-a') =>
    mgmt(`/pact/customers/${customer}/outbound`, 'PUT', {
      tokenUrl: `${receiver.url}/auth/token`,
      clientId,
      clientSecret: 'シークレット-secret',
      eventUrls: [receiver.url],
      autoAnswer,
    });
  const base = `${node.node.url}/pact`;
  const basic = (c: { clientId: string; clientSecret: string }) =>
    `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`;
  const token = async (c: { clientId: string; clientSecret: string }) => {
    const r = await call(`${base}/auth/token`, {
      method: 'POST',
      headers: { authorization: basic(c), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    return r.body.access_token as string;
  };
  const get = (path: string, bearer: string) =>
    call(path.startsWith('https:') ? path : `${base}${path}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
  const post = (path: string, bearer: string, event: unknown) =>
    call(`${base}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/cloudevents+json; charset=UTF-8',
      },
      body: JSON.stringify(event),
    });
  return {
    node,
    receiver,
    mgmt,
    clients: { a, b },
    outbound,
    base,
    basic,
    token,
    get,
    post,
    stop: async () => {
      await node.stop();
      await receiver.close();
    },
  };
}
export type PactWorld = Awaited<ReturnType<typeof pactWorld>>;
