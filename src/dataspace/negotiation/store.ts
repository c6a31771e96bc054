import type { Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';
import type { Agreement, Offer } from '../protocol/index.js';
import { NegotiationChanged } from './errors.js';
import type { NegotiationState, Role } from './negotiation.js';

/** One side's record of a contract negotiation. `id` is our own pid. */
export interface Negotiation {
  readonly participantId: string;
  readonly id: string;
  readonly role: Role;
  readonly providerPid: string | null;
  readonly consumerPid: string | null;
  readonly state: NegotiationState;
  readonly counterpartyId: string;
  readonly counterpartyAddress: string;
  readonly offerId: string;
  readonly offer: Offer;
  readonly agreementId: string | null;
  readonly deadlineAt: string | null;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly idempotencyKey: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface StoredAgreement {
  readonly participantId: string;
  readonly id: string;
  readonly negotiationId: string;
  readonly role: Role;
  readonly counterpartyId: string;
  readonly offerId: string;
  readonly assetId: string;
  readonly policy: Agreement;
  readonly finalizedAt: string | null;
  readonly createdAt: string;
}

type Row = Tables['negotiations'];

export function negotiationFromRow(r: Row): Negotiation {
  return {
    participantId: r.participant_id,
    id: r.id,
    role: r.role as Role,
    providerPid: r.provider_pid,
    consumerPid: r.consumer_pid,
    state: r.state as NegotiationState,
    counterpartyId: r.counterparty_id,
    counterpartyAddress: r.counterparty_address,
    offerId: r.offer_id,
    offer: JSON.parse(r.offer) as Offer,
    agreementId: r.agreement_id,
    deadlineAt: r.deadline_at,
    reasonCode: r.reason_code,
    reason: r.reason,
    idempotencyKey: r.idempotency_key,
    version: Number(r.version),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRow(n: Negotiation): Row {
  return {
    participant_id: n.participantId,
    id: n.id,
    role: n.role,
    provider_pid: n.providerPid,
    consumer_pid: n.consumerPid,
    state: n.state,
    counterparty_id: n.counterpartyId,
    counterparty_address: n.counterpartyAddress,
    offer_id: n.offerId,
    offer: JSON.stringify(n.offer),
    agreement_id: n.agreementId,
    deadline_at: n.deadlineAt,
    reason_code: n.reasonCode,
    reason: n.reason,
    idempotency_key: n.idempotencyKey,
    version: n.version,
    created_at: n.createdAt,
    updated_at: n.updatedAt,
  };
}

export async function insertNegotiation(db: Kysely<Tables>, n: Negotiation): Promise<void> {
  await db.insertInto('negotiations').values(toRow(n)).execute();
}

/** Writes `n` over the stored row if nobody changed it since it was read (`n.version` is the new one). */
export async function saveNegotiation(db: Kysely<Tables>, n: Negotiation): Promise<void> {
  const { participant_id, id, ...rest } = toRow(n);
  const r = await db
    .updateTable('negotiations')
    .set(rest)
    .where('participant_id', '=', participant_id)
    .where('id', '=', id)
    .where('version', '=', n.version - 1)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new NegotiationChanged(id);
}

export async function findNegotiation(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
): Promise<Negotiation | undefined> {
  const r = await db
    .selectFrom('negotiations')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? negotiationFromRow(r) : undefined;
}

/** The provider-side negotiation a consumer opened with this consumerPid, if any. */
export async function findByConsumerPid(
  db: Kysely<Tables>,
  participantId: string,
  counterpartyId: string,
  consumerPid: string,
): Promise<Negotiation | undefined> {
  const r = await db
    .selectFrom('negotiations')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('role', '=', 'provider')
    .where('counterparty_id', '=', counterpartyId)
    .where('consumer_pid', '=', consumerPid)
    .executeTakeFirst();
  return r ? negotiationFromRow(r) : undefined;
}

export async function findByIdempotencyKey(
  db: Kysely<Tables>,
  participantId: string,
  key: string,
): Promise<Negotiation | undefined> {
  const r = await db
    .selectFrom('negotiations')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return r ? negotiationFromRow(r) : undefined;
}

export interface NegotiationFilter {
  readonly state?: NegotiationState;
  readonly role?: Role;
  /** Keyset pagination over (created_at, id): the last id of the previous page. */
  readonly after?: { readonly createdAt: string; readonly id: string };
  readonly limit: number;
}

export async function listNegotiations(
  db: Kysely<Tables>,
  participantId: string,
  f: NegotiationFilter,
): Promise<Negotiation[]> {
  let q = db.selectFrom('negotiations').selectAll().where('participant_id', '=', participantId);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.role) q = q.where('role', '=', f.role);
  const after = f.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '>', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
      ]),
    );
  }
  const rows = await q.orderBy('created_at').orderBy('id').limit(f.limit).execute();
  return rows.map(negotiationFromRow);
}

/** Negotiations whose deadline has passed, oldest first. */
export async function overdueNegotiations(
  db: Kysely<Tables>,
  at: Date,
  limit: number,
): Promise<Negotiation[]> {
  const rows = await db
    .selectFrom('negotiations')
    .selectAll()
    .where('deadline_at', '<=', at.toISOString())
    .orderBy('deadline_at')
    .limit(limit)
    .execute();
  return rows.map(negotiationFromRow);
}

export async function nextDeadline(db: Kysely<Tables>): Promise<Date | undefined> {
  // ORDER BY … LIMIT 1 walks the index from its first non-null entry; min() would step over every null.
  const row = await db
    .selectFrom('negotiations')
    .select('deadline_at')
    .where('deadline_at', 'is not', null)
    .orderBy('deadline_at')
    .limit(1)
    .executeTakeFirst();
  return row?.deadline_at ? new Date(row.deadline_at) : undefined;
}

type AgreementRow = Tables['agreements'];

function agreementFromRow(r: AgreementRow): StoredAgreement {
  return {
    participantId: r.participant_id,
    id: r.id,
    negotiationId: r.negotiation_id,
    role: r.role as Role,
    counterpartyId: r.counterparty_id,
    offerId: r.offer_id,
    assetId: r.asset_id,
    policy: JSON.parse(r.policy) as Agreement,
    finalizedAt: r.finalized_at,
    createdAt: r.created_at,
  };
}

export async function insertAgreement(db: Kysely<Tables>, a: StoredAgreement): Promise<void> {
  await db
    .insertInto('agreements')
    .values({
      participant_id: a.participantId,
      id: a.id,
      negotiation_id: a.negotiationId,
      role: a.role,
      counterparty_id: a.counterpartyId,
      offer_id: a.offerId,
      asset_id: a.assetId,
      policy: JSON.stringify(a.policy),
      finalized_at: a.finalizedAt,
      created_at: a.createdAt,
    })
    .execute();
}

export async function finalizeAgreement(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('agreements')
    .set({ finalized_at: at.toISOString() })
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .execute();
}

export async function findAgreement(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
): Promise<StoredAgreement | undefined> {
  const r = await db
    .selectFrom('agreements')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? agreementFromRow(r) : undefined;
}

/** A finalized agreement with this counterparty for this offer, to reuse instead of negotiating again. */
export async function findFinalizedAgreement(
  db: Kysely<Tables>,
  participantId: string,
  counterpartyId: string,
  offerId: string,
): Promise<StoredAgreement | undefined> {
  const r = await db
    .selectFrom('agreements')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('counterparty_id', '=', counterpartyId)
    .where('offer_id', '=', offerId)
    .where('finalized_at', 'is not', null)
    .orderBy('finalized_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? agreementFromRow(r) : undefined;
}

export async function listAgreements(
  db: Kysely<Tables>,
  participantId: string,
  page: { readonly after?: string; readonly limit: number; readonly finalizedOnly?: boolean },
): Promise<StoredAgreement[]> {
  let q = db.selectFrom('agreements').selectAll().where('participant_id', '=', participantId);
  if (page.after) q = q.where('id', '>', page.after);
  if (page.finalizedOnly) q = q.where('finalized_at', 'is not', null);
  const rows = await q.orderBy('id').limit(page.limit).execute();
  return rows.map(agreementFromRow);
}
