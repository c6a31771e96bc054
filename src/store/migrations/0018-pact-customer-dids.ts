import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// A PACT customer (whose clients read the participant's PACT API) bound to its participant DID in the footprint
// exchange: its clients then also see what the exchange published for that DID, and its RequestCreatedEvents
// become exchange requests from that DID. One DID per customer and one customer per DID, so answers go back to
// exactly one PACT customer.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pact_customer_dids')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('customer', 'text', (c) => c.notNull())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pact_customer_dids_pk', ['participant_id', 'customer'])
    .execute();
  await db.schema
    .createIndex('pact_customer_dids_did')
    .on('pact_customer_dids')
    .columns(['participant_id', 'did'])
    .unique()
    .execute();
}
