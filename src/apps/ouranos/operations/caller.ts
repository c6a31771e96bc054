import type { OuranosTradeBridge } from '../bridge.js';
import { badParameter, notFound } from '../errors.js';
import { findPart, type OperatorRow, type OuranosDb, type PartRow } from '../store.js';
import { isUuid } from '../validate.js';

/**
 * The operations of the Ouranos API for one authenticated operator, over the participant's Ouranos tables.
 * Each takes the query and body as received and returns the status, body and (for lists) the next page's query.
 */
export interface Caller {
  readonly db: OuranosDb;
  readonly participantId: string;
  readonly operator: OperatorRow;
  readonly now: Date;
  readonly bridge?: OuranosTradeBridge;
}

export interface Answer {
  readonly status: 200 | 201 | 204;
  readonly body?: unknown;
  /** Query of the next page (`limit`, `after` and the filters), when there is one. */
  readonly next?: Record<string, string>;
}

export type Query = Record<string, string | undefined>;

export const ok = (body: unknown, next?: Record<string, string>): Answer => ({
  status: 200,
  body,
  ...(next ? { next } : {}),
});
export const created = (body?: unknown): Answer => ({ status: 201, body });

export function only(q: Query, allowed: readonly string[], subsystem: 'auth' | 'dataspace' = 'dataspace') {
  for (const k of Object.keys(q))
    if (!allowed.includes(k)) throw badParameter(k, 'Unexpected query parameter', subsystem);
}

export function limitOf(q: Query): number {
  if (q.limit === undefined) return 100;
  const n = Number(q.limit);
  if (!/^\d+$/.test(q.limit) || n < 1 || n > 100) throw badParameter('limit', 'must be between 1 and 100');
  return n;
}

export function afterOf(q: Query): string | undefined {
  if (q.after === undefined) return undefined;
  if (!isUuid(q.after)) throw badParameter('after', 'invalid UUID');
  return q.after;
}

/** A page of `rows` (fetched with one extra) and the query of the next one. */
export function page<T>(rows: T[], limit: number, idOf: (r: T) => string, q: Query) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  const next = more && last ? { ...definedOf(q), limit: String(limit), after: idOf(last) } : undefined;
  return { items, next };
}
export const definedOf = (q: Query) =>
  Object.fromEntries(
    Object.entries(q).filter(([k, v]) => v !== undefined && k !== 'after' && k !== 'limit'),
  ) as Record<string, string>;

export async function ownPart(c: Caller, traceId: string): Promise<PartRow | undefined> {
  const row = await findPart(c.db, c.participantId, traceId);
  return row && row.operator_id === c.operator.operator_id ? row : undefined;
}

export async function assertOwnPlant(c: Caller, plantId: string): Promise<void> {
  const plant = await c.db
    .selectFrom('ouranos_plants')
    .select('plant_id')
    .where('participant_id', '=', c.participantId)
    .where('operator_id', '=', c.operator.operator_id)
    .where('plant_id', '=', plantId)
    .executeTakeFirst();
  if (!plant) throw notFound('plant');
}
