import { afterAll, beforeAll, expect, it } from 'vitest';
import { createParticipant } from '../../src/node/index.js';
import { eventually, loopbackNode } from '../dataspace/two-node-support.js';
import { overTls, type TestNode, testFetch } from '../support/node.js';
import { call, tradeRequestBody } from './support.js';

/**
 * Operators of two participants of one node (a hosting provider's default participant and `beta`) trade through
 * the same bridge as across nodes: beta's operator is registered as a partner with beta's DID and address.
 */
let n: TestNode & { did: string };
let betaKey: string;
let A: Awaited<ReturnType<typeof operator>>;
let B: Awaited<ReturnType<typeof operator>>;
const baseA = () => `${n.node.url}/ouranos`;
const baseB = () => `${n.node.url}/p/beta/ouranos`;

async function management(key: string, method: string, path: string, body?: unknown) {
  const res = await testFetch(`${n.node.url}/management/v1${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function operator(key: string, base: string, o: { name: string; open: string; account: string }) {
  const apiKey = (await management(key, 'POST', '/ouranos/api-keys', { label: 'アプリ' })).key as string;
  const password = 'passWord&01_x';
  const { operatorId } = await management(key, 'POST', '/ouranos/operators', {
    operatorName: o.name,
    operatorAddress: '東京都',
    openOperatorId: o.open,
    accountId: o.account,
    password,
  });
  const login = await call(
    base,
    'POST',
    '/auth/login',
    { apiKey },
    { operatorAccountId: o.account, accountPassword: password },
  );
  const h = { apiKey, authorization: `Bearer ${(login.body as { accessToken: string }).accessToken}` };
  const plant = await call(base, 'PUT', '/api/v1/authInfo?dataTarget=plant', h, {
    plantId: null,
    operatorId,
    plantName: `${o.name}工場`,
    plantAddress: '東京都',
    openPlantId: `${o.open}000001`,
    plantAttribute: {},
  });
  return { h, operatorId: operatorId as string, plantId: (plant.body as { plantId: string }).plantId };
}

const part = (operatorId: string, plantId: string, name: string, amount: number | null) => ({
  traceId: null,
  operatorId,
  plantId,
  partsName: name,
  supportPartsName: null,
  terminatedFlag: false,
  amountRequired: amount,
  amountRequiredUnit: 'kilogram',
});
const cfp = (traceId: string, pre: number, main: number) =>
  (
    [
      ['preProduction', 'preProcessing', pre],
      ['mainProduction', 'mainProcessing', main],
      ['preComponent', 'preProcessing', 0],
      ['mainComponent', 'mainProcessing', 0],
    ] as const
  ).map(([cfpType, dqrType, ghgEmission]) => ({
    cfpId: null,
    traceId,
    ghgEmission,
    ghgDeclaredUnit: 'kgCO2e/kilogram',
    cfpType,
    dqrType,
    dqrValue: { TeR: 1, GeR: 2, TiR: 1 },
  }));

beforeAll(async () => {
  n = await loopbackNode(overTls);
  betaKey = (
    await createParticipant(n.node.context.participants, { id: 'beta', name: 'ベータ素材株式会社' }, 'test')
  ).apiKey.key;
  for (const key of [n.apiKey, betaKey])
    await management(key, 'PUT', '/footprint/settings', { exchange: true });
}, 60_000);
afterAll(() => n?.stop());

it('an operator of the default participant asks one of beta, and reads beta’s answer on its own part', async () => {
  const baseA = `${n.node.url}/ouranos`;
  const baseB = `${n.node.url}/p/beta/ouranos`;
  A = await operator(n.apiKey, baseA, {
    name: '組立A',
    open: '5000000000011',
    account: 'a@example.jp',
  });
  B = await operator(betaKey, baseB, { name: '素材B', open: '5000000000012', account: 'b@example.jp' });
  // beta's operator is unknown to the default participant until registered as a partner
  const before = await call(
    baseA,
    'GET',
    '/api/v1/authInfo?dataTarget=operator&openOperatorId=5000000000012',
    A.h,
  );
  expect(before.status).toBe(404);
  await management(n.apiKey, 'PUT', `/ouranos/partners/${B.operatorId}`, {
    operatorName: '素材B',
    operatorAddress: '東京都',
    openOperatorId: '5000000000012',
    did: `${n.did}:p:beta`,
    address: `${n.node.url}/p/beta`,
  });
  const found = await call(
    baseA,
    'GET',
    '/api/v1/authInfo?dataTarget=operator&openOperatorId=5000000000012',
    A.h,
  );
  expect(found.body).toMatchObject({ operatorId: B.operatorId, operatorName: '素材B' });
  const child = await call(
    baseA,
    'PUT',
    '/api/v1/datatransport?dataTarget=parts',
    A.h,
    part(A.operatorId, A.plantId, '部材', 4),
  );
  const childId = (child.body as { traceId: string }).traceId;
  const trade = await call(
    baseA,
    'PUT',
    '/api/v1/datatransport?dataTarget=tradeRequest',
    A.h,
    tradeRequestBody({
      downstream: A.operatorId,
      upstream: B.operatorId,
      traceId: childId,
      message: '部材のCFPをお願いします',
    }),
  );
  expect(trade.status).toBe(201);
  const tradeId = (trade.body as { tradeModel: { tradeId: string } }).tradeModel.tradeId;
  const seen = await call(baseB, 'GET', '/api/v1/datatransport?dataTarget=tradeResponse', B.h);
  expect(seen.body).toMatchObject([
    {
      tradeModel: { tradeId },
      partsModel: { traceId: childId, amountRequired: null },
      statusModel: { message: '部材のCFPをお願いします' },
    },
  ]);
  const mine = await call(
    baseB,
    'PUT',
    '/api/v1/datatransport?dataTarget=parts',
    B.h,
    part(B.operatorId, B.plantId, '素材', null),
  );
  const mineId = (mine.body as { traceId: string }).traceId;
  expect(
    (await call(baseB, 'PUT', '/api/v1/datatransport?dataTarget=cfp', B.h, cfp(mineId, 0.75, 2.5))).status,
  ).toBe(201);
  const linked = await call(
    baseB,
    'PUT',
    `/api/v1/datatransport?dataTarget=tradeResponse&tradeId=${tradeId}&traceId=${mineId}`,
    B.h,
  );
  expect(linked.status).toBe(201);
  const records = await eventually(
    'the answer reaches the default participant',
    async () =>
      (await call(baseA, 'GET', `/api/v1/datatransport?dataTarget=cfp&traceIds=${childId}`, A.h)).body as {
        cfpType: string;
        ghgEmission: number;
      }[],
    (rs) => rs.some((r) => r.cfpType === 'mainProductionResponse'),
    30_000,
  );
  expect(records).toMatchObject([
    { cfpType: 'preProductionResponse', ghgEmission: 0.75 },
    { cfpType: 'mainProductionResponse', ghgEmission: 2.5 },
  ]);
  // beta's part id never reaches the default participant
  const requests = await call(baseA, 'GET', '/api/v1/datatransport?dataTarget=tradeRequest', A.h);
  expect(JSON.stringify(requests.body)).not.toContain(mineId);
  const status = await call(
    baseA,
    'GET',
    `/api/v1/datatransport?dataTarget=status&statusTarget=REQUEST&traceId=${childId}`,
    A.h,
  );
  expect(status.body).toMatchObject([
    { requestStatus: { cfpResponseStatus: 'COMPLETED', completedCount: 1 } },
  ]);
});

async function request(name: string) {
  const child = await call(
    baseA(),
    'PUT',
    '/api/v1/datatransport?dataTarget=parts',
    A.h,
    part(A.operatorId, A.plantId, name, 2),
  );
  const traceId = (child.body as { traceId: string }).traceId;
  const trade = await call(
    baseA(),
    'PUT',
    '/api/v1/datatransport?dataTarget=tradeRequest',
    A.h,
    tradeRequestBody({ downstream: A.operatorId, upstream: B.operatorId, traceId: traceId }),
  );
  expect(trade.status).toBe(201);
  return {
    traceId,
    ...(trade.body as { tradeModel: { tradeId: string }; statusModel: { statusId: string } }),
  };
}

const statusOf = async (base: string, h: Record<string, string>, statusId: string) =>
  (
    (await call(base, 'GET', `/api/v1/datatransport?dataTarget=status&statusId=${statusId}`, h)).body as {
      requestStatus: { cfpResponseStatus: string };
      replyMessage: string | null;
    }[]
  )[0];

it('a rejection by beta’s operator reaches the customer with its reply', async () => {
  const r = await request('断られる部材');
  const statusId = r.statusModel.statusId;
  const put = await call(baseB(), 'PUT', '/api/v1/datatransport?dataTarget=status', B.h, {
    statusId,
    tradeId: r.tradeModel.tradeId,
    requestStatus: { cfpResponseStatus: 'REJECT', tradeTreeStatus: 'UNTERMINATED' },
    message: null,
    replyMessage: '取扱いがありません',
    requestType: 'CFP',
    responseDueDate: '2027-03-31',
  });
  expect(put.status).toBe(201);
  const seen = await eventually(
    'A sees the rejection',
    () => statusOf(baseA(), A.h, statusId),
    (s) => s?.requestStatus.cfpResponseStatus === 'REJECT',
    30_000,
  );
  expect(seen?.replyMessage).toBe('取扱いがありません');
});

it('a cancellation by the customer withdraws the request at beta', async () => {
  const r = await request('取り下げる部材');
  const statusId = r.statusModel.statusId;
  const put = await call(baseA(), 'PUT', '/api/v1/datatransport?dataTarget=status', A.h, {
    statusId,
    tradeId: r.tradeModel.tradeId,
    requestStatus: { cfpResponseStatus: 'CANCEL', tradeTreeStatus: 'UNTERMINATED' },
    message: null,
    replyMessage: null,
    requestType: 'CFP',
    responseDueDate: '2027-03-31',
  });
  expect(put.status).toBe(201);
  await eventually(
    'beta no longer lists the request',
    async () =>
      (await call(baseB(), 'GET', '/api/v1/datatransport?dataTarget=tradeResponse', B.h)).body as {
        tradeModel: { tradeId: string };
      }[],
    (rs) => !rs.some((x) => x.tradeModel.tradeId === r.tradeModel.tradeId),
    30_000,
  );
});

it('a request for an operator beta does not host is refused and shows as rejected', async () => {
  const ghost = '0f6c1f9e-8a3b-4c2d-9e1f-2a3b4c5d6e7f';
  await management(n.apiKey, 'PUT', `/ouranos/partners/${ghost}`, {
    operatorName: '架空C',
    operatorAddress: '大阪府',
    openOperatorId: '5000000000019',
    did: `${n.did}:p:beta`,
    address: `${n.node.url}/p/beta`,
  });
  const child = await call(
    baseA(),
    'PUT',
    '/api/v1/datatransport?dataTarget=parts',
    A.h,
    part(A.operatorId, A.plantId, '宛先違い', 1),
  );
  const traceId = (child.body as { traceId: string }).traceId;
  const trade = await call(
    baseA(),
    'PUT',
    '/api/v1/datatransport?dataTarget=tradeRequest',
    A.h,
    tradeRequestBody({ downstream: A.operatorId, upstream: ghost, traceId: traceId }),
  );
  expect(trade.status).toBe(201);
  const statusId = (trade.body as { statusModel: { statusId: string } }).statusModel.statusId;
  const seen = await eventually(
    'A sees the refusal',
    () => statusOf(baseA(), A.h, statusId),
    (s) => s?.requestStatus.cfpResponseStatus === 'REJECT',
    30_000,
  );
  expect(seen?.replyMessage).toBe('no such operator');
});
