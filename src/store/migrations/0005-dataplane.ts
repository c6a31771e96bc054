import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Data-plane tokens of pull transfers (provider side): only their sha256 is stored.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dataplane_tokens')
    // sha256 (hex) of the token: what a presented bearer token is looked up by
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    // 'access' or 'refresh'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('transfer_id', 'text', (c) => c.notNull())
    .addColumn('agreement_id', 'text', (c) => c.notNull())
    .addColumn('consumer_id', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'text', (c) => c.notNull())
    // the access and refresh token issued together share a generation; rotation issues the next one
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    // why it stopped working: rotated, suspended, terminated, completed, or a policy reason code
    .addColumn('revoked_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('dataplane_tokens_transfer')
    .on('dataplane_tokens')
    .columns(['participant_id', 'transfer_id'])
    .execute();
}
