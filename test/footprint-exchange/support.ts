import { api, eventually, loopbackNode } from '../dataspace/two-node-support.js';
import type { TestNode } from '../support/node.js';

export type Company = TestNode & { did: string };

/** A node on loopback offering the footprint exchange. */
export async function company(settings: { autoLink?: boolean; approveBeforePublish?: boolean } = {}) {
  const c = await loopbackNode();
  const res = await api(c, 'PUT', '/footprint/settings', { exchange: true, ...settings });
  if (res.status !== 200) throw new Error(`settings: ${JSON.stringify(res.body)}`);
  return c;
}

export async function ok<T = Record<string, unknown>>(
  c: Company,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await api<T>(c, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const own = (pre: string, main: string, dqr: string, primaryDataShare: string) => ({
  pre: { emissions: pre, dqr: { TeR: dqr, GeR: dqr, TiR: dqr } },
  main: { emissions: main, dqr: { TeR: dqr, GeR: dqr, TiR: dqr } },
  primaryDataShare,
});

/** Supplier B's 角形セル (per kg: 1.5 pre, 10 main), found by its product id `urn:pact:b.example:<id>`. */
export const supplierCell = (b: Company, id = 'cell') =>
  ok(b, 'PUT', `/footprint/parts/${id}`, {
    name: '角形セル',
    unit: 'kg',
    productIds: [`urn:pact:b.example:${id}`],
    own: own('1.5', '10.0', '2', '40'),
  });

/**
 * The worked check's customer side: A's 電池パック (3 pre, 20 main) holds 5 kg of A1, and A1 is linked to
 * `supplierPart` at B. `header` is the BOM file's header line (English or Japanese).
 */
export async function packLinkedTo(
  a: Company,
  b: Company,
  supplierPart: string,
  header = 'parent,child,quantity,unit',
): Promise<void> {
  await ok(a, 'PUT', '/footprint/parts/A', {
    name: '電池パック',
    unit: 'piece',
    own: own('3.0', '20.0', '1', '100'),
  });
  await ok(a, 'POST', '/footprint/bom', { format: 'csv', text: `${header}\nA,A1,5,kg\n` });
  await ok(a, 'PUT', '/footprint/links/A1', {
    supplierDid: b.did,
    supplierAddress: b.node.url,
    supplierPart,
  });
}

export interface Request {
  id: string;
  status: string;
  direction: string;
  partRef: string;
  traceId?: string;
  reply?: string;
  pfId?: string;
}

export interface Result {
  traceId: string;
  partial: boolean;
  footprint?: {
    stages: {
      pre: { own: string; components: string; dqr: { TeR: string } };
      main: { own: string; components: string };
    };
    primaryDataShare?: string;
  };
  flags: { code: string; part: string; supplier?: { did: string; part: string } }[];
}

export const requests = (c: Company, direction: 'inbox' | 'outbox') =>
  ok<Request[]>(c, 'GET', `/footprint/requests?direction=${direction}`);

export async function resultOf(c: Company, traceId: string): Promise<Result> {
  const [r] = await ok<Result[]>(c, 'GET', `/footprint/results?traceId=${encodeURIComponent(traceId)}`);
  if (!r) throw new Error(`no result for ${traceId}`);
  return r;
}

/** The Ouranos total of a published result (pre + main, own + components), as a decimal string. */
export function total(r: Result): number {
  const s = r.footprint?.stages;
  if (!s) return Number.NaN;
  return [s.pre.own, s.pre.components, s.main.own, s.main.components].reduce((a, b) => a + Number(b), 0);
}

/** Waits until the outbox request for `traceId` reaches `status`. */
export const outboxReaches = (c: Company, traceId: string, status: string, deadlineMs = 30_000) =>
  eventually(
    `outbox ${traceId} ${status}`,
    async () => (await requests(c, 'outbox')).filter((r) => r.traceId === traceId),
    (rs) => rs.some((r) => r.status === status),
    deadlineMs,
  );

export { api, eventually };
