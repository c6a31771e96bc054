import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertOffer } from '../../src/dataspace/catalog/index.js';
import type { VerifiedClaims } from '../../src/dataspace/identity/index.js';
import { insertPolicy, type Rule } from '../../src/dataspace/policy/index.js';
import type { ConfigKey } from '../../src/node/index.js';
import type { ChangingClaims } from '../../src/node/policy/index.js';
import { participantStore } from '../../src/store/index.js';
import { clockedNode, type testClock } from '../support/clocked-node.js';

export { testClock } from '../support/clocked-node.js';
export type Clock = ReturnType<typeof testClock>;

/** Claims the test changes (a revocation), telling its listeners as a credential store would. */
export function mutableClaims(initial: Record<string, Record<string, unknown>>) {
  const table = new Map(Object.entries(initial));
  const listeners: (() => void)[] = [];
  const source: ChangingClaims = {
    claimsFor: async (who): Promise<VerifiedClaims> => ({
      subject: who,
      issuer: 'test',
      claims: { ...(table.get(who) ?? {}) },
    }),
    onChange: (l) => listeners.push(l),
  };
  return {
    source,
    set(who: string, claims: Record<string, unknown>) {
      table.set(who, claims);
      for (const l of listeners) l();
    },
  };
}

/** A real node on loopback with an injected clock, its API key, a data directory for File assets; logs captured. */
export async function policyNode(clock: Clock, overrides: Partial<Record<ConfigKey, unknown>> = {}) {
  const files = mkdtempSync(join(tmpdir(), 'musubi-usage-files-'));
  const n = await clockedNode(clock, { dataPlaneFileRoots: [files], ...overrides });
  return {
    ...n,
    files,
    stop: async () => {
      await n.stop();
      rmSync(files, { recursive: true, force: true });
    },
  };
}
export type PolicyNode = Awaited<ReturnType<typeof policyNode>>;

export async function api<T = Record<string, unknown>>(
  t: PolicyNode,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${t.node.url}/management/v1${path}`, {
    method,
    headers: { 'x-api-key': t.apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, text };
}

/** Publishes a File asset `assetId` under an offer with the given contract policy (everyone sees it). */
export async function publish(t: PolicyNode, assetId: string, contract: readonly Rule[]): Promise<string> {
  const ctx = t.node.context;
  const p = ctx.config.defaultParticipantId;
  const at = ctx.now().toISOString();
  writeFileSync(join(t.files, `${assetId}.json`), JSON.stringify({ 部品: ['ボルト', 'ナット'] }));
  await participantStore(ctx.db, p).insertAsset({
    id: assetId,
    title: `部品表 ${assetId}`,
    description: '',
    contentType: 'application/json',
    keywords: [],
    properties: {},
    dataAddress: { type: 'File', path: `${assetId}.json` },
    createdAt: at,
    updatedAt: at,
  });
  await insertPolicy(ctx.db, p, {
    id: `everyone-${assetId}`,
    title: '全員',
    permission: [{ action: 'use' }],
    createdAt: at,
    updatedAt: at,
  });
  await insertPolicy(ctx.db, p, {
    id: `contract-${assetId}`,
    title: '契約',
    permission: contract,
    createdAt: at,
    updatedAt: at,
  });
  await insertOffer(ctx.db, p, {
    id: `offer-${assetId}`,
    accessPolicyId: `everyone-${assetId}`,
    contractPolicyId: `contract-${assetId}`,
    selector: { assetIds: [assetId] },
    createdAt: at,
    updatedAt: at,
  });
  return `offer-${assetId}`;
}
