import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participantDid } from '../../src/dataspace/identity/index.js';
import { dspContext } from '../../src/dataspace/protocol/index.js';
import { dspAuthHeaders } from '../../src/node/counterparty.js';
import { createParticipant } from '../../src/node/index.js';
import { dspErrors, dspSchemas } from '../support/dsp-schemas.js';
import { startTestNode, type TestNode } from '../support/node.js';

const ajv = dspSchemas();
const schemaOf = { Catalog: 'catalog', Dataset: 'dataset', CatalogError: 'catalog-error' } as const;
/** Every catalog answer is checked against the official schema its @type names. */
function valid(body: Record<string, unknown>): Record<string, unknown> {
  const name = schemaOf[body['@type'] as keyof typeof schemaOf];
  expect(name, `unexpected @type ${String(body['@type'])}`).toBeDefined();
  expect(dspErrors(ajv, 'catalog', name, body)).toEqual([]);
  return body;
}

let t: TestNode;
let providerDid: string;

const manage = async (method: 'POST' | 'PUT' | 'GET' | 'DELETE', url: string, body?: unknown) => {
  const res = await t.node.app.inject({
    method,
    url: `/management/v1${url}`,
    headers: { 'x-api-key': t.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  return res;
};

/** A DSP request to the default participant, authenticated as `as` (a participant of the same node). */
const dsp = async (
  as: string,
  method: 'POST' | 'GET',
  url: string,
  body?: unknown,
  contentType = 'application/json',
) =>
  t.node.app.inject({
    method,
    url: `/dsp/2025-1${url}`,
    headers: {
      ...(await dspAuthHeaders(t.node.context, as, providerDid)),
      ...(body ? { 'content-type': contentType } : {}),
    },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });

const request = (filter?: unknown[]) => ({
  '@context': [dspContext],
  '@type': 'CatalogRequestMessage',
  ...(filter ? { filter } : {}),
});
const datasetIds = (body: Record<string, unknown>) =>
  ((body.dataset as { '@id': string }[] | undefined) ?? []).map((d) => d['@id']);

beforeAll(async () => {
  t = await startTestNode();
  const ctx = t.node.context;
  providerDid = participantDid(ctx.publicHost(), ctx.config.defaultParticipantId, true);
  for (const [id, name] of [
    ['beta', 'ベータ工業株式会社'],
    ['gamma', 'ガンマ商事'],
  ] as const)
    await createParticipant(ctx.participants, { id, name }, 'test');
  const betaDid = participantDid(ctx.publicHost(), 'beta', false);
  for (let i = 0; i < 250; i++) {
    const id = `bom-${String(i).padStart(3, '0')}`;
    const res = await manage('POST', '/assets', {
      id,
      title: `部品表 ${i}`,
      description: '二次サプライヤーの部品構成',
      contentType: i % 2 ? 'text/csv' : 'application/json',
      keywords: i < 5 ? ['部品表', 'カーボンフットプリント'] : ['部品表'],
      dataAddress: { type: 'HttpData', baseUrl: `https://internal.example/bom/${i}` },
    });
    expect(res.statusCode).toBe(201);
  }
  const secret = await manage('POST', '/assets', {
    id: 'secret-recipe',
    title: '配合表（社外秘）',
    keywords: ['社外秘'],
    dataAddress: { type: 'HttpData', baseUrl: 'https://internal.example/secret' },
  });
  expect(secret.statusCode).toBe(201);
  for (const policy of [
    { id: 'anyone', permission: [{ action: 'use' }] },
    {
      id: 'beta-only',
      title: 'ベータ工業のみ',
      permission: [
        {
          action: 'use',
          constraint: [{ leftOperand: 'participantId', operator: 'eq', rightOperand: betaDid }],
        },
      ],
    },
    {
      id: 'eu-use',
      permission: [
        { action: 'use', constraint: [{ leftOperand: 'spatial', operator: 'eq', rightOperand: 'EU' }] },
      ],
    },
  ])
    expect((await manage('POST', '/policies', policy)).statusCode).toBe(201);
  for (const offer of [
    { id: 'bom', accessPolicyId: 'anyone', contractPolicyId: 'eu-use', selector: { keywords: ['部品表'] } },
    {
      id: 'recipe',
      accessPolicyId: 'beta-only',
      contractPolicyId: 'anyone',
      selector: { assetIds: ['secret-recipe'] },
    },
  ])
    expect((await manage('POST', '/offers', offer)).statusCode).toBe(201);
}, 120_000);
afterAll(async () => t?.stop());

describe('DSP catalog endpoints', () => {
  it('answers a CatalogRequestMessage with a schema-valid Catalog: datasets, offers, distributions', async () => {
    const res = await dsp('beta', 'POST', '/catalog/request', request());
    expect(res.statusCode).toBe(200);
    const catalog = valid(res.json());
    expect(catalog.participantId).toBe(providerDid);
    const first = (catalog.dataset as Record<string, unknown>[])[0];
    expect(first).toMatchObject({
      '@id': 'bom-000',
      'dct:title': '部品表 0',
      'dcat:keyword': ['部品表', 'カーボンフットプリント'],
      'dcat:mediaType': 'application/json',
      hasPolicy: [
        {
          '@id': 'bom:bom-000',
          '@type': 'Offer',
          permission: [
            { action: 'use', constraint: [{ leftOperand: 'spatial', operator: 'eq', rightOperand: 'EU' }] },
          ],
        },
      ],
    });
    // The offer is the contract policy's rules only: not the policy record's own id, title or dates.
    const offer = ((first?.hasPolicy ?? []) as Record<string, unknown>[])[0] ?? {};
    expect(Object.keys(offer).sort()).toEqual(['@id', '@type', 'permission']);
    const formats = ((first?.distribution ?? []) as { format: string }[]).map((d) => d.format);
    expect(formats).toEqual(['HttpData-PULL', 'HttpData-PUSH']);
    // The data address stays private.
    expect(res.body).not.toContain('internal.example');
  });

  it('pages 251 datasets by continuation token in Link headers, forwards and back, each page valid', async () => {
    const seen: string[] = [];
    let res = await dsp('beta', 'POST', '/catalog/request', request());
    const pages: string[][] = [];
    for (let i = 0; i < 10; i++) {
      const body = valid(res.json());
      pages.push(datasetIds(body));
      seen.push(...datasetIds(body));
      const next = /<([^>]+)>;\s*rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
      if (!next) break;
      const u = new URL(next);
      expect(u.pathname).toBe('/dsp/2025-1/catalog/request');
      res = await dsp('beta', 'POST', `/catalog/request${u.search}`, request());
    }
    expect(pages.map((p) => p.length)).toEqual([100, 100, 51]);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(251);
    expect(seen).toContain('secret-recipe');
    const prev = /<([^>]+)>;\s*rel="prev"/.exec(String(res.headers.link ?? ''))?.[1];
    expect(prev).toBeDefined();
    const back = await dsp('beta', 'POST', `/catalog/request${new URL(prev ?? '').search}`, request());
    expect(datasetIds(valid(back.json()))).toEqual(pages[1]);
  });

  it('leaves out what the requester may not see, without a word about it (only the local debug log explains)', async () => {
    const all: string[] = [];
    let res = await dsp('gamma', 'POST', '/catalog/request?limit=1000', request());
    all.push(...datasetIds(valid(res.json())));
    expect(res.headers.link).toBeUndefined();
    expect(all).toHaveLength(250);
    expect(all).not.toContain('secret-recipe');
    expect(res.body).not.toMatch(/beta-only|secret|recipe/);
    res = await dsp('gamma', 'GET', '/catalog/datasets/secret-recipe');
    const unknown = await dsp('gamma', 'GET', '/catalog/datasets/no-such-thing');
    expect(res.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    valid(res.json());
    expect(res.json().code).toBe(unknown.json().code);
    expect(res.body.replaceAll('secret-recipe', 'X')).toBe(unknown.body.replaceAll('no-such-thing', 'X'));
    expect(t.logs()).toContain('offers hidden from the counterparty by their access policy');
    const visible = await dsp('beta', 'GET', '/catalog/datasets/secret-recipe');
    expect(visible.statusCode).toBe(200);
    expect(valid(visible.json())).toMatchObject({ '@id': 'secret-recipe', hasPolicy: [{ '@id': 'recipe' }] });
  });

  it('filters by keyword, media type and id; an unsupported filter is a 400 CatalogError', async () => {
    const res = await dsp(
      'beta',
      'POST',
      '/catalog/request',
      request([{ keyword: 'カーボンフットプリント' }, { mediaType: 'text/csv' }]),
    );
    expect(datasetIds(valid(res.json()))).toEqual(['bom-001', 'bom-003']);
    const byId = await dsp(
      'beta',
      'POST',
      '/catalog/request',
      request([{ id: ['bom-010', 'secret-recipe'] }]),
    );
    expect(datasetIds(valid(byId.json()))).toEqual(['bom-010', 'secret-recipe']);
    for (const filter of [[{ title: 'x' }], [{ keyword: 1 }], ['text'], [{ keyword: 'a', mediaType: 'b' }]]) {
      const bad = await dsp('beta', 'POST', '/catalog/request', request(filter));
      expect(bad.statusCode).toBe(400);
      expect(valid(bad.json())).toMatchObject({ code: 'catalog.unsupported-filter' });
    }
  });

  it('accepts the request as expanded JSON-LD (application/ld+json) and refuses an unknown @context by name', async () => {
    const plain = await dsp(
      'beta',
      'POST',
      '/catalog/request',
      [{ '@type': ['https://w3id.org/dspace/2025/1/CatalogRequestMessage'] }],
      'application/ld+json',
    );
    expect(plain.statusCode).toBe(200);
    expect(datasetIds(valid(plain.json()))).toHaveLength(100);
    const unknown = await dsp('beta', 'POST', '/catalog/request', {
      '@context': [dspContext, 'https://example.org/other-context.jsonld'],
      '@type': 'CatalogRequestMessage',
    });
    expect(unknown.statusCode).toBe(400);
    expect(valid(unknown.json()).reason).toEqual([
      expect.stringContaining('https://example.org/other-context.jsonld'),
    ]);
  });

  it('refuses a forged continuation token and a wrong message type with 400', async () => {
    const forged = await dsp('beta', 'POST', '/catalog/request?continuationToken=bm90LWpzb24', request());
    expect(forged.statusCode).toBe(400);
    expect(valid(forged.json()).code).toBe('catalog.invalid-continuation-token');
    const wrong = await dsp('beta', 'POST', '/catalog/request', {
      '@context': [dspContext],
      '@type': 'Catalog',
    });
    expect(wrong.statusCode).toBe(400);
    valid(wrong.json());
  });

  it('writes catalog reads to the audit log', async () => {
    const audit = await manage('GET', '/audit?limit=1000');
    const actions = (audit.json() as { action: string; actor: string }[]).filter(
      (e) => e.action === 'catalog.read',
    );
    expect(actions.length).toBeGreaterThan(3);
    expect(actions.map((a) => a.actor)).toContain(
      participantDid(t.node.context.publicHost(), 'gamma', false),
    );
  });
});
