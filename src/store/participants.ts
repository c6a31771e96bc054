import type { Kysely } from 'kysely';
import type { ApiKeysTable, ParticipantKeysTable, ParticipantsTable, Tables } from './tables.js';

/** Participants are the tenancy root: the only table not keyed by participant_id. */
export type Participant = Readonly<ParticipantsTable>;
export type ParticipantKey = Readonly<ParticipantKeysTable>;
export type ApiKeyRecord = Readonly<ApiKeysTable>;

export async function insertParticipant(db: Kysely<Tables>, p: Participant): Promise<void> {
  await db.insertInto('participants').values(p).execute();
}

export async function findParticipant(db: Kysely<Tables>, id: string): Promise<Participant | undefined> {
  return db.selectFrom('participants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listParticipants(db: Kysely<Tables>): Promise<Participant[]> {
  return db.selectFrom('participants').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function insertParticipantKey(db: Kysely<Tables>, key: ParticipantKey): Promise<void> {
  await db.insertInto('participant_keys').values(key).execute();
}

export async function listParticipantKeys(
  db: Kysely<Tables>,
  participantId: string,
): Promise<ParticipantKey[]> {
  return db
    .selectFrom('participant_keys')
    .selectAll()
    .where('participant_id', '=', participantId)
    .orderBy('created_at')
    .orderBy('kid')
    .execute();
}

/**
 * A rotation: the new keys sign from `activeFrom`; the current keys of the same algorithms sign until then and are
 * marked retired at that instant (their public halves stay published for the grace period).
 */
export async function rotateParticipantKeys(
  db: Kysely<Tables>,
  participantId: string,
  keys: readonly ParticipantKey[],
  activeFrom: string,
): Promise<void> {
  const algs = [...new Set(keys.map((k) => k.alg))];
  await db
    .updateTable('participant_keys')
    .set({ retired_at: activeFrom })
    .where('participant_id', '=', participantId)
    .where('alg', 'in', algs)
    .where('retired_at', 'is', null)
    .execute();
  for (const k of keys) await insertParticipantKey(db, { ...k, active_from: activeFrom, retired_at: null });
}

export async function insertApiKey(db: Kysely<Tables>, key: ApiKeyRecord): Promise<void> {
  await db.insertInto('api_keys').values(key).execute();
}

/** The live key with this hash, whichever participant owns it: authentication decides the participant. */
export async function findApiKeyByHash(db: Kysely<Tables>, hash: string): Promise<ApiKeyRecord | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function listApiKeys(db: Kysely<Tables>, participantId: string): Promise<ApiKeyRecord[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('participant_id', '=', participantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** True when a live key of this participant was revoked; another participant's key id is simply not found. */
export async function revokeApiKey(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
