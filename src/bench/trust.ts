import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici';
import { scopeForType, signAccessToken } from '../dataspace/credentials/index.js';
import { dspContext } from '../dataspace/protocol/index.js';
import { selfIssuedToken } from '../node/counterparty.js';
import { signerOf } from '../node/signing.js';
import { benchNode, measureNegotiations, publish } from './dataspace.js';
import type { Figure } from './measure.js';

/**
 * Trust figures: an authority and two participants on loopback, every node over HTTPS under one local CA, the
 * participants asking every DSP sender for a MembershipCredential (DCP), DID documents and status lists cached.
 */

type Node = Awaited<ReturnType<typeof benchNode>>;

export const membership = 'むすびデータスペース';
export const membershipRule = {
  action: 'use',
  constraint: [{ leftOperand: 'membership', operator: 'eq', rightOperand: membership }],
};

/** Three HTTPS nodes: the authority, and a consumer and a provider that each hold its membership and require it. */
export interface TrustedSpace {
  readonly authority: Node;
  readonly consumer: Node;
  readonly provider: Node;
  readonly caFile: string;
  /** fetch trusting the space's local CA (management calls, DSP requests). */
  readonly fetch: (url: string, init?: Parameters<typeof undiciFetch>[1]) => ReturnType<typeof undiciFetch>;
  readonly close: () => Promise<void>;
}

/** An HTTPS node under the space's CA; with `authorityDid` it requires that authority's membership of every DSP sender. */
function spaceNode(caDir: string, authorityDid: string | undefined, extra: Record<string, unknown> = {}) {
  return benchNode({
    plainHttp: false,
    tlsLocalCaDir: caDir,
    ...(authorityDid
      ? {
          dcpScopes: ['MembershipCredential'],
          trustedIssuers: [`MembershipCredential=${authorityDid}`],
        }
      : {}),
    ...extra,
  });
}

/**
 * With `dcp` false the same three nodes, memberships issued, but the participants ask for no presentation: the
 * same-run baseline of a DCP figure.
 */
export async function trustedSpace(
  providerOverrides: Record<string, unknown> = {},
  dcp = true,
): Promise<TrustedSpace> {
  const caDir = join(mkdtempSync(join(tmpdir(), 'musubi-bench-trust-')), 'ca');
  const started: Node[] = [];
  let agent: Dispatcher | undefined;
  const close = async () => {
    for (const n of started.reverse()) {
      await n.node.close();
      rmSync(n.dir, { recursive: true, force: true });
    }
    await agent?.close();
    rmSync(join(caDir, '..'), { recursive: true, force: true });
  };
  try {
    const authority = await spaceNode(caDir, undefined);
    started.push(authority);
    const required = dcp ? authority.did : undefined;
    const consumer = await spaceNode(caDir, required);
    started.push(consumer);
    const provider = await spaceNode(caDir, required, providerOverrides);
    started.push(provider);
    const caFile = join(caDir, 'ca.pem');
    agent = new Agent({ connect: { ca: [...rootCertificates, readFileSync(caFile, 'utf8')] } });
    const dispatcher = agent;
    const fetch = (url: string, init: Parameters<typeof undiciFetch>[1] = {}) =>
      undiciFetch(url, { ...init, dispatcher });
    for (const holder of [consumer, provider]) await issueMembership({ authority, fetch }, holder.did);
    return { authority, consumer, provider, caFile, fetch, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function issueMembership(
  space: Pick<TrustedSpace, 'authority' | 'fetch'>,
  holder: string,
): Promise<void> {
  const res = await space.fetch(`${space.authority.node.url}/management/v1/authority/credentials`, {
    method: 'POST',
    headers: { 'x-api-key': space.authority.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ holder, type: 'MembershipCredential', claims: { membership } }),
  });
  if (res.status !== 201) throw new Error(`issuing a membership answered ${res.status}: ${await res.text()}`);
}

/** A management call of `n` that must answer `status`; its JSON body. */
export async function manage<T>(
  space: TrustedSpace,
  n: Node,
  method: string,
  path: string,
  body?: unknown,
  status = 200,
): Promise<T> {
  const res = await space.fetch(`${n.node.url}/management/v1${path}`, {
    method,
    headers: { 'x-api-key': n.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Polls a management resource until `done` holds (bounded: a bench that hangs helps nobody). */
export async function until<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  what: string,
  deadlineMs = 60_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > end)
      throw new Error(`${what}: not reached within ${deadlineMs} ms (${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const percentile = (sorted: number[], q: number) => sorted[Math.floor(sorted.length * q)] ?? 0;

/**
 * The cost of full DCP verification on one DSP request: catalog requests of the consumer, signed by its node,
 * to a provider that only verifies the signed token and to one that also runs the presentation flow (query the
 * consumer's CredentialService, verify the presentation, the credential, its issuer and status list), with a
 * fresh access token each time so no verified answer is reused; and with one access token reused, as the
 * node does for 30 s. The three are interleaved request by request so machine load hits them alike.
 */
export async function dcpOverheadFigures(requests = 300): Promise<Figure[]> {
  const space = await trustedSpace();
  const baselineProvider = await spaceNode(
    join(space.caFile, '..'),
    undefined, // signed tokens only
  );
  try {
    await publish(space.provider);
    await publish(baselineProvider);
    const c = space.consumer.node.context;
    const p = c.config.defaultParticipantId;
    const signer = await signerOf(c, p);
    const accessToken = (audience: string) =>
      signAccessToken(signer, {
        verifier: audience,
        scopes: [scopeForType('MembershipCredential')],
        issuedAt: c.now(),
        ttlSeconds: 60,
        jti: randomUUID(),
      });
    const message = JSON.stringify({ '@context': [dspContext], '@type': 'CatalogRequestMessage' });
    const request = async (to: Node, token: string | undefined) => {
      const id = await selfIssuedToken(c, p, to.did, token);
      const res = await space.fetch(`${to.node.url}/dsp/2025-1/catalog/request`, {
        method: 'POST',
        headers: { authorization: `Bearer ${id}`, 'content-type': 'application/json' },
        body: message,
      });
      await res.arrayBuffer();
      return res.status;
    };
    // DCP is really on: a sender without an access token is refused by the one provider, not by the other.
    if ((await request(space.provider, undefined)) !== 401)
      throw new Error('the DCP provider answered a request without credentials');
    if ((await request(baselineProvider, undefined)) !== 200)
      throw new Error('the token-only provider refused a signed request');

    // The access tokens are signed before the clock starts: a sender signs one per receiver every 30 s, and the
    // figure is the receiver's work. Each request still signs its own ID token, alike in all three.
    // Re-signed every 20 s as the node re-signs every 30 s, so a slow run never sends an expired one.
    let reused = await accessToken(space.provider.did);
    let reusedAt = Date.now();
    const current = async () => {
      if (Date.now() - reusedAt > 20_000) {
        reused = await accessToken(space.provider.did);
        reusedAt = Date.now();
      }
      return reused;
    };
    const kinds = {
      token: async () => accessToken(baselineProvider.did).then((t) => () => request(baselineProvider, t)),
      full: async () => accessToken(space.provider.did).then((t) => () => request(space.provider, t)),
      reused: async () => current().then((t) => () => request(space.provider, t)),
    };
    const samples: Record<keyof typeof kinds, number[]> = { token: [], full: [], reused: [] };
    const warmUp = Math.min(20, requests);
    for (let i = 0; i < warmUp + requests; i++) {
      for (const [kind, prepare] of Object.entries(kinds) as [
        keyof typeof kinds,
        () => Promise<() => Promise<number>>,
      ][]) {
        const send = await prepare();
        const t = performance.now();
        const status = await send();
        const ms = performance.now() - t;
        if (status !== 200) throw new Error(`a ${kind} catalog request answered ${status}`);
        if (i >= warmUp) samples[kind].push(ms);
      }
    }
    for (const s of Object.values(samples)) s.sort((a, b) => a - b);
    const p50 = (k: keyof typeof kinds) => percentile(samples[k], 0.5);
    const p95 = (k: keyof typeof kinds) => percentile(samples[k], 0.95);
    const ms = (v: number) => `${Math.round(v * 10) / 10} ms`;
    const added = p50('full') - p50('token');
    const where = `catalog request as a DSP request alone, loopback, HTTPS, SQLite, ${requests} of each interleaved`;
    return [
      {
        name: `trust: DSP request with full DCP verification, p50 (${where}; a fresh access token each: one presentation query, one presentation and one credential verified, DID documents and status lists cached)`,
        value: p50('full'),
        unit: 'ms',
        baseline: { name: 'signed token only', value: p50('token') },
        note: `+${ms(added)} p50 (floor ≤ 10 ms added); p95 ${ms(p95('full'))} vs ${ms(p95('token'))}`,
      },
      {
        name: 'trust: full DCP verification added to a DSP request, p50 with DCP minus p50 without',
        value: added,
        unit: 'ms',
        note: 'floor ≤ 10 ms',
      },
      {
        name: 'trust: DSP request with DCP and a reused access token (verified claims answered from the cache), p50',
        value: p50('reused'),
        unit: 'ms',
        baseline: { name: 'signed token only', value: p50('token') },
        note: `+${ms(p50('reused') - p50('token'))} p50; the node reuses one access token per receiver for 30 s`,
      },
    ];
  } finally {
    await baselineProvider.node.close();
    rmSync(baselineProvider.dir, { recursive: true, force: true });
    await space.close();
  }
}

/**
 * The negotiation floors of the data-space issue re-measured with HTTPS + DCP: every DSP message of the
 * negotiation (requests and callbacks) carries an access token and is answered only after the sender's
 * membership is verified; the baseline is the same three HTTPS nodes asking for no presentation. All nodes share
 * this thread (the plain figures of the `dataspace` group give the provider its own).
 */
export async function negotiationWithDcpFigures(quick = false): Promise<Figure[]> {
  const options = quick
    ? { sequential: 20, inFlight: 10, seconds: 1 }
    : { sequential: 200, inFlight: 50, seconds: 5 };
  const run = async (dcp: boolean) => {
    const space = await trustedSpace({}, dcp);
    try {
      await publish(space.provider);
      const provider = { url: space.provider.node.url, did: space.provider.did };
      return await measureNegotiations(space.consumer, provider, options, space.fetch);
    } finally {
      await space.close();
    }
  };
  const tokens = await run(false);
  const dcp = await run(true);
  const ms = (v: number) => `${Math.round(v * 10) / 10} ms`;
  const where = 'authority + two participants in one thread, loopback, HTTPS, SQLite';
  return [
    {
      name: `trust: contract negotiation request → FINALIZED, p50 (${where}, DCP membership verified on every DSP message)`,
      value: dcp.p50,
      unit: 'ms',
      baseline: { name: 'same nodes, signed tokens only', value: tokens.p50 },
      note: `p95 ${ms(dcp.p95)} vs ${ms(tokens.p95)}; the data-space floor (≤ 30 ms) is defined without authentication`,
    },
    {
      name: `trust: contract negotiations FINALIZED per second, ${options.inFlight} in flight, HTTPS + DCP`,
      value: dcp.rate,
      unit: 'negotiations/s',
      baseline: { name: 'same nodes, signed tokens only', value: tokens.rate },
    },
  ];
}

export async function trustFigures(options: { quick?: boolean } = {}): Promise<Figure[]> {
  return [
    ...(await dcpOverheadFigures(options.quick ? 30 : 300)),
    ...(await negotiationWithDcpFigures(options.quick)),
  ];
}
