import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Where each counterparty's credentials stood when last verified (src/node/credentials/standing.ts): the verified
// credentials its running transfers rest on, and the types refused since. Kept across restarts, so revocation
// still ends a running transfer after the provider restarted, without waiting for the consumer's next request.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credential_standings')
    .addColumn('did', 'text', (c) => c.primaryKey())
    // JSON: the verified credentials (dates as ISO strings)
    .addColumn('credentials', 'text', (c) => c.notNull())
    // JSON: credential type → { reason, message } of the refusal that ended it
    .addColumn('refused', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
