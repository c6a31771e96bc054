import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../dataspace/two-node-support.js';
import { startTestNode, type TestNode, testFetch } from '../support/node.js';
import { type Exchange, recordingProxy } from '../support/recording-proxy.js';

type Proxy = Awaited<ReturnType<typeof recordingProxy>>;

interface Tier {
  readonly index: number;
  readonly proxy: Proxy;
  readonly node: TestNode;
  readonly url: string;
  readonly did: string;
  /** Strings only this tier has: its ids, names, parts, products, quantities, messages. */
  readonly canaries: readonly string[];
}

const part = (i: number) => `T${i}-秘密部品`;
const child = (i: number) => `T${i}-秘密子部品`;
const product = (i: number) => `urn:canary:tier${i}:製品`;
/** Each buying tier's BOM quantity: distinctive digits that must never leave it. */
const quantities = ['1.03719', '17.4821', '0.0372913'];
const quantity = (i: number) => quantities[i - 1] ?? '';
const message = (i: number) => `カナリア${i}の依頼文`;

async function call(t: Tier, method: string, path: string, body?: unknown) {
  const res = await testFetch(`${t.node.node.url}/management/v1${path}`, {
    method,
    headers: {
      'x-api-key': t.node.apiKey,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const parsed = (await res.json()) as unknown;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

/** Text of an exchange with every JWT/JWS segment in it decoded, so a secret inside a token is found too. */
function decoded(text: string): string {
  const parts = [text];
  for (const token of text.match(/eyJ[\w-]+(?:\.[\w-]*){1,2}/g) ?? [])
    for (const seg of token.split('.')) parts.push(Buffer.from(seg, 'base64url').toString('utf8'));
  return parts.join('\n');
}

/**
 * Four tiers (1 = automaker … 4 = cathode maker), each node behind a recording proxy that is its public host:
 * every byte a company receives from another passes a proxy (requests to it at its own, responses to its calls
 * at the callee's). No canary of tier n+2 (or beyond) may reach tier n, nor one of tier n reach tier n+2.
 */
describe('footprint cascade secrecy (canaries)', () => {
  const tiers: Tier[] = [];

  /** Who sent an exchange recorded at tier `callee`'s proxy: the DID in its token, or its customer for an EDR. */
  function senderOf(e: Exchange, callee: number): number | undefined {
    const m = /^Bearer\s+(\S+)/i.exec(String(e.requestHeaders.authorization ?? ''));
    const token = m?.[1] ?? '';
    if (token.split('.').length === 3) {
      try {
        const iss = (
          JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: string }
        ).iss;
        const t = tiers.find((x) => x.did === iss);
        if (t) return t.index;
      } catch {
        // not a JWT: an EDR token
      }
    }
    if (/\/(footprint\/exchange|data)\//.test(e.path)) return callee - 1;
    return undefined;
  }

  /** Everything tier `n` received from other companies, as one searchable text. */
  function receivedBy(n: number): string {
    const texts: string[] = [];
    for (const t of tiers)
      for (const e of t.proxy.exchanges) {
        if (e.path.startsWith('/management/')) continue;
        if (t.index === n) texts.push(JSON.stringify(e.requestHeaders), e.path, e.requestBody);
        else if (senderOf(e, t.index) === n) texts.push(e.responseBody);
      }
    return decoded(texts.join('\n'));
  }

  function findings(): string[] {
    const out: string[] = [];
    for (const n of tiers)
      for (const m of tiers) {
        if (Math.abs(m.index - n.index) < 2) continue;
        const received = receivedBy(n.index);
        for (const c of m.canaries)
          if (received.includes(c)) out.push(`tier ${n.index} received tier ${m.index}'s ${c}`);
      }
    return out;
  }

  beforeAll(async () => {
    for (const index of [1, 2, 3, 4]) {
      const proxy = await recordingProxy();
      const port = await freePort();
      const node = await startTestNode({
        port,
        host: proxy.host,
        plainHttp: true,
        outboundAllow: ['127.0.0.1'],
        defaultParticipantName: `カナリア社${index}`,
      });
      proxy.forwardTo(port);
      const did = `did:web:${proxy.host.replace(':', '%3A')}`;
      tiers.push({
        index,
        proxy,
        node,
        url: `http://${proxy.host}`,
        did,
        canaries: [
          did,
          proxy.host,
          `カナリア社${index}`,
          part(index),
          child(index),
          product(index),
          message(index),
          ...(quantity(index) ? [quantity(index)] : []),
        ],
      });
    }
    for (const t of tiers) {
      const i = t.index;
      await call(t, 'PUT', '/footprint/settings', { exchange: true, autoLink: true });
      await call(t, 'PUT', `/footprint/parts/${encodeURIComponent(part(i))}`, {
        name: `${part(i)}の名前`,
        unit: 'kg',
        productIds: [product(i)],
        own: {
          pre: { emissions: `${i}.5`, dqr: { TeR: '2', GeR: '2', TiR: '2' } },
          main: { emissions: `${i}0`, dqr: { TeR: '2', GeR: '2', TiR: '2' } },
          primaryDataShare: '50',
        },
      });
      const supplier = tiers[i];
      if (!supplier) continue;
      await call(t, 'POST', '/footprint/bom', {
        format: 'json',
        text: JSON.stringify([{ parent: part(i), child: child(i), quantity: quantity(i), unit: 'kg' }]),
      });
      await call(t, 'PUT', `/footprint/links/${encodeURIComponent(child(i))}`, {
        supplierDid: supplier.did,
        supplierAddress: supplier.url,
        supplierPart: product(supplier.index),
      });
    }
  }, 120_000);
  afterAll(async () => {
    for (const t of tiers) {
      await t.node.stop();
      await t.proxy.close();
    }
  });

  async function answered(t: Tier, count: number) {
    const until = Date.now() + 30_000;
    for (;;) {
      const out = (await call(t, 'GET', '/footprint/requests?direction=outbox&status=answered')) as unknown[];
      if (out.length >= count) return;
      if (Date.now() > until) throw new Error(`tier ${t.index}: no answer`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('runs the cascade with no canary crossing two tiers, in either direction', async () => {
    const [top] = tiers;
    if (!top) throw new Error('no tiers');
    await call(top, 'POST', '/footprint/requests', { traceId: child(1), message: message(1) });
    await answered(top, 1);
    // The recording saw the whole cascade: tier 4 answered tier 3, whose answer reached tier 1 through tier 2.
    expect(tiers[3]?.proxy.exchanges.some((e) => e.path.includes('/footprint/exchange/'))).toBe(true);
    expect(receivedBy(1)).toContain(product(2));
    expect(findings()).toEqual([]);
  }, 60_000);

  it('catches a planted leak: tier 2 forwards tier 1’s message upstream', async () => {
    const pack = tiers[1];
    if (!pack) throw new Error('no tier 2');
    await call(pack, 'POST', '/footprint/requests', { traceId: child(2), message: `転送: ${message(1)}` });
    await answered(pack, 2);
    expect(findings()).toContain(`tier 3 received tier 1's ${message(1)}`);
  }, 60_000);
});
