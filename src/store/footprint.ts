import type { Kysely } from 'kysely';
import type { Tables } from './tables.js';

/**
 * Rows of the footprint app (migration 0015), each bound to one participant. Plain records in, plain records
 * out; the app (src/apps/footprint) and the node's footprint service give them meaning.
 */

export interface FpSettingsTable {
  participant_id: string;
  auto_link: number;
  approve_before_publish: number;
  updated_at: string;
}

export interface FpPartsTable {
  participant_id: string;
  trace_id: string;
  name: string;
  unit: string;
  leaf: number;
  mass_per_unit: string | null;
  product_ids: string;
  own: string | null;
  created_at: string;
  updated_at: string;
}

export interface FpBomLinesTable {
  participant_id: string;
  parent_trace_id: string;
  seq: number;
  child_trace_id: string;
  quantity: string;
  unit: string;
  yield_rate: string | null;
  scrap_rate: string | null;
}

export interface FpTradeLinksTable {
  participant_id: string;
  trace_id: string;
  supplier_did: string;
  supplier_address: string;
  supplier_part: string;
  created_at: string;
}

export interface FpRequestsTable {
  participant_id: string;
  id: string;
  direction: string;
  event_id: string;
  counterparty_did: string;
  counterparty_address: string | null;
  part_ref: string;
  trace_id: string | null;
  message: string | null;
  due_date: string | null;
  status: string;
  reply: string | null;
  event: string;
  pf_id: string | null;
  answer_jws: string | null;
  answer: string | null;
  created_at: string;
  updated_at: string;
}

export interface FpPublishedTable {
  participant_id: string;
  id: string;
  request_id: string;
  customer_did: string;
  trace_id: string;
  product_ids: string;
  version: number;
  status: string;
  preceding_pf_ids: string;
  document: string;
  jws: string | null;
  asset_id: string | null;
  created_at: string;
  updated_at: string;
}

type FootprintTables = {
  fp_settings: FpSettingsTable;
  fp_parts: FpPartsTable;
  fp_bom_lines: FpBomLinesTable;
  fp_trade_links: FpTradeLinksTable;
  fp_requests: FpRequestsTable;
  fp_published: FpPublishedTable;
};

const fp = (db: Kysely<Tables>) => db.withTables<FootprintTables>();

// --- settings -------------------------------------------------------------------------------------------------

export interface FootprintSettings {
  /** Link an incoming request to the part whose product ids it names, without a person. */
  readonly autoLink: boolean;
  /** Hold computed answers as Pending until someone approves them. */
  readonly approveBeforePublish: boolean;
}

export async function footprintSettings(
  db: Kysely<Tables>,
  participantId: string,
): Promise<FootprintSettings> {
  const row = await fp(db)
    .selectFrom('fp_settings')
    .selectAll()
    .where('participant_id', '=', participantId)
    .executeTakeFirst();
  return { autoLink: row?.auto_link === 1, approveBeforePublish: row?.approve_before_publish === 1 };
}

export async function putFootprintSettings(
  db: Kysely<Tables>,
  participantId: string,
  s: FootprintSettings,
  at: string,
): Promise<void> {
  const values = {
    auto_link: s.autoLink ? 1 : 0,
    approve_before_publish: s.approveBeforePublish ? 1 : 0,
    updated_at: at,
  };
  await fp(db)
    .insertInto('fp_settings')
    .values({ participant_id: participantId, ...values })
    .onConflict((oc) => oc.column('participant_id').doUpdateSet(values))
    .execute();
}

// --- parts ----------------------------------------------------------------------------------------------------

export interface StoredPart {
  readonly traceId: string;
  readonly name: string;
  readonly unit: string;
  readonly leaf: boolean;
  readonly massPerUnit?: string;
  readonly productIds: readonly string[];
  /** The part's own emissions (the app's OwnEmissions), as given. */
  readonly own?: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const toPart = (r: FpPartsTable): StoredPart => ({
  traceId: r.trace_id,
  name: r.name,
  unit: r.unit,
  leaf: r.leaf === 1,
  ...(r.mass_per_unit !== null ? { massPerUnit: r.mass_per_unit } : {}),
  productIds: JSON.parse(r.product_ids) as string[],
  ...(r.own !== null ? { own: JSON.parse(r.own) as unknown } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Creates or replaces a part (keeping its creation time). */
export async function putPart(db: Kysely<Tables>, participantId: string, p: StoredPart): Promise<void> {
  const values = {
    name: p.name,
    unit: p.unit,
    leaf: p.leaf ? 1 : 0,
    mass_per_unit: p.massPerUnit ?? null,
    product_ids: JSON.stringify(p.productIds),
    own: p.own === undefined ? null : JSON.stringify(p.own),
    updated_at: p.updatedAt,
  };
  await fp(db)
    .insertInto('fp_parts')
    .values({ participant_id: participantId, trace_id: p.traceId, created_at: p.createdAt, ...values })
    .onConflict((oc) => oc.columns(['participant_id', 'trace_id']).doUpdateSet(values))
    .execute();
}

export async function findPart(
  db: Kysely<Tables>,
  participantId: string,
  traceId: string,
): Promise<StoredPart | undefined> {
  const row = await fp(db)
    .selectFrom('fp_parts')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('trace_id', '=', traceId)
    .executeTakeFirst();
  return row && toPart(row);
}

export async function listParts(db: Kysely<Tables>, participantId: string): Promise<StoredPart[]> {
  const rows = await fp(db)
    .selectFrom('fp_parts')
    .selectAll()
    .where('participant_id', '=', participantId)
    .orderBy('trace_id')
    .execute();
  return rows.map(toPart);
}

// --- BOM ------------------------------------------------------------------------------------------------------

export interface StoredBomLine {
  readonly parentTraceId: string;
  readonly childTraceId: string;
  readonly quantity: string;
  readonly unit: string;
  readonly yieldRate?: string;
  readonly scrapRate?: string;
}

/** Replaces the BOM lines of every parent that `lines` names (a parent's lines are one import's). */
export async function replaceBom(
  db: Kysely<Tables>,
  participantId: string,
  lines: readonly StoredBomLine[],
): Promise<void> {
  const parents = [...new Set(lines.map((l) => l.parentTraceId))];
  if (parents.length === 0) return;
  await fp(db)
    .deleteFrom('fp_bom_lines')
    .where('participant_id', '=', participantId)
    .where('parent_trace_id', 'in', parents)
    .execute();
  const seq = new Map<string, number>();
  const rows = lines.map((l) => {
    const n = (seq.get(l.parentTraceId) ?? 0) + 1;
    seq.set(l.parentTraceId, n);
    return {
      participant_id: participantId,
      parent_trace_id: l.parentTraceId,
      seq: n,
      child_trace_id: l.childTraceId,
      quantity: l.quantity,
      unit: l.unit,
      yield_rate: l.yieldRate ?? null,
      scrap_rate: l.scrapRate ?? null,
    };
  });
  // Bounded batches: PostgreSQL caps bind parameters per statement.
  for (let i = 0; i < rows.length; i += 500)
    await fp(db)
      .insertInto('fp_bom_lines')
      .values(rows.slice(i, i + 500))
      .execute();
}

export async function listBom(db: Kysely<Tables>, participantId: string): Promise<StoredBomLine[]> {
  const rows = await fp(db)
    .selectFrom('fp_bom_lines')
    .selectAll()
    .where('participant_id', '=', participantId)
    .orderBy('parent_trace_id')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    parentTraceId: r.parent_trace_id,
    childTraceId: r.child_trace_id,
    quantity: r.quantity,
    unit: r.unit,
    ...(r.yield_rate !== null ? { yieldRate: r.yield_rate } : {}),
    ...(r.scrap_rate !== null ? { scrapRate: r.scrap_rate } : {}),
  }));
}

// --- trade links ----------------------------------------------------------------------------------------------

/** My part `traceId` is bought as `supplierPart` (the supplier's product id) from `supplierDid`. */
export interface StoredTradeLink {
  readonly traceId: string;
  readonly supplierDid: string;
  /** The supplier connector's address (its DSP base or node URL). */
  readonly supplierAddress: string;
  readonly supplierPart: string;
  readonly createdAt: string;
}

const toLink = (r: FpTradeLinksTable): StoredTradeLink => ({
  traceId: r.trace_id,
  supplierDid: r.supplier_did,
  supplierAddress: r.supplier_address,
  supplierPart: r.supplier_part,
  createdAt: r.created_at,
});

export async function putTradeLink(
  db: Kysely<Tables>,
  participantId: string,
  l: StoredTradeLink,
): Promise<void> {
  const values = {
    supplier_did: l.supplierDid,
    supplier_address: l.supplierAddress,
    supplier_part: l.supplierPart,
  };
  await fp(db)
    .insertInto('fp_trade_links')
    .values({ participant_id: participantId, trace_id: l.traceId, created_at: l.createdAt, ...values })
    .onConflict((oc) => oc.columns(['participant_id', 'trace_id']).doUpdateSet(values))
    .execute();
}

export async function listTradeLinks(db: Kysely<Tables>, participantId: string): Promise<StoredTradeLink[]> {
  const rows = await fp(db)
    .selectFrom('fp_trade_links')
    .selectAll()
    .where('participant_id', '=', participantId)
    .orderBy('trace_id')
    .execute();
  return rows.map(toLink);
}

export async function deleteTradeLink(db: Kysely<Tables>, participantId: string, traceId: string) {
  const r = await fp(db)
    .deleteFrom('fp_trade_links')
    .where('participant_id', '=', participantId)
    .where('trace_id', '=', traceId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// --- requests -------------------------------------------------------------------------------------------------

export type RequestDirection = 'inbox' | 'outbox';
export type RequestStatus = 'requested' | 'answered' | 'rejected' | 'cancelled' | 'outdated';
export const requestStatuses: readonly RequestStatus[] = [
  'requested',
  'answered',
  'rejected',
  'cancelled',
  'outdated',
];

export interface StoredRequest {
  readonly id: string;
  readonly direction: RequestDirection;
  readonly eventId: string;
  readonly counterpartyDid: string;
  readonly counterpartyAddress?: string;
  readonly partRef: string;
  readonly traceId?: string;
  readonly message?: string;
  readonly dueDate?: string;
  readonly status: RequestStatus;
  readonly reply?: string;
  /** The PACT v3 RequestCreatedEvent as sent or received. */
  readonly event: unknown;
  readonly pfId?: string;
  readonly answerJws?: string;
  /** The verified answer (outbox): the supplier's published footprint. */
  readonly answer?: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const toRequest = (r: FpRequestsTable): StoredRequest => ({
  id: r.id,
  direction: r.direction as RequestDirection,
  eventId: r.event_id,
  counterpartyDid: r.counterparty_did,
  ...(r.counterparty_address !== null ? { counterpartyAddress: r.counterparty_address } : {}),
  partRef: r.part_ref,
  ...(r.trace_id !== null ? { traceId: r.trace_id } : {}),
  ...(r.message !== null ? { message: r.message } : {}),
  ...(r.due_date !== null ? { dueDate: r.due_date } : {}),
  status: r.status as RequestStatus,
  ...(r.reply !== null ? { reply: r.reply } : {}),
  event: JSON.parse(r.event) as unknown,
  ...(r.pf_id !== null ? { pfId: r.pf_id } : {}),
  ...(r.answer_jws !== null ? { answerJws: r.answer_jws } : {}),
  ...(r.answer !== null ? { answer: JSON.parse(r.answer) as unknown } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const requestRow = (r: StoredRequest) => ({
  direction: r.direction,
  event_id: r.eventId,
  counterparty_did: r.counterpartyDid,
  counterparty_address: r.counterpartyAddress ?? null,
  part_ref: r.partRef,
  trace_id: r.traceId ?? null,
  message: r.message ?? null,
  due_date: r.dueDate ?? null,
  status: r.status,
  reply: r.reply ?? null,
  event: JSON.stringify(r.event),
  pf_id: r.pfId ?? null,
  answer_jws: r.answerJws ?? null,
  answer: r.answer === undefined ? null : JSON.stringify(r.answer),
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

export async function insertRequest(
  db: Kysely<Tables>,
  participantId: string,
  r: StoredRequest,
): Promise<void> {
  await fp(db)
    .insertInto('fp_requests')
    .values({ participant_id: participantId, id: r.id, ...requestRow(r) })
    .execute();
}

/** Replaces a request's row (same id). */
export async function updateRequest(
  db: Kysely<Tables>,
  participantId: string,
  r: StoredRequest,
): Promise<void> {
  await fp(db)
    .updateTable('fp_requests')
    .set(requestRow(r))
    .where('participant_id', '=', participantId)
    .where('id', '=', r.id)
    .execute();
}

export async function findRequest(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
): Promise<StoredRequest | undefined> {
  const row = await fp(db)
    .selectFrom('fp_requests')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toRequest(row);
}

export interface RequestQuery {
  readonly direction?: RequestDirection;
  readonly status?: RequestStatus;
  readonly counterpartyDid?: string;
  readonly eventId?: string;
  readonly traceId?: string;
  readonly partRef?: string;
}

export async function listRequests(
  db: Kysely<Tables>,
  participantId: string,
  q: RequestQuery = {},
): Promise<StoredRequest[]> {
  let query = fp(db).selectFrom('fp_requests').selectAll().where('participant_id', '=', participantId);
  if (q.direction) query = query.where('direction', '=', q.direction);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.counterpartyDid) query = query.where('counterparty_did', '=', q.counterpartyDid);
  if (q.eventId) query = query.where('event_id', '=', q.eventId);
  if (q.traceId) query = query.where('trace_id', '=', q.traceId);
  if (q.partRef) query = query.where('part_ref', '=', q.partRef);
  const rows = await query.orderBy('created_at').orderBy('id').limit(10_000).execute();
  return rows.map(toRequest);
}

// --- published footprints ---------------------------------------------------------------------------------------

export type PublishedStatus = 'Pending' | 'Active' | 'Deprecated';

export interface StoredPublished {
  readonly id: string;
  readonly requestId: string;
  readonly customerDid: string;
  readonly traceId: string;
  readonly productIds: readonly string[];
  readonly version: number;
  readonly status: PublishedStatus;
  readonly precedingPfIds: readonly string[];
  /** The published document (signed as is). */
  readonly document: unknown;
  /** Compact JWS over the document's canonical JSON; absent while Pending. */
  readonly jws?: string;
  /** The per-customer asset it is offered as, once Active. */
  readonly assetId?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const toPublished = (r: FpPublishedTable): StoredPublished => ({
  id: r.id,
  requestId: r.request_id,
  customerDid: r.customer_did,
  traceId: r.trace_id,
  productIds: JSON.parse(r.product_ids) as string[],
  version: r.version,
  status: r.status as PublishedStatus,
  precedingPfIds: JSON.parse(r.preceding_pf_ids) as string[],
  document: JSON.parse(r.document) as unknown,
  ...(r.jws !== null ? { jws: r.jws } : {}),
  ...(r.asset_id !== null ? { assetId: r.asset_id } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const publishedRow = (p: StoredPublished) => ({
  request_id: p.requestId,
  customer_did: p.customerDid,
  trace_id: p.traceId,
  product_ids: JSON.stringify(p.productIds),
  version: p.version,
  status: p.status,
  preceding_pf_ids: JSON.stringify(p.precedingPfIds),
  document: JSON.stringify(p.document),
  jws: p.jws ?? null,
  asset_id: p.assetId ?? null,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

export async function insertPublished(db: Kysely<Tables>, participantId: string, p: StoredPublished) {
  await fp(db)
    .insertInto('fp_published')
    .values({ participant_id: participantId, id: p.id, ...publishedRow(p) })
    .execute();
}

export async function updatePublished(db: Kysely<Tables>, participantId: string, p: StoredPublished) {
  await fp(db)
    .updateTable('fp_published')
    .set(publishedRow(p))
    .where('participant_id', '=', participantId)
    .where('id', '=', p.id)
    .execute();
}

export async function findPublished(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
): Promise<StoredPublished | undefined> {
  const row = await fp(db)
    .selectFrom('fp_published')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toPublished(row);
}

export interface PublishedQuery {
  readonly customerDid?: string;
  readonly requestId?: string;
  readonly traceId?: string;
  readonly status?: PublishedStatus;
}

export async function listPublished(
  db: Kysely<Tables>,
  participantId: string,
  q: PublishedQuery = {},
): Promise<StoredPublished[]> {
  let query = fp(db).selectFrom('fp_published').selectAll().where('participant_id', '=', participantId);
  if (q.customerDid) query = query.where('customer_did', '=', q.customerDid);
  if (q.requestId) query = query.where('request_id', '=', q.requestId);
  if (q.traceId) query = query.where('trace_id', '=', q.traceId);
  if (q.status) query = query.where('status', '=', q.status);
  const rows = await query.orderBy('created_at').orderBy('version').orderBy('id').limit(10_000).execute();
  return rows.map(toPublished);
}

/** What a customer may see of one published footprint (for the PACT host): plain data, signed form included. */
export interface VisibleFootprint {
  readonly id: string;
  readonly version: number;
  readonly status: 'Active' | 'Deprecated';
  readonly precedingPfIds: readonly string[];
  readonly productIds: readonly string[];
  /** The signed document (`musubi-footprint/1`: issuer, customer, requestEventId, footprint…). */
  readonly document: unknown;
  readonly jws: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface VisibleFootprintFilter {
  /** Only footprints naming one of these product ids. */
  readonly productIds?: readonly string[];
  readonly status?: readonly ('Active' | 'Deprecated')[];
  /** Only footprints created or changed at or after this ISO time. */
  readonly updatedSince?: string;
  readonly limit?: number;
}

/**
 * The footprints `participantId` published for `customerDid` — nobody else's, never one still awaiting
 * approval — oldest first. The PACT host (src/apps/pact) serves these to the authenticated customer.
 */
export async function footprintsVisibleTo(
  db: Kysely<Tables>,
  participantId: string,
  customerDid: string,
  f: VisibleFootprintFilter = {},
): Promise<VisibleFootprint[]> {
  let query = fp(db)
    .selectFrom('fp_published')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('customer_did', '=', customerDid)
    .where('status', 'in', [...(f.status?.length ? f.status : ['Active', 'Deprecated'])])
    .where('jws', 'is not', null);
  if (f.updatedSince) query = query.where('updated_at', '>=', f.updatedSince);
  const rows = await query.orderBy('created_at').orderBy('version').orderBy('id').limit(10_000).execute();
  const wanted = f.productIds?.length ? new Set(f.productIds) : undefined;
  return rows
    .map(toPublished)
    .filter((p) => !wanted || p.productIds.some((id) => wanted.has(id)))
    .slice(0, f.limit ?? 10_000)
    .map((p) => ({
      id: p.id,
      version: p.version,
      status: p.status as 'Active' | 'Deprecated',
      precedingPfIds: p.precedingPfIds,
      productIds: p.productIds,
      document: p.document,
      jws: p.jws ?? '',
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    }));
}
