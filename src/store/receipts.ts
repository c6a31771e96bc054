import type { Kysely } from 'kysely';
import type { Tables } from './tables.js';

export interface AuditReceiptsTable {
  participant_id: string;
  /** The receipt's jti. */
  id: string;
  /** issued: signed by this participant (the counterparty holds it too); held: signed by the counterparty. */
  role: 'issued' | 'held';
  issuer: string;
  audience: string;
  head_seq: number;
  head_hash: string;
  event_kind: string;
  process_id: string | null;
  event_type: string | null;
  digest: string | null;
  jws: string;
  at: string;
}

export type ReceiptRecord = Readonly<AuditReceiptsTable>;

const withReceipts = (db: Kysely<Tables>) => db.withTables<{ audit_receipts: AuditReceiptsTable }>();

/** Keeps a receipt; the same one arriving twice (a resent message) is kept once. */
export async function insertReceipt(db: Kysely<Tables>, r: ReceiptRecord): Promise<void> {
  await withReceipts(db)
    .insertInto('audit_receipts')
    .values(r)
    .onConflict((oc) => oc.columns(['participant_id', 'role', 'id']).doNothing())
    .execute();
}

export interface ReceiptQuery {
  readonly role?: 'issued' | 'held';
  /** The other side: the audience of an issued receipt, the issuer of a held one. */
  readonly counterparty?: string;
  readonly processId?: string;
  readonly limit?: number;
}

export async function listReceipts(
  db: Kysely<Tables>,
  participantId: string,
  q: ReceiptQuery = {},
): Promise<ReceiptRecord[]> {
  let query = withReceipts(db)
    .selectFrom('audit_receipts')
    .selectAll()
    .where('participant_id', '=', participantId);
  if (q.role) query = query.where('role', '=', q.role);
  if (q.processId) query = query.where('process_id', '=', q.processId);
  if (q.counterparty) {
    const other = q.counterparty;
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('role', '=', 'issued'), eb('audience', '=', other)]),
        eb.and([eb('role', '=', 'held'), eb('issuer', '=', other)]),
      ]),
    );
  }
  return query
    .orderBy('at')
    .orderBy('id')
    .limit(q.limit ?? 1000)
    .execute();
}

/**
 * The issued receipts that contradict the stored chain, lowest entry first: those naming an entry past the
 * head (the tail was cut) or an entry kept with another hash (it was rewritten). One query, whatever the
 * number of receipts.
 */
export async function contradictingReceipts(
  db: Kysely<Tables>,
  participantId: string,
  fromSeq: number,
  limit = 1,
): Promise<(ReceiptRecord & { stored_hash: string | null })[]> {
  return withReceipts(db)
    .selectFrom('audit_receipts as r')
    .leftJoin('audit_log as a', (j) =>
      j.onRef('a.participant_id', '=', 'r.participant_id').onRef('a.seq', '=', 'r.head_seq'),
    )
    .selectAll('r')
    .select('a.hash as stored_hash')
    .where('r.participant_id', '=', participantId)
    .where('r.role', '=', 'issued')
    .where('r.head_seq', '>=', fromSeq)
    .where((eb) => eb.or([eb('a.hash', 'is', null), eb('a.hash', '<>', eb.ref('r.head_hash'))]))
    .orderBy('r.head_seq')
    .limit(limit)
    .execute();
}

/** How many receipts this participant issued (each one checked against the chain by verify). */
export async function countIssuedReceipts(db: Kysely<Tables>, participantId: string): Promise<number> {
  const row = await withReceipts(db)
    .selectFrom('audit_receipts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('participant_id', '=', participantId)
    .where('role', '=', 'issued')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Receipts the counterparties gave this participant about the given local processes. */
export async function heldReceiptsFor(
  db: Kysely<Tables>,
  participantId: string,
  processIds: readonly string[],
): Promise<ReceiptRecord[]> {
  if (processIds.length === 0) return [];
  return withReceipts(db)
    .selectFrom('audit_receipts')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('role', '=', 'held')
    .where('process_id', 'in', [...processIds])
    .orderBy('at')
    .execute();
}
