import { rmSync } from 'node:fs';
import { benchNode } from './dataspace.js';
import { type Figure, latencies } from './measure.js';

/**
 * Ouranos `GET dataTarget=cfp` for 50 trace ids (the API's maximum) on one node over loopback HTTP, SQLite: a
 * customer's 50 products, each made of one part bought from a supplier (answered, on the same node) and one own
 * leaf, so every product's answer carries its four records and four totals aggregated by the footprint app.
 * Floor: p50 ≤ 50 ms. Baseline: the same read of 50 parts that have only their own records.
 */
export async function ouranosFigures(traceIds = 50, samples = 200): Promise<Figure[]> {
  const { node, apiKey: managementKey, dir } = await benchNode();
  try {
    const url = node.url;
    const manage = async (path: string, body: unknown) =>
      (await (
        await fetch(`${url}/management/v1${path}`, {
          method: 'POST',
          headers: { 'x-api-key': managementKey, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json()) as Record<string, string>;
    const apiKey = (await manage('/ouranos/api-keys', { label: 'bench' })).key as string;
    const base = `${url}/ouranos`;
    const send = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`bench ouranos: ${method} ${path} → ${res.status} ${text}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };
    const company = async (name: string, open: string) => {
      const { operatorId } = await manage('/ouranos/operators', {
        operatorName: name,
        operatorAddress: '東京都',
        openOperatorId: open,
        accountId: `${open}@example.jp`,
        password: 'benchPassword1',
      });
      const login = await send(
        'POST',
        '/auth/login',
        { apiKey },
        { operatorAccountId: `${open}@example.jp`, accountPassword: 'benchPassword1' },
      );
      const headers = { apiKey, authorization: `Bearer ${login.accessToken as string}` };
      const plant = await send('PUT', '/api/v1/authInfo?dataTarget=plant', headers, {
        plantId: null,
        operatorId,
        plantName: `${name}工場`,
        plantAddress: '東京都',
        openPlantId: `${open}000001`,
        plantAttribute: {},
      });
      return { operatorId: operatorId as string, plantId: plant.plantId as string, headers };
    };
    const A = await company('完成品メーカー', '4000000000001');
    const B = await company('部品メーカー', '4000000000002');
    const part = (c: typeof A, name: string, amount: number | null, terminated = false) => ({
      traceId: null,
      operatorId: c.operatorId,
      plantId: c.plantId,
      partsName: name,
      supportPartsName: null,
      terminatedFlag: terminated,
      amountRequired: amount,
      amountRequiredUnit: 'kilogram',
    });
    const cfp = (traceId: string, own: number) =>
      (['pre', 'main'] as const).flatMap((s) => [
        {
          cfpId: null,
          traceId,
          ghgEmission: own,
          ghgDeclaredUnit: 'kgCO2e/kilogram',
          cfpType: `${s}Production`,
          dqrType: `${s}Processing`,
          dqrValue: { TeR: 1, GeR: 2, TiR: 3 },
        },
        {
          cfpId: null,
          traceId,
          ghgEmission: 0,
          ghgDeclaredUnit: 'kgCO2e/kilogram',
          cfpType: `${s}Component`,
          dqrType: `${s}Processing`,
          dqrValue: { TeR: 1, GeR: 2, TiR: 3 },
        },
      ]);
    const products: string[] = [];
    const plain: string[] = [];
    for (let i = 0; i < traceIds; i++) {
      const s = (await send('PUT', '/api/v1/datatransport?dataTarget=partsStructure', A.headers, {
        parentPartsModel: part(A, `製品${i}`, null),
        childrenPartsModel: [part(A, `購入部品${i}`, 2), part(A, `内製部品${i}`, 0.5, true)],
      })) as { parentPartsModel: { traceId: string }; childrenPartsModel: { traceId: string }[] };
      const [bought, made] = s.childrenPartsModel.map((c) => c.traceId) as [string, string];
      const trade = (await send('PUT', '/api/v1/datatransport?dataTarget=tradeRequest', A.headers, {
        tradeModel: {
          tradeId: null,
          downstreamOperatorId: A.operatorId,
          upstreamOperatorId: B.operatorId,
          downstreamTraceId: bought,
          upstreamTraceId: null,
        },
        statusModel: {
          statusId: null,
          tradeId: null,
          requestStatus: {},
          message: null,
          replyMessage: null,
          requestType: 'CFP',
          responseDueDate: '2027-03-31',
        },
      })) as { tradeModel: { tradeId: string } };
      const cell = (
        await send(
          'PUT',
          '/api/v1/datatransport?dataTarget=parts',
          B.headers,
          part(B, `セル${i}`, null, true),
        )
      ).traceId as string;
      await send('PUT', '/api/v1/datatransport?dataTarget=cfp', B.headers, cfp(cell, (150 + i) / 100));
      await send(
        'PUT',
        `/api/v1/datatransport?dataTarget=tradeResponse&tradeId=${trade.tradeModel.tradeId}&traceId=${cell}`,
        B.headers,
      );
      await send(
        'PUT',
        '/api/v1/datatransport?dataTarget=cfp',
        A.headers,
        cfp(s.parentPartsModel.traceId, 3),
      );
      await send('PUT', '/api/v1/datatransport?dataTarget=cfp', A.headers, cfp(made, 2));
      products.push(s.parentPartsModel.traceId);
      plain.push(made);
    }
    const read = (ids: string[], records: number) => async () => {
      const res = await fetch(`${base}/api/v1/datatransport?dataTarget=cfp&traceIds=${ids.join(',')}`, {
        headers: A.headers,
      });
      const body = (await res.json()) as unknown[];
      if (res.status !== 200 || body.length !== records)
        throw new Error(`bench ouranos: expected ${records} records, got ${res.status} ${body.length}`);
    };
    const full = await latencies(read(products, traceIds * 8), samples);
    const own = await latencies(read(plain, traceIds * 4), samples);
    return [
      {
        name: `Ouranos cfp read, ${traceIds} trace ids with totals (p50, floor ≤ 50 ms)`,
        value: Math.round(full.p50 * 10) / 10,
        unit: 'ms',
        baseline: {
          name: `${traceIds} trace ids, own records only (p50)`,
          value: Math.round(own.p50 * 10) / 10,
        },
        note: `p95 ${Math.round(full.p95 * 10) / 10} ms; each product: 4 own + 4 totals over a bought and an own part`,
      },
    ];
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
