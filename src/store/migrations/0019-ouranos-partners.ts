import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Operators hosted elsewhere that this participant's operators trade with (src/apps/ouranos): the operator as the
// Ouranos API shows it, and the participant hosting it (DID and connector address) that the footprint exchange
// sends the requests to.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ouranos_partners')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('operator_name', 'text', (c) => c.notNull())
    .addColumn('operator_address', 'text', (c) => c.notNull())
    .addColumn('open_operator_id', 'text', (c) => c.notNull())
    .addColumn('global_operator_id', 'text')
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ouranos_partners_pk', ['participant_id', 'operator_id'])
    .addUniqueConstraint('ouranos_partners_open', ['participant_id', 'open_operator_id'])
    .execute();
}
