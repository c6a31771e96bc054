import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signFootprint } from '../../src/apps/footprint/index.js';
import { dspAuthHeaders } from '../../src/node/counterparty.js';
import { privateKeyOf } from '../../src/node/participants.js';
import { signerOf } from '../../src/node/signing.js';
import { testFetch } from '../support/node.js';
import {
  api,
  type Company,
  company,
  ok,
  outboxReaches,
  own,
  packLinkedTo,
  type Request,
  requests,
  resultOf,
  supplierCell,
  total,
} from './support.js';

interface Published {
  id: string;
  jws: string;
  document: Record<string, unknown>;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

/**
 * What the exchange refuses, between a customer A, its supplier B and a stranger D: forged or altered answers,
 * answers for a part nobody asked about, requests without an agreement or carrying quantities, bad BOM files.
 * Each refusal leaves every stored thing as it was.
 */
describe('footprint exchange refusals', () => {
  let a: Company;
  let b: Company;
  let d: Company;
  let asked: Request;
  let published: Published;

  beforeAll(async () => {
    [a, b, d] = await Promise.all([company(), company({ autoLink: true }), company()]);
    await supplierCell(b);
    await packLinkedTo(a, b, 'urn:pact:b.example:cell');
    await ok(a, 'POST', '/footprint/requests', { traceId: 'A1' });
    [asked] = (await outboxReaches(a, 'A1', 'answered')) as [Request];
    published = (await ok<Published[]>(b, 'GET', '/footprint/published'))[0] as Published;
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), d?.stop()]);
  });

  /** B's stored answer replaced by `jws`, then B's notice to A about it: A's answer to the notice. */
  async function announce(jws: string) {
    const bCtx = b.node.context;
    await bCtx.db
      .withTables<{ fp_published: { id: string; jws: string } }>()
      .updateTable('fp_published')
      .set({ jws })
      .where('id', '=', published.id)
      .execute();
    const headers = await dspAuthHeaders(bCtx, bCtx.config.defaultParticipantId, a.did);
    const res = await testFetch(`${a.node.url}/footprint/notices`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'org.wbcsd.pact.ProductFootprint.PublishedEvent.3',
        specversion: '1.0',
        id: crypto.randomUUID(),
        source: b.did,
        time: new Date().toISOString(),
        data: { requestEventId: (asked as Request & { eventId: string }).eventId, pfIds: [published.id] },
      }),
    });
    return { status: res.status, body: (await res.json()) as { code?: string; detail?: string } };
  }

  /** A's stored answer and result stay what the genuine answer gave. */
  async function unchanged() {
    const [now] = await requests(a, 'outbox');
    expect(now).toMatchObject({ status: 'answered', pfId: published.id });
    expect(total(await resultOf(a, 'A'))).toBe(80.5);
  }

  it('rejects an altered footprint: the signature does not verify', async () => {
    const [header, payload, signature] = published.jws.split('.') as [string, string, string];
    const altered = unb64(payload).replace('"own":"10"', '"own":"1"');
    expect(altered).not.toBe(unb64(payload));
    const res = await announce(`${header}.${b64(altered)}.${signature}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('footprint.answer-rejected');
    expect(res.body.detail).toContain('the signature does not verify');
    await unchanged();
  });

  it('rejects a footprint signed with a key B does not publish', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const forged = await signFootprint(published.document, {
      kid: `${b.did}#forged`,
      alg: 'EdDSA',
      privateJwk: { ...(await exportJWK(privateKey)), alg: 'EdDSA' },
    });
    const res = await announce(forged);
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain(`${b.did} publishes no key ${b.did}#forged`);
    await unchanged();
  });

  it('rejects a genuine signature over an answer for a part A did not ask about', async () => {
    const ctx = b.node.context;
    const pid = ctx.config.defaultParticipantId;
    const signer = await signerOf(ctx, pid);
    const privateJwk = await privateKeyOf(
      ctx.participants,
      pid,
      signer.kid.slice(signer.kid.indexOf('#') + 1),
    );
    const other = await signFootprint(
      { ...published.document, productIds: ['urn:pact:b.example:other-cell'] },
      { kid: signer.kid, alg: signer.alg, privateJwk },
    );
    const res = await announce(other);
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('not the part asked about (urn:pact:b.example:cell)');
    await unchanged();
  });

  it('refuses requests from a participant without an exchange agreement', async () => {
    const before = await requests(b, 'inbox');
    const event = {
      type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
      specversion: '1.0',
      id: 'from-a-stranger',
      source: d.did,
      time: new Date().toISOString(),
      data: { productId: ['urn:pact:b.example:cell'] },
    };
    for (const authorization of [undefined, 'Bearer not-a-token']) {
      const res = await testFetch(`${b.node.url}/footprint/exchange/urn%3Auuid%3Anone/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(event),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { type?: string }).type).toMatch(/^https:/);
    }
    expect(await requests(b, 'inbox')).toEqual(before);
  });

  it('refuses a request that carries the customer’s quantities', async () => {
    const before = await requests(b, 'inbox');
    const [transfer] = await ok<{ id: string; state: string }[]>(
      a,
      'GET',
      '/transfers?role=consumer&state=STARTED',
    );
    const edr = await ok<{ endpoint: string; authorization: string }>(
      a,
      'GET',
      `/transfers/${encodeURIComponent(transfer?.id ?? '')}/edr`,
    );
    const url = edr.endpoint.replace(/\/data\/transfers\/([^/]+)$/, '/footprint/exchange/$1/events');
    const res = await testFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${edr.authorization}` },
      body: JSON.stringify({
        type: 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3',
        specversion: '1.0',
        id: 'with-quantities',
        source: a.did,
        time: new Date().toISOString(),
        data: { productId: ['urn:pact:b.example:cell'], quantity: '5 kg per pack' },
      }),
    });
    expect(res.status).toBe(400);
    expect(await requests(b, 'inbox')).toEqual(before);
  });

  it('rejects a bad BOM file with its line number and stores nothing', async () => {
    const parts = await ok(a, 'GET', '/footprint/parts');
    const bom = await ok(a, 'GET', '/footprint/bom');
    const negative = await api<{ detail: string }>(a, 'POST', '/footprint/bom', {
      format: 'csv',
      text: 'parent,child,quantity,unit\nA,NEW1,1,kg\nA,NEW2,-2,kg\n',
    });
    expect(negative.status).toBe(400);
    expect(negative.body.detail).toBe('line 3: quantity -2 is negative');
    const cycle = await api<{ detail: string }>(a, 'POST', '/footprint/bom', {
      format: 'json',
      text: JSON.stringify([
        { parent: 'A', child: 'P', quantity: '1', unit: 'piece', childName: '中間品P' },
        { parent: 'P', child: 'A', quantity: '1', unit: 'piece' },
      ]),
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.detail).toMatch(
      /cycle: .*電池パック \(A\) → 中間品P \(P\) → 電池パック \(A\)|cycle: .*中間品P \(P\) → 電池パック \(A\) → 中間品P \(P\)/,
    );
    expect(await ok(a, 'GET', '/footprint/parts')).toEqual(parts);
    expect(await ok(a, 'GET', '/footprint/bom')).toEqual(bom);
    await unchanged();
  });
});

/** A diamond: B's cell is used by two of A's sub-assemblies and directly; asked once, counted per line. */
describe('a diamond BOM over the exchange', () => {
  let a: Company;
  let b: Company;

  beforeAll(async () => {
    [a, b] = await Promise.all([company(), company({ autoLink: true })]);
    await supplierCell(b);
    await ok(a, 'POST', '/footprint/bom', {
      format: 'csv',
      text: 'parent,child,quantity,unit\nA,X,1,piece\nA,Y,2,piece\nX,S,1,kg\nY,S,3,kg\nA,S,0.5,kg\n',
    });
    for (const [id, pre, main] of [
      ['A', '3.0', '20.0'],
      ['X', '0', '0.5'],
      ['Y', '0', '0'],
    ] as const)
      await ok(a, 'PUT', `/footprint/parts/${id}`, {
        name: `部品${id}`,
        unit: 'piece',
        own: own(pre, main, '1', '100'),
      });
    await ok(a, 'PUT', '/footprint/links/S', {
      supplierDid: b.did,
      supplierAddress: b.node.url,
      supplierPart: 'urn:pact:b.example:cell',
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('asks B once and counts its cell on every line: 23 + (0.5 + 11.5) + 2 × 34.5 + 0.5 × 11.5', async () => {
    await ok(a, 'POST', '/footprint/requests', { traceId: 'S' });
    await outboxReaches(a, 'S', 'answered');
    expect(await requests(b, 'inbox')).toHaveLength(1);
    expect(total(await resultOf(a, 'A'))).toBe(23 + 12 + 69 + 5.75);
  }, 60_000);
});
