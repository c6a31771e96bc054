import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParticipant } from '../../src/node/index.js';
import { dspErrors, dspSchemas } from '../support/dsp-schemas.js';
import { startTestNode, type TestNode } from '../support/node.js';

let t: TestNode;
let betaKey: string;

beforeAll(async () => {
  t = await startTestNode();
  const created = await createParticipant(
    t.node.context.participants,
    { id: 'beta', name: 'ベータ工業株式会社', corporateNumber: '7000012050002' },
    'test',
  );
  betaKey = created.apiKey.key;
});
afterAll(async () => t.stop());

const inject = (opts: {
  method?: 'GET' | 'POST' | 'DELETE';
  url: string;
  key?: string;
  body?: unknown;
  raw?: string;
}) =>
  t.node.app.inject({
    method: opts.method ?? 'GET',
    url: opts.url,
    headers: {
      ...(opts.key ? { 'x-api-key': opts.key } : {}),
      ...(opts.body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
    ...(opts.raw !== undefined ? { payload: opts.raw } : {}),
  });

const asset = (id: string) => ({
  id,
  title: `作業手順書 ${id}`,
  dataAddress: { type: 'HttpData', baseUrl: 'https://internal.example/secret' },
});

describe('node HTTP scopes', () => {
  it('answers /health while the database answers', async () => {
    const res = await inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', engine: t.node.context.engine });
    expect(['sqlite', 'postgres']).toContain(t.node.context.engine);
  });

  it('publishes a valid OpenAPI 3.1 description of the management API', async () => {
    const res = await inject({ url: '/management/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/management/v1/assets', '/management/v1/assets/{id}', '/management/v1/audit']),
    );
    const result = await validate(structuredClone(doc));
    expect(result).toMatchObject({ valid: true });
  });

  it('refuses the management API without a key, with a wrong key, and with a revoked key', async () => {
    for (const key of [undefined, 'msk_default_wrong', 'not-even-a-key']) {
      const res = await inject({ url: '/management/v1/participant', ...(key ? { key } : {}) });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toMatch(/^auth\./);
    }
    const issued = await inject({
      method: 'POST',
      url: '/management/v1/api-keys',
      key: t.apiKey,
      body: { label: 'temp' },
    });
    expect(issued.statusCode).toBe(201);
    const { id, key } = issued.json();
    expect((await inject({ url: '/management/v1/participant', key })).statusCode).toBe(200);
    expect(
      (await inject({ method: 'DELETE', url: `/management/v1/api-keys/${id}`, key: t.apiKey })).statusCode,
    ).toBe(204);
    expect((await inject({ url: '/management/v1/participant', key })).statusCode).toBe(401);
  });

  it('never lets one participant see, list, delete or audit another participant’s assets', async () => {
    expect(
      (
        await inject({
          method: 'POST',
          url: '/management/v1/assets',
          key: t.apiKey,
          body: asset('default-only'),
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (await inject({ method: 'POST', url: '/management/v1/assets', key: betaKey, body: asset('beta-only') }))
        .statusCode,
    ).toBe(201);

    const seenByBeta = await inject({ url: '/management/v1/assets/default-only', key: betaKey });
    const missing = await inject({ url: '/management/v1/assets/never-existed', key: betaKey });
    expect(seenByBeta.statusCode).toBe(404);
    // Indistinguishable from a resource that does not exist, apart from the id echoed back.
    expect({ ...seenByBeta.json(), detail: '', instance: '' }).toEqual({
      ...missing.json(),
      detail: '',
      instance: '',
    });
    expect(
      (await inject({ url: '/management/v1/assets', key: betaKey })).json().map((a: { id: string }) => a.id),
    ).toEqual(['beta-only']);
    expect(
      (await inject({ method: 'DELETE', url: '/management/v1/assets/default-only', key: betaKey }))
        .statusCode,
    ).toBe(404);
    expect((await inject({ url: '/management/v1/assets/default-only', key: t.apiKey })).statusCode).toBe(200);

    const betaAudit = (await inject({ url: '/management/v1/audit', key: betaKey })).json();
    expect(betaAudit.map((e: { resourceId: string }) => e.resourceId)).not.toContain('default-only');
    const defaultKeys = (await inject({ url: '/management/v1/api-keys', key: t.apiKey })).json();
    const revokeOther = await inject({
      method: 'DELETE',
      url: `/management/v1/api-keys/${defaultKeys[0].id}`,
      key: betaKey,
    });
    expect(revokeOther.statusCode).toBe(404);
    expect((await inject({ url: '/management/v1/participant', key: t.apiKey })).statusCode).toBe(200);
  });

  it('answers bad input with a 4xx problem naming the fault and loses nothing already stored', async () => {
    await inject({ method: 'POST', url: '/management/v1/assets', key: t.apiKey, body: asset('kept') });
    const before = (await inject({ url: '/management/v1/assets', key: t.apiKey })).json();

    const unknownField = await inject({
      method: 'POST',
      url: '/management/v1/assets',
      key: t.apiKey,
      body: { ...asset('x'), colour: 'red' },
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().errors).toEqual([expect.objectContaining({ pointer: '/body/colour' })]);
    const missing = await inject({
      method: 'POST',
      url: '/management/v1/assets',
      key: t.apiKey,
      body: { id: 'x' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].pointer).toMatch(/^\/body\/(title|dataAddress)$/);
    const broken = await inject({
      method: 'POST',
      url: '/management/v1/assets',
      key: t.apiKey,
      raw: '{"id": "x",',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.headers['content-type']).toContain('application/problem+json');
    const duplicate = await inject({
      method: 'POST',
      url: '/management/v1/assets',
      key: t.apiKey,
      body: { ...asset('kept'), title: '上書き' },
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('asset.exists');
    const badLimit = await inject({ url: '/management/v1/assets?limit=0', key: t.apiKey });
    expect(badLimit.statusCode).toBe(400);
    const unknownRoute = await inject({ url: '/management/v1/nothing-here', key: t.apiKey });
    expect(unknownRoute.statusCode).toBe(404);

    expect((await inject({ url: '/management/v1/assets', key: t.apiKey })).json()).toEqual(before);
    expect((await inject({ url: '/management/v1/assets/kept', key: t.apiKey })).json().title).toBe(
      '作業手順書 kept',
    );
  });

  it('records every change in a hash-chained audit log that verifies', async () => {
    await inject({ method: 'POST', url: '/management/v1/assets', key: betaKey, body: asset('audited') });
    await inject({ method: 'DELETE', url: '/management/v1/assets/audited', key: betaKey });
    const log = (await inject({ url: '/management/v1/audit', key: betaKey })).json();
    const actions = log
      .filter((e: { resourceId: string }) => e.resourceId === 'audited')
      .map((e: { action: string }) => e.action);
    expect(actions).toEqual(['asset.create', 'asset.delete']);
    expect(log[0].action).toBe('participant.create');
    expect(log.every((e: { actor: string }) => e.actor.length > 0)).toBe(true);
    expect((await inject({ url: '/management/v1/audit/verify', key: betaKey })).json()).toMatchObject({
      intact: true,
    });
  });

  it('serves each participant’s DID document and DSP version under its own root, the default also at /', async () => {
    const host = encodeURIComponent(`localhost:${t.node.port}`);
    const beta = await inject({ url: '/p/beta/did.json' });
    expect(beta.statusCode).toBe(200);
    expect(beta.json().id).toBe(`did:web:${host}:p:beta`);
    expect(JSON.stringify(beta.json())).not.toMatch(/"d":/);
    expect((await inject({ url: '/.well-known/did.json' })).json().id).toBe(`did:web:${host}`);
    expect(
      (await inject({ url: '/p/beta/.well-known/dspace-version' })).json().protocolVersions[0],
    ).toMatchObject({ version: '2025-1', path: '/p/beta/dsp/2025-1' });
    expect((await inject({ url: '/.well-known/dspace-version' })).json().protocolVersions[0].path).toBe(
      '/dsp/2025-1',
    );
    const ajv = dspSchemas();
    for (const url of ['/.well-known/dspace-version', '/p/beta/.well-known/dspace-version']) {
      expect(dspErrors(ajv, 'common', 'protocol-version', (await inject({ url })).json()), url).toEqual([]);
    }
    expect(dspErrors(ajv, 'common', 'protocol-version', { protocolVersions: [] })).not.toEqual([]);
    const nobody = await inject({ url: '/p/nobody/did.json' });
    expect(nobody.statusCode).toBe(404);
    expect(nobody.json().code).toBe('participant.not-found');
  });

  it('refuses unauthenticated protocol and data-plane requests', async () => {
    for (const url of [
      '/dsp/2025-1/catalog/request',
      '/p/beta/dsp/2025-1/negotiations/x',
      '/data/anything',
    ]) {
      const res = await inject({ method: 'POST', url, body: {} });
      expect(res.statusCode, url).toBe(401);
    }
  });

  it('counts database queries in /metrics', async () => {
    const count = async () =>
      Number((await inject({ url: '/metrics' })).body.match(/^musubi_db_queries_total (\d+)/m)?.[1]);
    const before = await count();
    await inject({ url: '/management/v1/assets', key: t.apiKey });
    expect(await count()).toBeGreaterThan(before);
    expect((await inject({ url: '/metrics' })).body).toMatch(
      /musubi_http_requests_total\{scope="management"/,
    );
  });

  it('never writes API keys into the log', async () => {
    await inject({ url: '/management/v1/participant', key: t.apiKey });
    await t.node.app.inject({
      url: '/management/v1/participant',
      headers: { authorization: `Bearer ${betaKey}` },
    });
    const logs = t.logs();
    expect(logs).toContain('request completed');
    expect(logs).not.toContain(t.apiKey);
    expect(logs).not.toContain(betaKey);
  });

  it('shows the participant its corporate number and key ids, never private keys', async () => {
    const me = (await inject({ url: '/management/v1/participant', key: betaKey })).json();
    expect(me).toMatchObject({ id: 'beta', name: 'ベータ工業株式会社', corporateNumber: '7000012050002' });
    expect(me.keys.map((k: { alg: string }) => k.alg).sort()).toEqual(['ES256', 'EdDSA']);
    expect(JSON.stringify(me)).not.toMatch(/"d"/);
  });
});
