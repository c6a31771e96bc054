import { createServer } from 'node:net';
import { insertOffer } from '../../src/dataspace/catalog/index.js';
import { insertPolicy } from '../../src/dataspace/policy/index.js';
import { participantStore } from '../../src/store/index.js';
import { dspErrors, dspSchemas } from '../support/dsp-schemas.js';
import { startTestNode, type TestNode, testFetch } from '../support/node.js';

export const schemas = dspSchemas();

/** Fails with the schema errors when a message is not valid against the official DSP 2025-1 schema. */
export function assertDsp(name: string, message: unknown): void {
  const errors = dspErrors(schemas, 'negotiation', name, message);
  if (errors.length > 0) throw new Error(`${name} invalid: ${errors.join('; ')}\n${JSON.stringify(message)}`);
}

/** A free loopback port, so the node's did:web (which names host:port) is known before it starts. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A node on loopback that may call other loopback nodes: plain HTTP unless given `overTls`. */
export async function loopbackNode(
  overrides: Record<string, unknown> = {},
): Promise<TestNode & { did: string }> {
  const port = await freePort();
  const t = await startTestNode({
    port,
    host: `127.0.0.1:${port}`,
    plainHttp: true,
    outboundAllow: ['127.0.0.1'],
    ...overrides,
  });
  return { ...t, did: `did:web:127.0.0.1%3A${port}` };
}

export const useOffer = {
  '@id': 'offer-部品表',
  target: 'bom-2026',
  permission: [
    { action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: '品質保証' }] },
  ],
};

/** A contract policy and the offer that applies it to asset bom-2026. */
export interface ContractTerms {
  readonly offerId: string;
  readonly policyId: string;
  readonly title: string;
  readonly permission: NonNullable<typeof useOffer.permission>;
}

const qaOnly: ContractTerms = {
  offerId: 'offer-部品表',
  policyId: 'qa-only',
  title: '品質保証目的のみ',
  permission: useOffer.permission,
};

/**
 * Publishes asset bom-2026 on the node's default participant with an offer visible to everyone under `terms`
 * (by default `offer-部品表`, for quality assurance only).
 */
export async function publishOffer(t: TestNode, terms: ContractTerms = qaOnly): Promise<void> {
  const ctx = t.node.context;
  const p = ctx.config.defaultParticipantId;
  const at = ctx.now().toISOString();
  await participantStore(ctx.db, p).insertAsset({
    id: 'bom-2026',
    title: '2026年度 部品表',
    description: '量産品の部品構成',
    contentType: 'application/json',
    keywords: ['部品表'],
    properties: {},
    dataAddress: { type: 'HttpData', baseUrl: 'http://127.0.0.1:9/bom' },
    createdAt: at,
    updatedAt: at,
  });
  await insertPolicy(ctx.db, p, {
    id: 'everyone',
    title: '全員',
    permission: [{ action: 'use' }],
    createdAt: at,
    updatedAt: at,
  });
  await insertPolicy(ctx.db, p, {
    id: terms.policyId,
    title: terms.title,
    permission: terms.permission,
    createdAt: at,
    updatedAt: at,
  });
  await insertOffer(ctx.db, p, {
    id: terms.offerId,
    accessPolicyId: 'everyone',
    contractPolicyId: terms.policyId,
    selector: { assetIds: ['bom-2026'] },
    createdAt: at,
    updatedAt: at,
  });
}

export async function api<T = Record<string, unknown>>(
  t: TestNode,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await testFetch(`${t.node.url}/management/v1${path}`, {
    method,
    headers: {
      'x-api-key': t.apiKey,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Polls until `check` returns a value, or fails after the deadline naming what it last saw. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  check: (v: T) => boolean,
  deadlineMs = 15_000,
): Promise<T> {
  const until = Date.now() + deadlineMs;
  let last: T = await probe();
  while (!check(last)) {
    if (Date.now() > until) throw new Error(`${what}: gave up waiting; last seen ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
    last = await probe();
  }
  return last;
}

export async function negotiationState(t: TestNode, id: string): Promise<Record<string, unknown>> {
  return (await api(t, 'GET', `/negotiations/${encodeURIComponent(id)}`)).body;
}
