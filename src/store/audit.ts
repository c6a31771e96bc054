import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditLogTable, Tables } from './tables.js';

/** What happened: who did what to which resource, why, through which channel, with what outcome. */
export interface AuditEntry {
  readonly participantId: string;
  readonly actor: string;
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly reason?: string;
  readonly via: string;
  readonly outcome: 'success' | 'denied' | 'failure';
  readonly details?: Readonly<Record<string, unknown>>;
  /** The 5W1H fields the entry's own columns do not carry; optional so every existing caller keeps working. */
  readonly context?: AuditContext;
}

/**
 * 5W1H beyond the columns (who = actor, what = action + resource, when = at): stored in `details` under
 * `5w1h`, so the hash covers it and no column had to be added. `operator` is personal data: masked on export.
 */
export interface AuditContext {
  /** who: the participant's DID and the person or system operating it. */
  readonly participantDid?: string;
  readonly operator?: string;
  /** where: the node and the endpoint the event went through. */
  readonly node?: string;
  readonly endpoint?: string;
  /** why: the declared purpose, the agreement and the policy that allowed or refused it. */
  readonly purpose?: string;
  readonly agreementId?: string;
  readonly policyId?: string;
  /** how: the protocol and the data format. */
  readonly protocol?: string;
  readonly format?: string;
  /** A tracking id for this hop; fresh on every hop, its mapping to the counterparty's stays local. */
  readonly trackingId?: string;
  /** sha256 of transferred content, when data moved. */
  readonly contentHash?: string;
}

export const auditContextKey = '5w1h';

function detailsOf(entry: AuditEntry): string {
  if (!entry.context || Object.keys(entry.context).length === 0) return JSON.stringify(entry.details ?? {});
  return JSON.stringify({ ...entry.details, [auditContextKey]: entry.context });
}

export type AuditRecord = Readonly<AuditLogTable>;

/** The fields a record's hash covers, in a fixed order, so any later edit of a stored row is detectable. */
export function auditHash(r: Omit<AuditRecord, 'hash' | 'signature'>): string {
  const canonical = JSON.stringify([
    r.participant_id,
    r.seq,
    r.at,
    r.actor,
    r.action,
    r.resource_type,
    r.resource_id,
    r.reason,
    r.via,
    r.outcome,
    r.details,
    r.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The chain head each open transaction has already locked and read, per participant: a transaction that
 * appends several entries (a received message and our reaction to it) takes the lock and reads the head once.
 * Keyed by the transaction object, so it is forgotten with it; only transactions are cached, since outside one
 * another writer may append between two calls.
 */
const heads = new WeakMap<Kysely<Tables>, Map<string, { seq: number; hash: string }>>();

/**
 * Appends to the participant's hash chain. Call it with the transaction that makes the state change it
 * records, so the entry exists exactly when the change does.
 */
export async function appendAudit(trx: Kysely<Tables>, entry: AuditEntry, at: Date): Promise<AuditRecord> {
  const held = trx.isTransaction
    ? (heads.get(trx) ?? new Map<string, { seq: number; hash: string }>())
    : undefined;
  if (held && !heads.has(trx)) heads.set(trx, held);
  const last = held?.get(entry.participantId) ?? (await lockedHead(trx, entry.participantId));
  const unsigned = {
    participant_id: entry.participantId,
    seq: (last?.seq ?? 0) + 1,
    at: at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId,
    reason: entry.reason ?? null,
    via: entry.via,
    outcome: entry.outcome,
    details: detailsOf(entry),
    prev_hash: last?.hash ?? null,
  };
  const record: AuditRecord = { ...unsigned, hash: auditHash(unsigned), signature: null };
  await trx.insertInto('audit_log').values(record).execute();
  held?.set(entry.participantId, { seq: record.seq, hash: record.hash });
  return record;
}

async function lockedHead(trx: Kysely<Tables>, participantId: string) {
  // Touching the participant row takes its row lock on PostgreSQL and the write lock on SQLite, so two
  // concurrent appends for one participant cannot pick the same seq. Not through `id`: setting a parent key,
  // even to itself, makes SQLite scan every row referencing the participant (cost grew with the store).
  await trx
    .updateTable('participants')
    .set((eb) => ({ name: eb.ref('name') }))
    .where('id', '=', participantId)
    .execute();
  return trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .where('participant_id', '=', participantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function listAudit(
  db: Kysely<Tables>,
  participantId: string,
  page: { readonly afterSeq?: number; readonly limit?: number } = {},
): Promise<AuditRecord[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('seq', '>', page.afterSeq ?? 0)
    .orderBy('seq')
    .limit(page.limit ?? 100)
    .execute();
}

/** The seq of the first record whose link or hash does not hold, or undefined when the chain is intact. */
export function firstBrokenLink(records: readonly AuditRecord[]): number | undefined {
  let prev: string | null = null;
  let expectedSeq = records[0]?.seq ?? 1;
  for (const r of records) {
    const { hash, signature: _signature, ...unsigned } = r;
    if (r.seq !== expectedSeq || r.prev_hash !== prev || auditHash(unsigned) !== hash) return r.seq;
    prev = hash;
    expectedSeq += 1;
  }
  return undefined;
}

/** A participant's whole chain, oldest first, in pages (keyset-paged so a long chain streams). */
export async function* auditPages(
  db: Kysely<Tables>,
  participantId: string,
  range: { readonly fromSeq?: number; readonly from?: string; readonly to?: string } = {},
  pageSize = 5000,
): AsyncGenerator<AuditRecord[]> {
  let after = (range.fromSeq ?? 1) - 1;
  for (;;) {
    let q = db
      .selectFrom('audit_log')
      .selectAll()
      .where('participant_id', '=', participantId)
      .where('seq', '>', after);
    if (range.from) q = q.where('at', '>=', range.from);
    if (range.to) q = q.where('at', '<', range.to);
    const page = await q.orderBy('seq').limit(pageSize).execute();
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]?.seq ?? after;
    if (page.length < pageSize) return;
  }
}

/** Stores a checkpoint's signature; the column sits outside the hash, the signature covers the hash. */
export async function setAuditSignature(
  trx: Kysely<Tables>,
  participantId: string,
  seq: number,
  signature: string,
): Promise<void> {
  await trx
    .updateTable('audit_log')
    .set({ signature })
    .where('participant_id', '=', participantId)
    .where('seq', '=', seq)
    .execute();
}

/** The newest entry of an action (a checkpoint), optionally no later than a time. */
export async function lastAuditOf(
  db: Kysely<Tables>,
  participantId: string,
  action: string,
  notAfter?: string,
): Promise<AuditRecord | undefined> {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('action', '=', action);
  if (notAfter) q = q.where('at', '<=', notAfter);
  return q.orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** The newest and oldest entries kept, to decide whether a checkpoint is due. */
export async function auditBounds(
  db: Kysely<Tables>,
  participantId: string,
): Promise<{ first?: AuditRecord; last?: AuditRecord }> {
  const ends = (dir: 'asc' | 'desc') =>
    db
      .selectFrom('audit_log')
      .selectAll()
      .where('participant_id', '=', participantId)
      .orderBy('seq', dir)
      .limit(1)
      .executeTakeFirst();
  const [first, last] = await Promise.all([ends('asc'), ends('desc')]);
  return { ...(first ? { first } : {}), ...(last ? { last } : {}) };
}

/** Removes every entry before `seq` (retention); the entry at `seq` must be a signed checkpoint. */
export async function deleteAuditBefore(
  db: Kysely<Tables>,
  participantId: string,
  seq: number,
): Promise<number> {
  const r = await db
    .deleteFrom('audit_log')
    .where('participant_id', '=', participantId)
    .where('seq', '<', seq)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
