import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Footprint } from '../../src/apps/footprint/index.js';
import {
  answerForTrade,
  type OuranosTradeBridge,
  receiveTradeRequest,
  setOuranosBridge,
} from '../../src/apps/ouranos/index.js';
import { overTls, startTestNode, type TestNode, testFetch } from '../support/node.js';
import { call, tradeRequestBody } from './support.js';

/**
 * Trades with operators on other nodes go through the `OuranosTradeBridge` port: here a fake bridge stands for
 * the other node, and the two functions the other side calls (`receiveTradeRequest`, `answerForTrade`) run
 * against this node's store.
 */
let n: TestNode;
let base: string;
let apiKey: string;
const remote = {
  operatorId: '9d0c3a54-1f7e-4c1b-9d7a-0c6d9e2b7a11',
  operatorName: '遠隔サプライヤー',
  operatorAddress: '福岡県福岡市xx',
  openOperatorId: '5000000000001',
  operatorAttribute: { globalOperatorId: null },
};
const sent: unknown[] = [];
const remoteAnswer: Footprint = {
  traceId: '0b7e4c5e-2f4a-4b7e-9a53-5c2d7f1e8a90',
  declaredUnit: 'kg',
  declaredUnitAmount: '1',
  stages: {
    pre: { own: '1.2', components: '0.3', dqr: { TeR: '1', GeR: '2', TiR: '1' } },
    main: { own: '4', components: '0', dqr: { TeR: '2', GeR: '2', TiR: '2' } },
  },
  pcf: {},
  partial: false,
  missing: [],
};
const bridge: OuranosTradeBridge = {
  findOperator: async (open) => (open === remote.openOperatorId ? remote : undefined),
  knowsOperator: async (id) => id === remote.operatorId,
  sendRequest: async (r) => {
    sent.push(r);
  },
  answer: async (t) => (t.upstreamTraceId === remoteAnswer.traceId ? remoteAnswer : undefined),
};

async function management(path: string, body: unknown) {
  const res = await testFetch(`${n.node.url}/management/v1${path}`, {
    method: 'POST',
    headers: { 'x-api-key': n.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, string>;
}

async function login(account: string, password: string) {
  const res = await call(
    base,
    'POST',
    '/auth/login',
    { apiKey },
    { operatorAccountId: account, accountPassword: password },
  );
  return { apiKey, authorization: `Bearer ${(res.body as { accessToken: string }).accessToken}` };
}

beforeAll(async () => {
  n = await startTestNode(overTls);
  base = `${n.node.url}/ouranos`;
  apiKey = (await management('/ouranos/api-keys', { label: 'test' })).key as string;
  setOuranosBridge(n.node.context.db, () => bridge);
}, 60_000);
afterAll(() => n?.stop());

it('a request to an operator elsewhere goes out through the bridge, and its answer comes back as Response', async () => {
  const { operatorId } = await management('/ouranos/operators', {
    operatorName: '組立A',
    operatorAddress: '東京都',
    openOperatorId: '5000000000002',
    accountId: 'a@example.jp',
    password: 'passwordA_1',
  });
  const A = await login('a@example.jp', 'passwordA_1');
  const found = await call(
    base,
    'GET',
    `/api/v1/authInfo?dataTarget=operator&openOperatorId=${remote.openOperatorId}`,
    A,
  );
  expect(found.body).toEqual(remote);
  const plant = await call(base, 'PUT', '/api/v1/authInfo?dataTarget=plant', A, {
    plantId: null,
    operatorId,
    plantName: 'A工場',
    plantAddress: '東京都',
    openPlantId: '5000000000002000001',
    plantAttribute: {},
  });
  const part = await call(base, 'PUT', '/api/v1/datatransport?dataTarget=parts', A, {
    traceId: null,
    operatorId,
    plantId: (plant.body as { plantId: string }).plantId,
    partsName: '電池モジュール',
    supportPartsName: null,
    terminatedFlag: false,
    amountRequired: 3,
    amountRequiredUnit: 'kilogram',
  });
  const traceId = (part.body as { traceId: string }).traceId;
  const trade = await call(
    base,
    'PUT',
    '/api/v1/datatransport?dataTarget=tradeRequest',
    A,
    tradeRequestBody({
      downstream: operatorId,
      upstream: remote.operatorId,
      traceId,
      message: 'お願いします',
      dueDate: '2027-01-31',
    }),
  );
  expect(trade.status).toBe(201);
  expect(sent).toMatchObject([{ part: { traceId, amountRequired: null }, message: 'お願いします' }]);
  const tradeId = (trade.body as { tradeModel: { tradeId: string } }).tradeModel.tradeId;
  // the other node answers; its side links the supplier's part (simulated on the stored trade)
  await n.node.context.db
    .withTables<{ ouranos_trades: { trade_id: string; upstream_trace_id: string | null } }>()
    .updateTable('ouranos_trades')
    .set({ upstream_trace_id: remoteAnswer.traceId })
    .where('trade_id', '=', tradeId)
    .execute();
  const cfp = await call(base, 'GET', `/api/v1/datatransport?dataTarget=cfp&traceIds=${traceId}`, A);
  expect(cfp.body).toMatchObject([
    { cfpType: 'preProductionResponse', ghgEmission: 1.5, dqrValue: { TeR: 1, GeR: 2, TiR: 1 } },
    { cfpType: 'mainProductionResponse', ghgEmission: 4, dqrValue: { TeR: 2, GeR: 2, TiR: 2 } },
  ]);
});

it('a request from elsewhere is listed for the local supplier, and its answer is what the supplier registered', async () => {
  const participant = n.node.context.config.defaultParticipantId;
  const { operatorId } = await management('/ouranos/operators', {
    operatorName: '素材B',
    operatorAddress: '大阪府',
    openOperatorId: '5000000000003',
    accountId: 'b@example.jp',
    password: 'passwordB_1',
  });
  const tradeId = '3f1c1d2e-6a7b-4c8d-9e0f-112233445566';
  const requested = await receiveTradeRequest(
    n.node.context.db,
    participant,
    {
      trade: {
        tradeId,
        downstreamOperatorId: remote.operatorId,
        upstreamOperatorId: operatorId as string,
        downstreamTraceId: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d',
        upstreamTraceId: null,
      },
      part: {
        traceId: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d',
        operatorId: remote.operatorId,
        plantId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
        partsName: '正極材',
        supportPartsName: null,
        terminatedFlag: false,
        amountRequired: 7,
        amountRequiredUnit: 'kilogram',
      },
      message: '遠隔からの依頼',
      responseDueDate: '2027-02-28',
    },
    new Date(),
  );
  expect(requested).toBe(tradeId);
  const B = await login('b@example.jp', 'passwordB_1');
  const listed = await call(base, 'GET', '/api/v1/datatransport?dataTarget=tradeResponse', B);
  expect(listed.body).toMatchObject([
    {
      tradeModel: { tradeId },
      partsModel: { partsName: '正極材', amountRequired: null },
      statusModel: { message: '遠隔からの依頼' },
    },
  ]);
  expect(await answerForTrade(n.node.context.db, participant, tradeId)).toBeUndefined();
  const plant = await call(base, 'PUT', '/api/v1/authInfo?dataTarget=plant', B, {
    plantId: null,
    operatorId,
    plantName: 'B工場',
    plantAddress: '大阪府',
    openPlantId: '5000000000003000001',
    plantAttribute: {},
  });
  const part = await call(base, 'PUT', '/api/v1/datatransport?dataTarget=parts', B, {
    traceId: null,
    operatorId,
    plantId: (plant.body as { plantId: string }).plantId,
    partsName: '正極材X',
    supportPartsName: null,
    terminatedFlag: true,
    amountRequired: null,
    amountRequiredUnit: 'kilogram',
  });
  const cell = (part.body as { traceId: string }).traceId;
  const records = (['pre', 'main'] as const).flatMap((s) => [
    {
      cfpId: null,
      traceId: cell,
      ghgEmission: s === 'pre' ? 0.8 : 2.5,
      ghgDeclaredUnit: 'kgCO2e/kilogram',
      cfpType: `${s}Production`,
      dqrType: `${s}Processing`,
      dqrValue: { TeR: 1, GeR: 1, TiR: 2 },
    },
    {
      cfpId: null,
      traceId: cell,
      ghgEmission: 0,
      ghgDeclaredUnit: 'kgCO2e/kilogram',
      cfpType: `${s}Component`,
      dqrType: `${s}Processing`,
      dqrValue: { TeR: 1, GeR: 1, TiR: 2 },
    },
  ]);
  expect((await call(base, 'PUT', '/api/v1/datatransport?dataTarget=cfp', B, records)).status).toBe(201);
  expect(
    (
      await call(
        base,
        'PUT',
        `/api/v1/datatransport?dataTarget=tradeResponse&tradeId=${tradeId}&traceId=${cell}`,
        B,
      )
    ).status,
  ).toBe(201);
  expect(await answerForTrade(n.node.context.db, participant, tradeId)).toMatchObject({
    traceId: cell,
    declaredUnit: 'kg',
    stages: { pre: { own: '0.8', components: '0' }, main: { own: '2.5', components: '0' } },
  });
});
