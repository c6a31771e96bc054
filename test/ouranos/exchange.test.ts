import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overTls, startTestNode, type TestNode, testFetch } from '../support/node.js';
import { call, documented, schemaErrors, tradeRequestBody } from './support.js';

/**
 * Two companies hosted on one node trading through the Ouranos API: totals of a parts structure computed by the
 * footprint app, the supplier's answer on the customer's part, request status changes, pagination, token
 * refresh and password change. Expected values are worked out by hand in the comments.
 */
let n: TestNode;
let base: string;
let apiKey: string;

async function management(path: string, body: unknown) {
  const res = await testFetch(`${n.node.url}/management/v1${path}`, {
    method: 'POST',
    headers: { 'x-api-key': n.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Record<string, string>;
}

interface Company {
  operatorId: string;
  plantId: string;
  headers: Record<string, string>;
  account: string;
}

async function company(
  name: string,
  openOperatorId: string,
  account: string,
  password: string,
): Promise<Company> {
  const made = await management('/ouranos/operators', {
    operatorName: name,
    operatorAddress: '愛知県豊田市xx',
    openOperatorId,
    accountId: account,
    password,
  });
  const login = await call(
    base,
    'POST',
    '/auth/login',
    { apiKey },
    { operatorAccountId: account, accountPassword: password },
  );
  expect(login.status).toBe(201);
  const headers = { apiKey, authorization: `Bearer ${(login.body as { accessToken: string }).accessToken}` };
  const plant = await call(base, 'PUT', '/api/v1/authInfo?dataTarget=plant', headers, {
    plantId: null,
    operatorId: made.operatorId,
    plantName: `${name}工場`,
    plantAddress: '愛知県豊田市xx町1',
    openPlantId: `${openOperatorId}000001`,
    plantAttribute: {},
  });
  expect(plant.status).toBe(201);
  return {
    operatorId: made.operatorId as string,
    plantId: (plant.body as { plantId: string }).plantId,
    headers,
    account,
  };
}

const part = (c: Company, name: string, amount: number | null, terminated = false) => ({
  traceId: null,
  operatorId: c.operatorId,
  plantId: c.plantId,
  partsName: name,
  supportPartsName: null,
  terminatedFlag: terminated,
  amountRequired: amount,
  amountRequiredUnit: 'kilogram',
});

const dqr = (x: number) => ({ TeR: x, GeR: x, TiR: x });
const cfps = (traceId: string, pre: [number, number, number], main: [number, number, number]) =>
  (['pre', 'main'] as const).flatMap((stage) => {
    const [own, components, rating] = stage === 'pre' ? pre : main;
    return [
      {
        cfpId: null,
        traceId,
        ghgEmission: own,
        ghgDeclaredUnit: 'kgCO2e/kilogram',
        cfpType: `${stage}Production`,
        dqrType: `${stage}Processing`,
        dqrValue: dqr(rating),
      },
      {
        cfpId: null,
        traceId,
        ghgEmission: components,
        ghgDeclaredUnit: 'kgCO2e/kilogram',
        cfpType: `${stage}Component`,
        dqrType: `${stage}Processing`,
        dqrValue: dqr(rating),
      },
    ];
  });

let A: Company;
let B: Company;
let parent: string;
let bought: string;
let made: string;
let tradeId: string;
let statusId: string;

beforeAll(async () => {
  n = await startTestNode(overTls);
  base = `${n.node.url}/p/${n.node.context.config.defaultParticipantId}/ouranos`;
  apiKey = (await management('/ouranos/api-keys', { label: 'test' })).key as string;
  A = await company('トヨタ風', '2000000000001', 'a@example.jp', 'passwordA_1');
  B = await company('電池B', '2000000000002', 'b@example.jp', 'passwordB_1');
  // A: 製品P = 2 kg of 部品C1 (bought from B) + 0.5 kg of 部品C2 (made in-house, a leaf)
  const s = await call(base, 'PUT', '/api/v1/datatransport?dataTarget=partsStructure', A.headers, {
    parentPartsModel: part(A, '製品P', null),
    childrenPartsModel: [part(A, '部品C1', 2), part(A, '部品C2', 0.5, true)],
  });
  expect(s.status).toBe(201);
  const body = s.body as { parentPartsModel: { traceId: string }; childrenPartsModel: { traceId: string }[] };
  parent = body.parentPartsModel.traceId;
  [bought, made] = body.childrenPartsModel.map((c) => c.traceId) as [string, string];
  const t = await call(
    base,
    'PUT',
    '/api/v1/datatransport?dataTarget=tradeRequest',
    A.headers,
    tradeRequestBody({
      downstream: A.operatorId,
      upstream: B.operatorId,
      traceId: bought,
      message: '回答をお願いします',
    }),
  );
  expect(t.status).toBe(201);
  ({ tradeId, statusId } = (t.body as { statusModel: { tradeId: string; statusId: string } }).statusModel);
  // B answers with its battery cell: pre 1.5 own + 0.5 components (DQR 2), main 10 + 0 (DQR 1)
  const cell = await call(
    base,
    'PUT',
    '/api/v1/datatransport?dataTarget=parts',
    B.headers,
    part(B, '電池セル', null, true),
  );
  const cellId = (cell.body as { traceId: string }).traceId;
  expect(
    (
      await call(
        base,
        'PUT',
        '/api/v1/datatransport?dataTarget=cfp',
        B.headers,
        cfps(cellId, [1.5, 0.5, 2], [10, 0, 1]),
      )
    ).status,
  ).toBe(201);
  expect(
    (
      await call(
        base,
        'PUT',
        `/api/v1/datatransport?dataTarget=tradeResponse&tradeId=${tradeId}&traceId=${cellId}`,
        B.headers,
      )
    ).status,
  ).toBe(201);
  // A's own data: P pre 3 (DQR 1), main 20 (DQR 2); C2 pre 2 (DQR 3), main 4 (DQR 3)
  expect(
    (
      await call(
        base,
        'PUT',
        '/api/v1/datatransport?dataTarget=cfp',
        A.headers,
        cfps(parent, [3, 0, 1], [20, 0, 2]),
      )
    ).status,
  ).toBe(201);
  expect(
    (
      await call(
        base,
        'PUT',
        '/api/v1/datatransport?dataTarget=cfp',
        A.headers,
        cfps(made, [2, 0, 3], [4, 0, 3]),
      )
    ).status,
  ).toBe(201);
}, 60_000);
afterAll(() => n?.stop());

const byType = (records: unknown) =>
  Object.fromEntries(
    (records as { cfpType: string; ghgEmission: number; dqrValue: unknown }[]).map((r) => [r.cfpType, r]),
  );

describe('trading between two operators of one node', () => {
  it('totals of a structure come from the footprint app; the supplier answer shows on the bought part', async () => {
    const res = await call(
      base,
      'GET',
      `/api/v1/datatransport?dataTarget=cfp&traceIds=${parent},${bought}`,
      A.headers,
    );
    expect(res.status).toBe(200);
    const doc = await documented('GET', '/api/v1/datatransport?dataTarget=cfp&traceIds=x');
    expect(schemaErrors(doc.schema as object, res.body)).toEqual([]);
    const records = res.body as { traceId: string }[];
    const p = byType(records.filter((r) => r.traceId === parent));
    // pre: own 3; components 2 × (1.5 + 0.5) + 0.5 × 2 = 5. main: own 20; components 2 × 10 + 0.5 × 4 = 22.
    expect(p.preProductionTotal?.ghgEmission).toBe(3);
    expect(p.preComponentTotal?.ghgEmission).toBe(5);
    expect(p.mainProductionTotal?.ghgEmission).toBe(20);
    expect(p.mainComponentTotal?.ghgEmission).toBe(22);
    // DQR weighted by emission: pre (3×1 + 4×2 + 1×3) / 8 = 1.75; main (20×2 + 20×1 + 2×3) / 42 = 1.571428… ↑ 1.57143
    expect(p.preProductionTotal?.dqrValue).toEqual(dqr(1.75));
    expect(p.mainComponentTotal?.dqrValue).toEqual(dqr(1.57143));
    expect(p.preProductionResponse).toBeUndefined();
    const c1 = byType(records.filter((r) => r.traceId === bought));
    // B's whole stage per kg: pre 1.5 + 0.5 = 2 with B's DQR 2; main 10 with DQR 1
    expect(c1.preProductionResponse).toMatchObject({
      ghgEmission: 2,
      dqrValue: dqr(2),
      cfpId: null,
      dqrType: 'preProcessingResponse',
    });
    expect(c1.mainProductionResponse).toMatchObject({
      ghgEmission: 10,
      dqrValue: dqr(1),
      dqrType: 'mainProcessingResponse',
    });
  });

  it('the supplier sees the request without the amount, and nothing of the customer’s other parts', async () => {
    const res = await call(base, 'GET', '/api/v1/datatransport?dataTarget=tradeResponse', B.headers);
    const [r] = res.body as { partsModel: { amountRequired: unknown; traceId: string } }[];
    expect(r?.partsModel).toMatchObject({ traceId: bought, amountRequired: null });
    const cfp = await call(
      base,
      'GET',
      `/api/v1/datatransport?dataTarget=cfp&traceIds=${parent},${bought}`,
      B.headers,
    );
    expect(cfp.body).toEqual([]);
    const structure = await call(
      base,
      'GET',
      `/api/v1/datatransport?dataTarget=partsStructure&traceId=${parent}`,
      B.headers,
    );
    expect(structure.status).toBe(404);
    const status = await call(
      base,
      'GET',
      '/api/v1/datatransport?dataTarget=status&statusTarget=REQUEST',
      A.headers,
    );
    expect(status.body).toMatchObject([
      {
        statusId,
        requestStatus: {
          cfpResponseStatus: 'COMPLETED',
          tradeTreeStatus: 'TERMINATED',
          completedCount: 1,
          tradesCount: 1,
        },
      },
    ]);
  });

  it('pages parts by partsName with a link header', async () => {
    const first = await call(base, 'GET', '/api/v1/datatransport?dataTarget=parts&limit=2', A.headers);
    expect(first.status).toBe(200);
    expect((first.body as { partsName: string }[]).map((p) => p.partsName)).toEqual(['製品P', '部品C1']);
    const link = first.headers.get('link') as string;
    const next = link.match(/^<([^>]+)>; rel="next"$/)?.[1] as string;
    expect(next).toContain('after=');
    const second = await call('', 'GET', next, A.headers);
    expect((second.body as { partsName: string }[]).map((p) => p.partsName)).toEqual(['部品C2']);
    expect(second.headers.get('link')).toBeNull();
    const parents = await call(
      base,
      'GET',
      '/api/v1/datatransport?dataTarget=parts&parentFlag=true',
      A.headers,
    );
    expect((parents.body as { traceId: string }[]).map((p) => p.traceId)).toEqual([parent]);
  });

  it('updates the own operator and plants; deletes a free part, refuses one in a structure', async () => {
    const me = (await call(base, 'GET', '/api/v1/authInfo?dataTarget=operator', A.headers)).body as Record<
      string,
      unknown
    >;
    const renamed = await call(base, 'PUT', '/api/v1/authInfo?dataTarget=operator', A.headers, {
      ...me,
      operatorName: 'トヨタ風株式会社',
    });
    expect(renamed.status).toBe(201);
    expect(renamed.body).toMatchObject({ operatorId: A.operatorId, operatorName: 'トヨタ風株式会社' });
    expect((await call(base, 'PUT', '/api/v1/authInfo?dataTarget=operator', B.headers, me)).status).toBe(403);
    const plants = await call(base, 'GET', '/api/v1/authInfo?dataTarget=plant', A.headers);
    expect(plants.body).toMatchObject([{ plantId: A.plantId, plantName: 'トヨタ風工場' }]);
    const free = await call(
      base,
      'PUT',
      '/api/v1/datatransport?dataTarget=parts',
      A.headers,
      part(A, '試作品', null),
    );
    const freeId = (free.body as { traceId: string }).traceId;
    const gone = await call(
      base,
      'DELETE',
      `/api/v1/datatransport?dataTarget=parts&traceId=${freeId}`,
      A.headers,
    );
    expect(gone.status).toBe(204);
    expect(
      (await call(base, 'GET', `/api/v1/datatransport?dataTarget=parts&traceId=${freeId}`, A.headers)).body,
    ).toEqual([]);
    const kept = await call(
      base,
      'DELETE',
      `/api/v1/datatransport?dataTarget=parts&traceId=${made}`,
      A.headers,
    );
    expect(kept.status).toBe(400);
    expect(
      (await call(base, 'GET', `/api/v1/datatransport?dataTarget=parts&traceId=${made}`, A.headers)).body,
    ).toHaveLength(1);
    expect(
      (await call(base, 'DELETE', `/api/v1/datatransport?dataTarget=parts&traceId=${made}`, B.headers))
        .status,
    ).toBe(404);
  });

  it('a request sent back (REJECT) stops the answer from counting', async () => {
    const reject = await call(base, 'PUT', '/api/v1/datatransport?dataTarget=status', B.headers, {
      statusId,
      tradeId,
      requestStatus: { cfpResponseStatus: 'REJECT', tradeTreeStatus: 'UNTERMINATED' },
      message: null,
      replyMessage: '対象部品が違います',
      requestType: 'CFP',
      responseDueDate: null,
    });
    expect(reject.status).toBe(201);
    const status = await call(
      base,
      'GET',
      `/api/v1/datatransport?dataTarget=status&statusId=${statusId}`,
      A.headers,
    );
    expect(status.body).toMatchObject([
      { replyMessage: '対象部品が違います', requestStatus: { cfpResponseStatus: 'REJECT' } },
    ]);
    const cfp = byType(
      (
        await call(
          base,
          'GET',
          `/api/v1/datatransport?dataTarget=cfp&traceIds=${bought},${parent}`,
          A.headers,
        )
      ).body,
    );
    expect(cfp.preProductionResponse).toBeUndefined();
    expect(cfp.preProductionTotal).toBeUndefined(); // C1 has no answer now: the total would be partial
    const cancel = await call(base, 'PUT', '/api/v1/datatransport?dataTarget=status', B.headers, {
      statusId,
      tradeId,
      requestStatus: { cfpResponseStatus: 'CANCEL', tradeTreeStatus: 'UNTERMINATED' },
      message: null,
      replyMessage: null,
      requestType: 'CFP',
      responseDueDate: null,
    });
    expect(cancel.status).toBe(403); // only the customer withdraws its request
  });

  it('a trade loop between two operators has no answer and does not hang', async () => {
    const q1 = (
      await call(base, 'PUT', '/api/v1/datatransport?dataTarget=parts', A.headers, part(A, '循環A', null))
    ).body as { traceId: string };
    const q2 = (
      await call(base, 'PUT', '/api/v1/datatransport?dataTarget=parts', B.headers, part(B, '循環B', null))
    ).body as { traceId: string };
    const request = async (from: Company, to: Company, traceId: string) => {
      const t = await call(
        base,
        'PUT',
        '/api/v1/datatransport?dataTarget=tradeRequest',
        from.headers,
        tradeRequestBody({ downstream: from.operatorId, upstream: to.operatorId, traceId: traceId }),
      );
      expect(t.status).toBe(201);
      return (t.body as { tradeModel: { tradeId: string } }).tradeModel.tradeId;
    };
    const ab = await request(A, B, q1.traceId);
    const ba = await request(B, A, q2.traceId);
    expect(
      (
        await call(
          base,
          'PUT',
          `/api/v1/datatransport?dataTarget=tradeResponse&tradeId=${ab}&traceId=${q2.traceId}`,
          B.headers,
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await call(
          base,
          'PUT',
          `/api/v1/datatransport?dataTarget=tradeResponse&tradeId=${ba}&traceId=${q1.traceId}`,
          A.headers,
        )
      ).status,
    ).toBe(201);
    const cfp = await call(
      base,
      'GET',
      `/api/v1/datatransport?dataTarget=cfp&traceIds=${q1.traceId}`,
      A.headers,
    );
    expect(cfp).toMatchObject({ status: 200, body: [] });
    const status = await call(
      base,
      'GET',
      '/api/v1/datatransport?dataTarget=status&statusTarget=REQUEST',
      A.headers,
    );
    // A→B, then B's part is requested back from A: two requests in the tree, each counted once, none answered
    expect((status.body as { tradeId: string }[]).find((x) => x.tradeId === ab)).toMatchObject({
      requestStatus: {
        cfpResponseStatus: 'NOT_COMPLETED',
        tradesCount: 2,
        completedCount: 0,
        tradeTreeStatus: 'UNTERMINATED',
      },
    });
  });

  it('refreshes tokens, and a password change ends the old ones', async () => {
    const login = await call(
      base,
      'POST',
      '/auth/login',
      { apiKey },
      { operatorAccountId: 'b@example.jp', accountPassword: 'passwordB_1' },
    );
    const { refreshToken } = login.body as { refreshToken: string };
    const refreshed = await call(base, 'POST', '/auth/refresh', { apiKey }, { refreshToken });
    expect(refreshed.status).toBe(201);
    const fresh = {
      apiKey,
      authorization: `Bearer ${(refreshed.body as { accessToken: string }).accessToken}`,
    };
    expect((await call(base, 'GET', '/api/v1/authInfo?dataTarget=operator', fresh)).body).toMatchObject({
      operatorId: B.operatorId,
    });
    const change = await call(base, 'POST', '/auth/change', fresh, { newPassword: 'NewPass#2027' });
    expect(change.status).toBe(201);
    expect((await call(base, 'GET', '/api/v1/authInfo?dataTarget=operator', fresh)).status).toBe(401);
    expect((await call(base, 'POST', '/auth/refresh', { apiKey }, { refreshToken })).status).toBe(401);
    expect(
      (
        await call(
          base,
          'POST',
          '/auth/login',
          { apiKey },
          { operatorAccountId: 'b@example.jp', accountPassword: 'passwordB_1' },
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await call(
          base,
          'POST',
          '/auth/login',
          { apiKey },
          { operatorAccountId: 'b@example.jp', accountPassword: 'NewPass#2027' },
        )
      ).status,
    ).toBe(201);
  });

  it('every data access is in the audit log, with the operator as actor', async () => {
    const read = await call(
      base,
      'GET',
      `/api/v1/datatransport?dataTarget=cfp&traceIds=${parent}`,
      A.headers,
    );
    const track = read.headers.get('x-track');
    let entries: { actor: string; action: string; resourceType: string; details?: { track?: string } }[] = [];
    // appended when the response ends: poll, bounded
    for (let i = 0; i < 50 && !entries.some((e) => e.details?.track === track); i++) {
      const res = await testFetch(`${n.node.url}/management/v1/audit?resourceType=ouranos.cfp&limit=1000`, {
        headers: { 'x-api-key': n.apiKey },
      });
      const body = (await res.json()) as typeof entries | { items: typeof entries };
      entries = Array.isArray(body) ? body : body.items;
      if (!entries.some((e) => e.details?.track === track)) await new Promise((r) => setImmediate(r));
    }
    expect(entries.find((e) => e.details?.track === track)).toMatchObject({
      actor: `ouranos-operator:${A.operatorId}`,
      action: 'ouranos.get',
      resourceType: 'ouranos.cfp',
    });
  });

  it('locks an account after five failed logins, whatever the password then', async () => {
    const attempt = (password: string) =>
      call(
        base,
        'POST',
        '/auth/login',
        { apiKey },
        { operatorAccountId: 'a@example.jp', accountPassword: password },
      );
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}-password`)).status).toBe(401);
    const locked = await attempt('passwordA_1');
    expect(locked.status).toBe(401);
    expect(locked.body).toMatchObject({ code: '[auth] Unauthorized', message: /Too many failed/ });
  });

  it('an unknown participant is a 404 in the platform’s error body', async () => {
    const res = await call(
      n.node.url,
      'POST',
      '/p/nobody/ouranos/auth/login',
      { apiKey },
      { operatorAccountId: 'a@example.jp', accountPassword: 'passwordA_1' },
    );
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: '[auth] NotFound' });
  });
});
