import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysFromDidDocument, verifyExport } from '../../src/dataspace/audit/index.js';
import { startTestNode, type TestNode } from '../support/node.js';

/** The management API's audit routes on a real node: verify, checkpoint, export, and mistakes as 4xx. */
describe('management audit API', () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode();
  }, 60_000);
  afterAll(async () => t?.stop());

  const call = (method: 'GET' | 'POST', url: string) =>
    t.node.app.inject({ method, url: `/management/v1${url}`, headers: { 'x-api-key': t.apiKey } });

  it('checkpoints, verifies and exports a log that verifies offline against the served DID document', async () => {
    const cp = await call('POST', '/audit/checkpoints');
    expect(cp.statusCode).toBe(201);
    const { seq } = cp.json() as { seq: number };
    const verify = (await call('GET', '/audit/verify')).json();
    expect(verify).toMatchObject({ intact: true, lastCheckpoint: seq, head: { seq } });

    const exported = await call('GET', '/audit/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = exported.body.trim().split('\n');
    expect(lines).toHaveLength(seq);
    const did = (await t.node.app.inject({ url: '/.well-known/did.json' })).json();
    const report = await verifyExport(
      (async function* () {
        yield* lines;
      })(),
      keysFromDidDocument(did),
    );
    expect(report).toMatchObject({ intact: true, checkpoints: 1, entries: seq });
  });

  it('reports a tampered log with the first bad entry, not an error status', async () => {
    await t.node.context.db.updateTable('audit_log').set({ actor: '改ざん' }).where('seq', '=', 1).execute();
    const r = await call('GET', '/audit/verify');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      intact: false,
      firstBroken: 1,
      firstBad: { seq: 1, problem: 'edited' },
    });
  });

  it('refuses a bad export range with a 400 problem', async () => {
    const r = await call('GET', `/audit/export?from=${encodeURIComponent('来週')}`);
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.json()).toMatchObject({ code: 'audit.invalid-date' });
  });
});
