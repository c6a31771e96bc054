import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  type Company,
  company,
  eventually,
  ok,
  outboxReaches,
  own,
  requests,
  resultOf,
  total,
} from './support.js';

/** A supplier working by hand: links each request, answers held for approval until approved, rejects one. */
describe('footprint requests answered by hand', () => {
  let a: Company;
  let b: Company;

  beforeAll(async () => {
    [a, b] = await Promise.all([company(), company({ approveBeforePublish: true })]);
    await ok(b, 'PUT', '/footprint/parts/cell', {
      name: '角形セル',
      unit: 'kg',
      own: own('1.5', '10.0', '2', '40'),
    });
    await ok(a, 'PUT', '/footprint/parts/A', {
      name: '電池パック',
      unit: 'piece',
      own: own('3.0', '20.0', '1', '100'),
    });
    await ok(a, 'POST', '/footprint/bom', {
      format: 'csv',
      text: 'parent,child,quantity,unit\nA,A1,5,kg\nA,A2,1,piece\n',
    });
    for (const [mine, theirs] of [
      ['A1', 'urn:pact:b.example:セル'],
      ['A2', 'urn:pact:b.example:廃番'],
    ] as const)
      await ok(a, 'PUT', `/footprint/links/${mine}`, {
        supplierDid: b.did,
        supplierAddress: b.node.url,
        supplierPart: theirs,
      });
    await ok(a, 'POST', '/footprint/requests', {
      traceId: 'A1',
      message: 'セルのCFPをお願いします',
      dueDate: '2027-01-31',
    });
    await ok(a, 'POST', '/footprint/requests', { traceId: 'A2' });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const inboxFor = async (partRef: string) => {
    const r = (await requests(b, 'inbox')).find((x) => x.partRef === partRef);
    if (!r) throw new Error(`no request for ${partRef}`);
    return r;
  };

  it('shows the customer’s message and due date in the inbox, unlinked', async () => {
    const r = await inboxFor('urn:pact:b.example:セル');
    expect(r).toMatchObject({
      status: 'requested',
      message: 'セルのCFPをお願いします',
      dueDate: '2027-01-31',
      counterpartyDid: a.did,
    });
    expect(r.traceId).toBeUndefined();
    const early = await api(b, 'POST', `/footprint/requests/${encodeURIComponent(r.id)}/answer`, {});
    expect(early.status).toBe(409);
    const unknown = await api(b, 'POST', `/footprint/requests/${encodeURIComponent(r.id)}/link`, {
      traceId: 'nope',
    });
    expect(unknown.status).toBe(404);
  });

  it('holds the answer until approved, then publishes it', async () => {
    const r = await inboxFor('urn:pact:b.example:セル');
    await ok(b, 'POST', `/footprint/requests/${encodeURIComponent(r.id)}/link`, { traceId: 'cell' });
    const nothing = await api(b, 'POST', `/footprint/requests/${encodeURIComponent(r.id)}/approve`);
    expect(nothing.status).toBe(409);
    const held = await ok<{ status: string }>(
      b,
      'POST',
      `/footprint/requests/${encodeURIComponent(r.id)}/answer`,
      {},
    );
    expect(held.status).toBe('requested');
    const pending = await ok<{ status: string; jws?: string }[]>(b, 'GET', '/footprint/published');
    expect(pending.map((p) => [p.status, p.jws])).toEqual([['Pending', undefined]]);
    expect((await requests(a, 'outbox')).map((x) => x.status)).toEqual(['requested', 'requested']);
    const approved = await ok<{ status: string }>(
      b,
      'POST',
      `/footprint/requests/${encodeURIComponent(r.id)}/approve`,
    );
    expect(approved.status).toBe('answered');
    await outboxReaches(a, 'A1', 'answered');
  });

  it('rejects with a reply the customer sees', async () => {
    const r = await inboxFor('urn:pact:b.example:廃番');
    await ok(b, 'POST', `/footprint/requests/${encodeURIComponent(r.id)}/reject`, {
      reply: '廃番品のため算定できません',
    });
    const [rejected] = await outboxReaches(a, 'A2', 'rejected');
    expect(rejected?.reply).toBe('廃番品のため算定できません');
    const again = await api(b, 'POST', `/footprint/requests/${encodeURIComponent(r.id)}/answer`, {});
    expect(again.status).toBe(409);
    // A's result: A1 answered, A2 missing → partial, naming B's part for A2.
    const result = await eventually(
      'A computed',
      () => resultOf(a, 'A'),
      (x) => x.flags.length > 0,
    );
    expect(result.partial).toBe(true);
    expect(result.flags).toEqual([
      {
        code: 'supplier-answer-missing',
        part: 'A2',
        supplier: { did: b.did, part: 'urn:pact:b.example:廃番' },
      },
    ]);
    expect(total(result)).toBe(80.5);
  });

  it('cancels a request: the supplier is told and the answer stops counting', async () => {
    const mine = (await requests(a, 'outbox')).find((x) => x.traceId === 'A1');
    const path = `/footprint/requests/${encodeURIComponent(mine?.id ?? '')}/cancel`;
    expect((await ok<{ status: string }>(a, 'POST', path)).status).toBe('cancelled');
    expect((await inboxFor('urn:pact:b.example:セル')).status).toBe('cancelled');
    expect((await resultOf(a, 'A')).flags.map((f) => f.part)).toEqual(['A1', 'A2']);
    expect((await api(a, 'POST', path)).status).toBe(409);
  });
});
