import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupParticipant } from '../../src/dataspace/directory/index.js';
import { freePort } from '../dataspace/two-node-support.js';
import { startTestNode, type TestNode, testFetch } from '../support/node.js';
import { type Exchange, recordingProxy } from '../support/recording-proxy.js';

type Proxy = Awaited<ReturnType<typeof recordingProxy>>;

interface Tier {
  readonly index: number;
  readonly proxy: Proxy;
  /** Its own way to the authority's directory: every directory answer this tier gets is recorded here. */
  readonly directory: Proxy;
  readonly node: TestNode;
  readonly url: string;
  readonly did: string;
  /** Strings only this tier has: its ids, names, corporate number, credential, parts, products, quantities, messages. */
  readonly canaries: string[];
}

interface Authority {
  readonly proxy: Proxy;
  readonly node: TestNode;
  readonly did: string;
}

const part = (i: number) => `T${i}-秘密部品`;
const child = (i: number) => `T${i}-秘密子部品`;
const product = (i: number) => `urn:canary:tier${i}:製品`;
/** Each buying tier's BOM quantity: distinctive digits that must never leave it. */
const quantities = ['1.03719', '17.4821', '0.0372913'];
const quantity = (i: number) => quantities[i - 1] ?? '';
const message = (i: number) => `カナリア${i}の依頼文`;
/** Made-up 法人番号 with valid check digits, one per tier. */
const corporateNumbers = ['9999902837141', '8999902837142', '7999902837143', '6999902837144'];
const corporateNumber = (i: number) => corporateNumbers[i - 1] ?? '';
const membership = 'カナリアデータスペース';

async function call(t: { node: TestNode }, method: string, path: string, body?: unknown) {
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

/**
 * Text of an exchange with every JWT/JWS segment in it decoded, so a secret inside a token is found too — and
 * tokens inside tokens (an access token in an ID token, a credential enveloped in a presentation) as well.
 */
function decoded(text: string, depth = 4): string {
  const parts = [text];
  for (const token of text.match(/eyJ[\w-]+(?:\.[\w-]*){1,2}/g) ?? [])
    for (const seg of token.split('.')) {
      const inner = Buffer.from(seg, 'base64url').toString('utf8');
      parts.push(depth > 1 ? decoded(inner, depth - 1) : inner);
    }
  return parts.join('\n');
}

/**
 * Four tiers (1 = automaker … 4 = cathode maker), each node behind a recording proxy that is its public host:
 * every byte a company receives from another passes a proxy (requests to it at its own, responses to its calls
 * at the callee's). No canary of tier n+2 (or beyond) may reach tier n, nor one of tier n reach tier n+2.
 * The trust traffic is recorded too: an authority behind its own proxy issues each tier a MembershipCredential
 * with its 法人番号 (delivered through the tier's proxy), the exchange offers are for members only with DCP on
 * (presentation queries and answers pass the queried tier's proxy; the authority's DID document and status
 * lists its proxy), and each tier finds its supplier by corporate number through a directory proxy of its own.
 */
describe('footprint cascade secrecy (canaries)', () => {
  const tiers: Tier[] = [];
  let authority: Authority;

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

  /** Everything tier `n` received from other companies and from the authority, as one searchable text. */
  function receivedBy(n: number): string {
    const texts: string[] = [];
    for (const t of tiers) {
      for (const e of t.proxy.exchanges) {
        if (e.path.startsWith('/management/')) continue;
        if (t.index === n) texts.push(JSON.stringify(e.requestHeaders), e.path, e.requestBody);
        else if (senderOf(e, t.index) === n) texts.push(e.responseBody);
      }
      if (t.index === n) for (const e of t.directory.exchanges) texts.push(e.responseBody);
    }
    // What the authority serves its callers (its DID document, status lists) could have gone to any tier.
    for (const e of authority.proxy.exchanges) {
      if (e.path.startsWith('/management/')) continue;
      const from = senderOf(e, 0);
      if (from === undefined || from === n) texts.push(e.responseBody);
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
    const authorityProxy = await recordingProxy();
    const authorityPort = await freePort();
    authority = {
      proxy: authorityProxy,
      node: await startTestNode({
        port: authorityPort,
        host: authorityProxy.host,
        plainHttp: true,
        outboundAllow: ['127.0.0.1'],
        defaultParticipantName: 'カナリア認証機関',
      }),
      did: `did:web:${authorityProxy.host.replace(':', '%3A')}`,
    };
    authorityProxy.forwardTo(authorityPort);
    for (const index of [1, 2, 3, 4]) {
      const proxy = await recordingProxy();
      const directory = await recordingProxy();
      directory.forwardTo(authorityPort);
      const port = await freePort();
      const node = await startTestNode({
        port,
        host: proxy.host,
        plainHttp: true,
        outboundAllow: ['127.0.0.1'],
        defaultParticipantName: `カナリア社${index}`,
        trustedIssuers: [`MembershipCredential=${authority.did}`],
        directoryAuthority: `http://${directory.host}`,
      });
      proxy.forwardTo(port);
      const did = `did:web:${proxy.host.replace(':', '%3A')}`;
      tiers.push({
        index,
        proxy,
        directory,
        node,
        url: `http://${proxy.host}`,
        did,
        canaries: [
          did,
          proxy.host,
          `カナリア社${index}`,
          corporateNumber(index),
          part(index),
          child(index),
          product(index),
          message(index),
          ...(quantity(index) ? [quantity(index)] : []),
        ],
      });
    }
    for (const t of tiers) {
      const issued = (await call(authority, 'POST', '/authority/credentials', {
        holder: t.did,
        type: 'MembershipCredential',
        claims: { membership, corporateNumber: corporateNumber(t.index), name: `カナリア社${t.index}` },
      })) as { id: string };
      t.canaries.push(issued.id);
    }
    for (const t of tiers) {
      const i = t.index;
      await call(t, 'PUT', '/footprint/settings', { exchange: true, autoLink: true });
      await call(t, 'POST', '/policies', {
        id: 'members',
        permission: [
          {
            action: 'use',
            constraint: [{ leftOperand: 'membership', operator: 'eq', rightOperand: membership }],
          },
        ],
      });
      await call(t, 'PUT', '/offers/offer-footprint-exchange', {
        accessPolicyId: 'members',
        contractPolicyId: 'members',
        selector: { assetIds: ['footprint-exchange'] },
      });
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
        supplierCorporateNumber: corporateNumber(supplier.index),
        supplierPart: product(supplier.index),
      });
    }
  }, 120_000);
  afterAll(async () => {
    for (const t of tiers) {
      await t.node.stop();
      await t.proxy.close();
      await t.directory.close();
    }
    await authority?.node.stop();
    await authority?.proxy.close();
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
    // …and the trust traffic: tier 2 queried tier 1's credentials, whose presentation carried tier 1's
    // MembershipCredential; the authority served its status list; tier 1 found tier 2 through its directory.
    const queried = tiers[0]?.proxy.exchanges.find((e) => e.path.endsWith('/dcp/presentations/query'));
    expect(queried && senderOf(queried, 1)).toBe(2);
    expect(receivedBy(2)).toContain(corporateNumber(1));
    expect(authority.proxy.exchanges.some((e) => e.path.includes('/dcp/status/'))).toBe(true);
    expect(tiers[0]?.directory.exchanges.map((e) => e.path)).toEqual([`/directory/${corporateNumber(2)}`]);
    expect(findings()).toEqual([]);
  }, 60_000);

  it('catches a planted leak: tier 2 forwards tier 1’s message upstream', async () => {
    const pack = tiers[1];
    if (!pack) throw new Error('no tier 2');
    await call(pack, 'POST', '/footprint/requests', { traceId: child(2), message: `転送: ${message(1)}` });
    await answered(pack, 2);
    expect(findings()).toContain(`tier 3 received tier 1's ${message(1)}`);
  }, 60_000);

  it('catches a planted leak through the directory: tier 1 looks tier 3 up by its corporate number', async () => {
    const [top] = tiers;
    if (!top) throw new Error('no tiers');
    const entry = await lookupParticipant(
      async (url) => {
        const res = await top.node.node.context.outbound.request(url);
        return { status: res.status, body: res.status === 200 ? res.json() : undefined };
      },
      `http://${top.directory.host}`,
      corporateNumber(3),
    );
    expect(entry?.did).toBe(tiers[2]?.did);
    expect(findings()).toContain(`tier 1 received tier 3's ${tiers[2]?.did}`);
  });
});
