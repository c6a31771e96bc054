import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Key history for rotation without downtime: a new key is published in the DID document at once but signs only
// from `active_from` (peers' caches learn it first); the key it replaces signs until then and stays published until
// `retired_at` plus a grace period, so signatures made before the rotation still verify. Existing keys: both null
// (active since created_at, never retired).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('participant_keys').addColumn('active_from', 'text').execute();
  await db.schema.alterTable('participant_keys').addColumn('retired_at', 'text').execute();
}
