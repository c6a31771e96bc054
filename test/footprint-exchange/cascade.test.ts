import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  type Company,
  company,
  eventually,
  ok,
  outboxReaches,
  own,
  packLinkedTo,
  requests,
  resultOf,
  supplierCell,
  total,
} from './support.js';

interface Published {
  id: string;
  version: number;
  status: string;
  precedingPfIds: string[];
}

/**
 * Three tiers on loopback, nobody at the keyboard: the pack maker A asks the cell maker B; B links the request
 * to its cell by product id, asks the cathode maker C first, and answers once C has; A verifies and aggregates.
 */
describe('a 3-tier cascade over the data space', () => {
  let a: Company;
  let b: Company;
  let c: Company;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([company(), company({ autoLink: true }), company({ autoLink: true })]);
    await ok(c, 'PUT', '/footprint/parts/cathode', {
      name: '正極材 NCM811',
      unit: 'kg',
      productIds: ['urn:pact:c.example:ncm811'],
      own: own('2.0', '1.0', '3', '100'),
    });
    await supplierCell(b);
    await ok(b, 'POST', '/footprint/bom', {
      format: 'json',
      text: JSON.stringify([
        { parent: 'cell', child: 'cathode-in', quantity: 0.2, unit: 'kg', childName: '正極材' },
      ]),
    });
    await ok(b, 'PUT', '/footprint/links/cathode-in', {
      supplierDid: c.did,
      supplierAddress: c.node.url,
      supplierPart: 'urn:pact:c.example:ncm811',
    });
    await packLinkedTo(a, b, 'urn:pact:b.example:cell');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
  });

  it('runs unattended from A to C and back: 23 + 5 × (11.5 + 0.2 × 3) = 83.5 per pack', async () => {
    await ok(a, 'POST', '/footprint/requests', {
      traceId: 'A1',
      message: '2026年度分',
      dueDate: '2026-12-31',
    });
    await outboxReaches(a, 'A1', 'answered');
    // B asked C on its own, and C answered B.
    expect((await requests(b, 'outbox')).map((r) => [r.traceId, r.status])).toEqual([
      ['cathode-in', 'answered'],
    ]);
    expect((await requests(c, 'inbox')).map((r) => [r.traceId, r.status])).toEqual([['cathode', 'answered']]);
    const cell = await resultOf(b, 'cell');
    expect(total(cell)).toBeCloseTo(12.1, 10);
    const r = await resultOf(a, 'A');
    expect(r.partial).toBe(false);
    expect(r.footprint?.stages.pre.components).toBe('9.5'); // 5 × (1.5 + 0.2 × 2.0)
    expect(r.footprint?.stages.main.components).toBe('51'); // 5 × (10 + 0.2 × 1.0)
    expect(total(r)).toBe(83.5);
    // One hop: nothing A holds names C.
    const everything = JSON.stringify([await requests(a, 'outbox'), await resultOf(a, 'A')]);
    expect(everything).not.toContain(c.did);
    expect(everything).not.toContain('ncm811');
  }, 60_000);

  it('marks answers outdated when C changes and publishes new versions up to A', async () => {
    await ok(c, 'PUT', '/footprint/parts/cathode', {
      name: '正極材 NCM811',
      unit: 'kg',
      productIds: ['urn:pact:c.example:ncm811'],
      own: own('4.0', '1.0', '3', '100'),
    });
    // B's cell: 11.5 + 0.2 × 5 = 12.5; A: 23 + 5 × 12.5 = 85.5
    await eventually(
      'A recomputed from the new answer',
      async () => total(await resultOf(a, 'A')),
      (t) => t === 85.5,
      30_000,
    );
    const fromB = await ok<Published[]>(b, 'GET', '/footprint/published');
    expect(fromB.map((p) => [p.version, p.status])).toEqual([
      [1, 'Deprecated'],
      [2, 'Active'],
    ]);
    expect(fromB[1]?.precedingPfIds).toEqual([fromB[0]?.id]);
    const inboxB = await requests(b, 'inbox');
    expect(inboxB.map((r) => [r.status, r.pfId])).toEqual([['answered', fromB[1]?.id]]);
    const fromC = await ok<Published[]>(c, 'GET', '/footprint/published');
    expect(fromC.map((p) => p.status)).toEqual(['Deprecated', 'Active']);
  }, 60_000);
});

/**
 * A supplier that does not answer: B's cathode supplier D stays silent, so B cannot answer unattended; B's
 * owner answers anyway (allowPartial). A's result is partial and names only B — never D.
 */
describe('a silent supplier two tiers up', () => {
  let a: Company;
  let b: Company;
  let d: Company;

  beforeAll(async () => {
    [a, b, d] = await Promise.all([company(), company({ autoLink: true }), company()]);
    await ok(d, 'PUT', '/footprint/parts/cathode', {
      name: '正極材',
      unit: 'kg',
      own: own('2.0', '1.0', '3', '100'),
    });
    await supplierCell(b);
    await ok(b, 'POST', '/footprint/bom', {
      format: 'csv',
      text: 'parent,child,quantity,unit\ncell,cathode-in,0.2,kg\n',
    });
    await ok(b, 'PUT', '/footprint/links/cathode-in', {
      supplierDid: d.did,
      supplierAddress: d.node.url,
      supplierPart: 'urn:pact:d.example:silent-cathode',
    });
    await packLinkedTo(a, b, 'urn:pact:b.example:cell');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), d?.stop()]);
  });

  it('flags A partial naming only B, after B answers without D', async () => {
    await ok(a, 'POST', '/footprint/requests', { traceId: 'A1' });
    // B linked the request and asked D, which keeps it unanswered.
    await eventually(
      'D holds B’s request',
      () => requests(d, 'inbox'),
      (rs) => rs.length === 1 && rs[0]?.status === 'requested',
    );
    const [inbox] = await requests(b, 'inbox');
    expect(inbox).toMatchObject({ status: 'requested', traceId: 'cell' });
    // Unattended, B does not answer a partial result; its owner may.
    const refused = await api(
      b,
      'POST',
      `/footprint/requests/${encodeURIComponent(inbox?.id ?? '')}/answer`,
      {},
    );
    expect(refused.status).toBe(409);
    await ok(b, 'POST', `/footprint/requests/${encodeURIComponent(inbox?.id ?? '')}/answer`, {
      allowPartial: true,
    });
    await outboxReaches(a, 'A1', 'answered');
    const r = await resultOf(a, 'A');
    expect(r.partial).toBe(true);
    expect(r.flags).toEqual([
      {
        code: 'supplier-answer-partial',
        part: 'A1',
        supplier: { did: b.did, part: 'urn:pact:b.example:cell' },
      },
    ]);
    expect(total(r)).toBe(23 + 5 * 11.5);
    const everything = JSON.stringify([r, await requests(a, 'outbox')]);
    expect(everything).not.toContain(d.did);
    expect(everything).not.toContain('silent-cathode');
    // B itself sees which of its direct suppliers is missing.
    expect((await resultOf(b, 'cell')).flags).toContainEqual({
      code: 'supplier-answer-missing',
      part: 'cathode-in',
      supplier: { did: d.did, part: 'urn:pact:d.example:silent-cathode' },
    });
  }, 60_000);
});
