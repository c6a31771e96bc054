import type { Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';
import { footprintKeys, type KeyKind, validityOf } from './filters.js';
import type { FootprintFilters, FootprintRequest, Page, PageRequest, ProductFootprint } from './model.js';
import { publicAudience } from './model.js';

/** The PACT host's tables (migrations 0016-pact, 0018-pact-customer-dids). */
export type PactTables = {
  pact_customer_dids: { participant_id: string; customer: string; did: string; created_at: string };
  pact_clients: {
    participant_id: string;
    client_id: string;
    customer: string;
    secret_hash: string;
    created_at: string;
    revoked_at: string | null;
  };
  pact_outbound_credentials: {
    participant_id: string;
    customer: string;
    token_url: string;
    client_id: string;
    secret_sealed: string;
    event_urls: string;
    auto_answer: number;
    created_at: string;
  };
  pact_footprints: {
    participant_id: string;
    id: string;
    version: number;
    status: string;
    valid_from: string;
    valid_until: string;
    body: string;
    updated_at: string;
  };
  pact_footprint_keys: { participant_id: string; footprint_id: string; kind: string; value: string };
  pact_requests: {
    participant_id: string;
    id: string;
    customer: string;
    event_id: string;
    source: string;
    spec: string;
    criteria: string;
    comment: string | null;
    state: string;
    reason: string | null;
    created_at: string;
    updated_at: string;
  };
};

export type PactDb = Kysely<Tables & PactTables>;
export const pactDb = (db: Kysely<Tables>): PactDb => db.withTables<PactTables>();

export interface StoredFootprint {
  readonly footprint: ProductFootprint;
  readonly version: number;
  readonly audiences: readonly string[];
  readonly updatedAt: string;
}

/**
 * Keeps a footprint for the given audiences (customers, or `*` for everyone): a new id is version 1, the same id
 * again replaces it as the next version. Returns the version kept.
 */
export async function putFootprint(
  db: PactDb,
  participantId: string,
  pf: ProductFootprint,
  audiences: readonly string[],
  at: Date,
): Promise<number> {
  const old = await db
    .selectFrom('pact_footprints')
    .select('version')
    .where('participant_id', '=', participantId)
    .where('id', '=', pf.id)
    .executeTakeFirst();
  const version = (old?.version ?? 0) + 1;
  const { from, until } = validityOf(pf);
  const row = {
    version,
    status: pf.status,
    valid_from: from,
    valid_until: until,
    body: JSON.stringify(pf),
    updated_at: at.toISOString(),
  };
  if (old)
    await db
      .updateTable('pact_footprints')
      .set(row)
      .where('participant_id', '=', participantId)
      .where('id', '=', pf.id)
      .execute();
  else
    await db
      .insertInto('pact_footprints')
      .values({ participant_id: participantId, id: pf.id, ...row })
      .execute();
  await db
    .deleteFrom('pact_footprint_keys')
    .where('participant_id', '=', participantId)
    .where('footprint_id', '=', pf.id)
    .execute();
  const keys = footprintKeys(pf, audiences).map(([kind, value]) => ({
    participant_id: participantId,
    footprint_id: pf.id,
    kind,
    value,
  }));
  // SQLite binds at most 32766 parameters: footprints have few keys, chunks keep any size safe
  for (let i = 0; i < keys.length; i += 500)
    await db
      .insertInto('pact_footprint_keys')
      .values(keys.slice(i, i + 500))
      .execute();
  return version;
}

export async function deleteFootprint(db: PactDb, participantId: string, id: string): Promise<boolean> {
  await db
    .deleteFrom('pact_footprint_keys')
    .where('participant_id', '=', participantId)
    .where('footprint_id', '=', id)
    .execute();
  const r = await db
    .deleteFrom('pact_footprints')
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

const criterionKinds: readonly (readonly [keyof FootprintFilters, KeyKind])[] = [
  ['productId', 'product'],
  ['companyId', 'company'],
  ['classification', 'classification'],
  ['geography', 'geography'],
];

/**
 * The latest version of every footprint the customer may read that meets the filters, a page at a time in id
 * order (so a next link names the last id seen and stays valid however long it is kept).
 */
export async function listFootprints(
  db: PactDb,
  participantId: string,
  customer: string | undefined,
  filters: FootprintFilters,
  page: PageRequest,
): Promise<Page<StoredFootprint>> {
  let q = db
    .selectFrom('pact_footprints as f')
    .select(['f.id', 'f.body', 'f.version', 'f.updated_at'])
    .where('f.participant_id', '=', participantId);
  // Identifiers (product, company, classification) select few footprints: `id IN (their keys)` lets the planner
  // start from those keys. Audience and geography select many: a correlated EXISTS probe per footprint is cheaper.
  const keyed = (kind: KeyKind, values: readonly string[]) => {
    const wanted = [...new Set(values.map((v) => v.toLowerCase()))];
    if (kind === 'audience' || kind === 'geography')
      return q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('pact_footprint_keys as k')
            .select('k.footprint_id')
            .where('k.participant_id', '=', participantId)
            .whereRef('k.footprint_id', '=', 'f.id')
            .where('k.kind', '=', kind)
            .where('k.value', 'in', wanted),
        ),
      );
    return q.where('f.id', 'in', (eb) =>
      eb
        .selectFrom('pact_footprint_keys as k')
        .select('k.footprint_id')
        .where('k.participant_id', '=', participantId)
        .where('k.kind', '=', kind)
        .where('k.value', 'in', wanted),
    );
  };
  if (customer !== undefined) q = keyed('audience', [customer, publicAudience]);
  for (const [criterion, kind] of criterionKinds) {
    const values = filters[criterion] as readonly string[] | undefined;
    if (values) q = keyed(kind, values);
  }
  if (filters.status) {
    // stored statuses are Active / Deprecated; PACT matches case-insensitively
    const wanted = ['Active', 'Deprecated'].filter((s) =>
      filters.status?.some((w) => w.toLowerCase() === s.toLowerCase()),
    );
    if (wanted.length === 0) return { items: [] }; // no footprint has another status
    q = q.where('f.status', 'in', wanted);
  }
  const iso = (v: string) => new Date(v).toISOString();
  if (filters.validOn)
    q = q
      .where('f.valid_from', '<=', iso(filters.validOn))
      .where('f.valid_until', '>=', iso(filters.validOn));
  if (filters.validAfter) q = q.where('f.valid_from', '>', iso(filters.validAfter));
  if (filters.validBefore) q = q.where('f.valid_until', '<', iso(filters.validBefore));
  if (page.after !== undefined) q = q.where('f.id', '>', page.after);
  const rows = await q
    .orderBy('f.id')
    .limit(page.limit + 1)
    .execute();
  const shown = rows.slice(0, page.limit);
  const audiences = await audiencesOf(
    db,
    participantId,
    shown.map((r) => r.id),
  );
  const items = shown.map((r) => ({
    footprint: JSON.parse(r.body) as ProductFootprint,
    version: r.version,
    audiences: audiences.get(r.id) ?? [],
    updatedAt: r.updated_at,
  }));
  return rows.length > page.limit ? { items, next: shown[shown.length - 1]?.id } : { items };
}

async function audiencesOf(
  db: PactDb,
  participantId: string,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (ids.length === 0) return found;
  const rows = await db
    .selectFrom('pact_footprint_keys')
    .select(['footprint_id', 'value'])
    .where('participant_id', '=', participantId)
    .where('kind', '=', 'audience')
    .where('footprint_id', 'in', [...ids])
    .execute();
  for (const r of rows) found.set(r.footprint_id, [...(found.get(r.footprint_id) ?? []), r.value]);
  return found;
}

/** One footprint's latest version, if the customer may read it (undefined customer: the data owner). */
export async function findFootprint(
  db: PactDb,
  participantId: string,
  id: string,
  customer: string | undefined,
): Promise<StoredFootprint | undefined> {
  const row = await db
    .selectFrom('pact_footprints')
    .select(['id', 'body', 'version', 'updated_at'])
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const audiences = (await audiencesOf(db, participantId, [id])).get(id) ?? [];
  if (customer !== undefined && !audiences.includes(customer) && !audiences.includes(publicAudience))
    return undefined;
  return {
    footprint: JSON.parse(row.body) as ProductFootprint,
    version: row.version,
    audiences,
    updatedAt: row.updated_at,
  };
}

type RequestRow = PactTables['pact_requests'];

function requestOf(r: RequestRow): FootprintRequest {
  return {
    id: r.id,
    customer: r.customer,
    eventId: r.event_id,
    source: r.source,
    spec: r.spec === '2' ? '2' : '3',
    criteria: JSON.parse(r.criteria) as FootprintFilters,
    ...(r.comment !== null ? { comment: r.comment } : {}),
    state: r.state as FootprintRequest['state'],
    ...(r.reason !== null ? { reason: r.reason } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Keeps a request; the same event (customer, source, id) sent again is kept once. Returns whether it was new. */
export async function insertRequest(
  db: PactDb,
  participantId: string,
  r: FootprintRequest,
): Promise<boolean> {
  const res = await db
    .insertInto('pact_requests')
    .values({
      participant_id: participantId,
      id: r.id,
      customer: r.customer,
      event_id: r.eventId,
      source: r.source,
      spec: r.spec,
      criteria: JSON.stringify(r.criteria),
      comment: r.comment ?? null,
      state: r.state,
      reason: r.reason ?? null,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    })
    .onConflict((oc) => oc.columns(['participant_id', 'customer', 'source', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findRequest(
  db: PactDb,
  participantId: string,
  id: string,
): Promise<FootprintRequest | undefined> {
  const r = await db
    .selectFrom('pact_requests')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && requestOf(r);
}

export async function listRequests(
  db: PactDb,
  participantId: string,
  q: { state?: string; limit: number; after?: string },
): Promise<FootprintRequest[]> {
  let query = db.selectFrom('pact_requests').selectAll().where('participant_id', '=', participantId);
  if (q.state) query = query.where('state', '=', q.state);
  if (q.after) query = query.where('id', '>', q.after);
  return (await query.orderBy('id').limit(q.limit).execute()).map(requestOf);
}

/** Moves a request on from `from` (compare-and-set, so two answers never both go out). */
export async function setRequestState(
  db: PactDb,
  participantId: string,
  id: string,
  from: FootprintRequest['state'],
  to: FootprintRequest['state'],
  reason: string | undefined,
  at: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('pact_requests')
    .set({ state: to, reason: reason ?? null, updated_at: at.toISOString() })
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A customer's requests sent as one event (any source), oldest first. */
export async function requestsOfEvent(
  db: PactDb,
  participantId: string,
  customer: string,
  eventId: string,
): Promise<FootprintRequest[]> {
  const rows = await db
    .selectFrom('pact_requests')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('customer', '=', customer)
    .where('event_id', '=', eventId)
    .orderBy('created_at')
    .execute();
  return rows.map(requestOf);
}
