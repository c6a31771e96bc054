import type { Kysely } from 'kysely';
import {
  decodeStatusList,
  emptyStatusList,
  encodeStatusList,
  withStatusBit,
} from '../../dataspace/credentials/index.js';
import { NotFound } from '../../errors/index.js';
import type { Tables } from '../../store/index.js';

/** Credentials a participant holds (migration 0010). */
interface HeldCredentialsTable {
  participant_id: string;
  id: string;
  type: string;
  issuer: string;
  profile: string;
  jwt: string;
  valid_until: string | null;
  received_at: string;
}

/** Credentials a participant issued as an authority, with their status list entry. */
interface IssuedCredentialsTable {
  participant_id: string;
  id: string;
  holder: string;
  type: string;
  claims: string;
  status_list: string;
  status_index: number;
  issued_at: string;
  valid_until: string | null;
  revoked_at: string | null;
}

interface StatusListsTable {
  participant_id: string;
  id: string;
  purpose: string;
  encoded: string;
  next_index: number;
  updated_at: string;
}

interface CredentialRequestsTable {
  participant_id: string;
  id: string;
  holder: string;
  holder_pid: string;
  types: string;
  status: 'RECEIVED' | 'ISSUED' | 'REJECTED';
  reason: string | null;
  created_at: string;
  updated_at: string;
}

export type CredentialRequest = CredentialRequestsTable;

type CredentialTables = {
  credential_requests: CredentialRequestsTable;
  held_credentials: HeldCredentialsTable;
  issued_credentials: IssuedCredentialsTable;
  status_lists: StatusListsTable;
};
const withCredentials = (db: Kysely<Tables>) => db.withTables<CredentialTables>();

export type HeldCredential = HeldCredentialsTable;
export type IssuedCredential = IssuedCredentialsTable;

/** Stores a received credential; the same id again replaces it (a re-issue). */
export async function storeHeldCredential(db: Kysely<Tables>, c: HeldCredential): Promise<void> {
  const { participant_id: _p, id: _i, ...rest } = c;
  await withCredentials(db)
    .insertInto('held_credentials')
    .values(c)
    .onConflict((oc) => oc.columns(['participant_id', 'id']).doUpdateSet(rest))
    .execute();
}

export async function heldCredentials(
  db: Kysely<Tables>,
  participantId: string,
  types?: readonly string[],
): Promise<HeldCredential[]> {
  let q = withCredentials(db)
    .selectFrom('held_credentials')
    .selectAll()
    .where('participant_id', '=', participantId);
  if (types) {
    if (types.length === 0) return [];
    q = q.where('type', 'in', [...types]);
  }
  return q.orderBy('received_at').orderBy('id').execute();
}

/** The distinct credential types a participant holds (what its access tokens grant). */
export async function heldTypes(db: Kysely<Tables>, participantId: string): Promise<string[]> {
  const rows = await withCredentials(db)
    .selectFrom('held_credentials')
    .select('type')
    .distinct()
    .where('participant_id', '=', participantId)
    .orderBy('type')
    .execute();
  return rows.map((r) => r.type);
}

export async function findStatusList(db: Kysely<Tables>, participantId: string, id: string) {
  return withCredentials(db)
    .selectFrom('status_lists')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The next free index of a status list (created empty on first use); call inside the issuing transaction. */
export async function allocateStatusIndex(
  trx: Kysely<Tables>,
  participantId: string,
  listId: string,
  at: Date,
): Promise<number> {
  const db = withCredentials(trx);
  await db
    .insertInto('status_lists')
    .values({
      participant_id: participantId,
      id: listId,
      purpose: 'revocation',
      encoded: encodeStatusList(emptyStatusList()),
      next_index: 0,
      updated_at: at.toISOString(),
    })
    .onConflict((oc) => oc.columns(['participant_id', 'id']).doNothing())
    .execute();
  const row = await db
    .updateTable('status_lists')
    .set((eb) => ({ next_index: eb('next_index', '+', 1) }))
    .where('participant_id', '=', participantId)
    .where('id', '=', listId)
    .returning('next_index')
    .executeTakeFirstOrThrow();
  return row.next_index - 1;
}

export async function insertIssuedCredential(trx: Kysely<Tables>, c: IssuedCredential): Promise<void> {
  await withCredentials(trx).insertInto('issued_credentials').values(c).execute();
}

export async function listIssuedCredentials(db: Kysely<Tables>, participantId: string) {
  return withCredentials(db)
    .selectFrom('issued_credentials')
    .selectAll()
    .where('participant_id', '=', participantId)
    .orderBy('issued_at')
    .orderBy('id')
    .execute();
}

/** Sets the credential's bit in its status list; the revocation shows once verifiers' cached copies expire. */
export async function revokeIssuedCredential(
  trx: Kysely<Tables>,
  participantId: string,
  credentialId: string,
  at: Date,
): Promise<IssuedCredential> {
  const db = withCredentials(trx);
  const c = await db
    .selectFrom('issued_credentials')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', credentialId)
    .executeTakeFirst();
  if (!c) throw new NotFound('credential', credentialId);
  if (c.revoked_at) return c;
  const list = await findStatusList(trx, participantId, c.status_list);
  if (!list) throw new NotFound('status-list', c.status_list);
  const encoded = encodeStatusList(withStatusBit(decodeStatusList(list.encoded), c.status_index, true));
  await db
    .updateTable('status_lists')
    .set({ encoded, updated_at: at.toISOString() })
    .where('participant_id', '=', participantId)
    .where('id', '=', c.status_list)
    .execute();
  await db
    .updateTable('issued_credentials')
    .set({ revoked_at: at.toISOString() })
    .where('participant_id', '=', participantId)
    .where('id', '=', credentialId)
    .execute();
  return { ...c, revoked_at: at.toISOString() };
}

/** The newest unrevoked credential of `type` issued to `holder`: what a renewal request may ask for again. */
export async function latestIssuedTo(
  db: Kysely<Tables>,
  participantId: string,
  holder: string,
  type: string,
): Promise<IssuedCredential | undefined> {
  return withCredentials(db)
    .selectFrom('issued_credentials')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('holder', '=', holder)
    .where('type', '=', type)
    .where('revoked_at', 'is', null)
    .orderBy('issued_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The credential types this participant has issued (its issuer metadata offers them for renewal). */
export async function issuedTypes(db: Kysely<Tables>, participantId: string): Promise<string[]> {
  const rows = await withCredentials(db)
    .selectFrom('issued_credentials')
    .select('type')
    .distinct()
    .where('participant_id', '=', participantId)
    .orderBy('type')
    .execute();
  return rows.map((r) => r.type);
}

export async function insertCredentialRequest(db: Kysely<Tables>, r: CredentialRequest): Promise<void> {
  await withCredentials(db).insertInto('credential_requests').values(r).execute();
}

export async function findCredentialRequest(db: Kysely<Tables>, participantId: string, id: string) {
  return withCredentials(db)
    .selectFrom('credential_requests')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function settleCredentialRequest(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
  status: 'ISSUED' | 'REJECTED',
  reason: string | null,
  at: Date,
): Promise<void> {
  await withCredentials(db)
    .updateTable('credential_requests')
    .set({ status, reason, updated_at: at.toISOString() })
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .execute();
}
