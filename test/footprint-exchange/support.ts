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
