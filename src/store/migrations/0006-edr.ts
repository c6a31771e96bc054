import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// The consumer's endpoint data references (EDRs): what a provider handed out to pull a started transfer.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('edrs')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    // our (consumer) pid of the transfer the EDR belongs to
    .addColumn('transfer_id', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('refresh_endpoint', 'text')
    // when the access token expires (ISO); refreshed ahead of it
    .addColumn('expires_at', 'text', (c) => c.notNull())
    // the access and refresh tokens, AES-256-GCM sealed with the node secret: a copied database holds no live token
    .addColumn('tokens_sealed', 'text', (c) => c.notNull())
    // live | dead (the provider refused a refresh, or the transfer ended)
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .addColumn('reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('edrs_pk', ['participant_id', 'transfer_id'])
    .execute();
}
