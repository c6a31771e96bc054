import { createHash } from 'node:crypto';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Tables } from '../../store/index.js';
import type { Role } from '../negotiation/negotiation.js';
import type { DataAddress } from '../protocol/index.js';
import { TransferChanged } from './errors.js';
import type { TransferState } from './transfer.js';

/** One side's record of a transfer process. `id` is our own pid. */
export interface Transfer {
  readonly participantId: string;
  readonly id: string;
  readonly role: Role;
  readonly providerPid: string | null;
  readonly consumerPid: string | null;
  readonly state: TransferState;
  readonly counterpartyId: string;
  readonly counterpartyAddress: string;
  readonly agreementId: string;
  readonly format: string;
  readonly dataAddress: DataAddress | null;
  readonly accessTokenHash: string | null;
  readonly deadlineAt: string | null;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly idempotencyKey: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** False for a stream (the asset's data address says `finite: false`): STARTED has no deadline then. */
  readonly finite: boolean;
}

type Row = Selectable<Tables['transfers']>;

function fromRow(r: Row): Transfer {
  return {
    participantId: r.participant_id,
    id: r.id,
    role: r.role as Role,
    providerPid: r.provider_pid,
    consumerPid: r.consumer_pid,
    state: r.state as TransferState,
    counterpartyId: r.counterparty_id,
    counterpartyAddress: r.counterparty_address,
    agreementId: r.agreement_id,
    format: r.format,
    dataAddress: r.data_address ? (JSON.parse(r.data_address) as DataAddress) : null,
    accessTokenHash: r.access_token_hash,
    deadlineAt: r.deadline_at,
    reasonCode: r.reason_code,
    reason: r.reason,
    idempotencyKey: r.idempotency_key,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finite: Number(r.finite) !== 0,
  };
}

function toRow(t: Transfer): Insertable<Tables['transfers']> & Row {
  return {
    participant_id: t.participantId,
    id: t.id,
    role: t.role,
    provider_pid: t.providerPid,
    consumer_pid: t.consumerPid,
    state: t.state,
    counterparty_id: t.counterpartyId,
    counterparty_address: t.counterpartyAddress,
    agreement_id: t.agreementId,
    format: t.format,
    data_address: t.dataAddress ? JSON.stringify(t.dataAddress) : null,
    access_token_hash: t.accessTokenHash,
    deadline_at: t.deadlineAt,
    reason_code: t.reasonCode,
    reason: t.reason,
    idempotency_key: t.idempotencyKey,
    version: t.version,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    finite: t.finite ? 1 : 0,
  };
}

export async function findTransfer(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
): Promise<Transfer | undefined> {
  const row = await db
    .selectFrom('transfers')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** The provider's transfer a consumer created with its consumerPid (a repeated request finds it). */
export async function findByConsumerPid(
  db: Kysely<Tables>,
  participantId: string,
  counterpartyId: string,
  consumerPid: string,
): Promise<Transfer | undefined> {
  const row = await db
    .selectFrom('transfers')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('role', '=', 'provider')
    .where('counterparty_id', '=', counterpartyId)
    .where('consumer_pid', '=', consumerPid)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function findByIdempotencyKey(
  db: Kysely<Tables>,
  participantId: string,
  key: string,
): Promise<Transfer | undefined> {
  const row = await db
    .selectFrom('transfers')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function insertTransfer(trx: Kysely<Tables>, t: Transfer): Promise<void> {
  await trx.insertInto('transfers').values(toRow(t)).execute();
}

/** Writes `next` over `prev` only if nobody changed it since `prev` was read (optimistic, by version). */
export async function updateTransfer(trx: Kysely<Tables>, prev: Transfer, next: Transfer): Promise<Transfer> {
  const saved = { ...next, version: prev.version + 1 };
  const { participant_id: _p, id: _i, ...row } = toRow(saved);
  const res = await trx
    .updateTable('transfers')
    .set(row)
    .where('participant_id', '=', prev.participantId)
    .where('id', '=', prev.id)
    .where('version', '=', prev.version)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new TransferChanged(prev.id);
  return saved;
}

export interface TransferQuery {
  readonly limit: number;
  /** Keyset: the last transfer of the previous page (oldest first). */
  readonly after?: { readonly createdAt: string; readonly id: string };
  readonly state?: string;
  readonly role?: Role;
  readonly agreementId?: string;
}

export async function listTransfers(
  db: Kysely<Tables>,
  participantId: string,
  q: TransferQuery,
): Promise<Transfer[]> {
  let query = db.selectFrom('transfers').selectAll().where('participant_id', '=', participantId);
  const after = q.after;
  if (after !== undefined)
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '>', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
      ]),
    );
  if (q.state !== undefined) query = query.where('state', '=', q.state);
  if (q.role !== undefined) query = query.where('role', '=', q.role);
  if (q.agreementId !== undefined) query = query.where('agreement_id', '=', q.agreementId);
  const rows = await query.orderBy('created_at').orderBy('id').limit(q.limit).execute();
  return rows.map(fromRow);
}

/** Transfers whose wait on the counterparty ran out, oldest deadline first. */
export async function transfersPastDeadline(
  db: Kysely<Tables>,
  at: Date,
  limit: number,
): Promise<Transfer[]> {
  const rows = await db
    .selectFrom('transfers')
    .selectAll()
    .where('deadline_at', 'is not', null)
    .where('deadline_at', '<=', at.toISOString())
    .orderBy('deadline_at')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

export async function nextTransferDeadline(db: Kysely<Tables>): Promise<Date | undefined> {
  const row = await db
    .selectFrom('transfers')
    .select((eb) => eb.fn.min('deadline_at').as('due'))
    .executeTakeFirst();
  const due = row?.due as string | null | undefined;
  return due ? new Date(due) : undefined;
}

/**
 * Whether an asset's data is finite: a data address may say `"finite": false` for a stream (a live feed) whose
 * STARTED transfer runs until someone ends it. An asset gone since the agreement counts as finite.
 */
export async function assetIsFinite(db: Kysely<Tables>, participantId: string, assetId: string) {
  const row = await db
    .selectFrom('assets')
    .select('data_address')
    .where('participant_id', '=', participantId)
    .where('id', '=', assetId)
    .executeTakeFirst();
  return (row ? (JSON.parse(row.data_address) as { finite?: unknown }).finite : undefined) !== false;
}

/** The agreement a transfer may run under: ours, with that counterparty (when given), and FINALIZED. */
export async function usableAgreement(
  db: Kysely<Tables>,
  participantId: string,
  agreementId: string,
  role: Role,
  counterpartyId?: string,
): Promise<{ id: string; counterpartyId: string; negotiationId: string; assetId: string } | undefined> {
  let q = db
    .selectFrom('agreements')
    .select(['id', 'counterparty_id', 'negotiation_id', 'asset_id'])
    .where('participant_id', '=', participantId)
    .where('id', '=', agreementId)
    .where('role', '=', role)
    .where('finalized_at', 'is not', null);
  if (counterpartyId !== undefined) q = q.where('counterparty_id', '=', counterpartyId);
  const row = await q.executeTakeFirst();
  return row
    ? {
        id: row.id,
        counterpartyId: row.counterparty_id,
        negotiationId: row.negotiation_id,
        assetId: row.asset_id,
      }
    : undefined;
}

/** The provider's DSP base a consumer-side agreement was negotiated with. */
export async function providerAddressOf(
  db: Kysely<Tables>,
  participantId: string,
  negotiationId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('negotiations')
    .select('counterparty_address')
    .where('participant_id', '=', participantId)
    .where('id', '=', negotiationId)
    .executeTakeFirst();
  return row?.counterparty_address || undefined;
}

/**
 * The STARTED transfer a pull access token was handed out for (the data plane's check); only the token's
 * sha256 is stored, so a leaked database does not leak live tokens.
 */
export async function transferForAccessToken(
  db: Kysely<Tables>,
  token: string,
): Promise<Transfer | undefined> {
  const row = await db
    .selectFrom('transfers')
    .selectAll()
    .where('access_token_hash', '=', createHash('sha256').update(token).digest('hex'))
    .where('state', '=', 'STARTED')
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}
