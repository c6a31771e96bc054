import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// The participant directory an authority serves: corporate number (法人番号) → the company's DID and endpoints.
// Entries are written by the authority's operator, or from a membership credential it issued that carries the
// number (then `credential_id` names it, and revoking it removes the entry).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('directory_entries')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('corporate_number', 'text', (c) => c.notNull())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('dsp_endpoint', 'text')
    .addColumn('credential_service', 'text')
    // operator | credential
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_entries_pk', ['participant_id', 'corporate_number'])
    .execute();
}
