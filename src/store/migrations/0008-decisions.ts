import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Usage-control decisions with their full trace, kept with the process they were made for. The trace shows the
// provider's rules: it is for the local operator only and never leaves through the protocol.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_decisions')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    // negotiation | transfer
    .addColumn('process_type', 'text', (c) => c.notNull())
    .addColumn('process_id', 'text', (c) => c.notNull())
    // negotiation | transfer | access | monitor
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('permitted', 'integer', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text')
    // JSON: the engine's trace entries
    .addColumn('trace', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_decisions_pk', ['participant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('policy_decisions_process')
    .on('policy_decisions')
    .columns(['participant_id', 'process_type', 'process_id', 'at'])
    .execute();
}
