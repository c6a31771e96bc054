import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Contract negotiations, their agreements, and the generic process machinery (outbox, received-message
// ledger) that transfers reuse.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('negotiations')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    // our own pid: providerPid when we are the provider, consumerPid when we are the consumer
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('provider_pid', 'text')
    .addColumn('consumer_pid', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('counterparty_id', 'text', (c) => c.notNull())
    .addColumn('counterparty_address', 'text', (c) => c.notNull())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('offer', 'text', (c) => c.notNull())
    .addColumn('agreement_id', 'text')
    .addColumn('deadline_at', 'text')
    .addColumn('reason_code', 'text')
    .addColumn('reason', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('negotiations_pk', ['participant_id', 'id'])
    .execute();
  // A repeated ContractRequestMessage (same consumer, same consumerPid) finds the negotiation it created.
  await db.schema
    .createIndex('negotiations_peer_pid')
    .unique()
    .on('negotiations')
    .columns(['participant_id', 'role', 'counterparty_id', 'consumer_pid'])
    .execute();
  await db.schema
    .createIndex('negotiations_state')
    .on('negotiations')
    .columns(['participant_id', 'state', 'created_at'])
    .execute();
  await db.schema
    .createIndex('negotiations_idempotency')
    .unique()
    .on('negotiations')
    .columns(['participant_id', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('negotiations_deadline').on('negotiations').column('deadline_at').execute();

  await db.schema
    .createTable('agreements')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('negotiation_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('counterparty_id', 'text', (c) => c.notNull())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'text', (c) => c.notNull())
    // the agreed ODRL policy as signed: later edits of the offer or asset never change it
    .addColumn('policy', 'text', (c) => c.notNull())
    // set when the negotiation reaches FINALIZED; an agreement is usable only then
    .addColumn('finalized_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('agreements_pk', ['participant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('agreements_offer')
    .on('agreements')
    .columns(['participant_id', 'counterparty_id', 'offer_id'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('process_type', 'text', (c) => c.notNull())
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    // a replica that claimed the item owns it until then; a crashed replica's claim simply runs out
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').column('due_at').execute();
  await db.schema
    .createIndex('outbox_process')
    .on('outbox')
    .columns(['participant_id', 'process_type', 'process_id'])
    .execute();

  await db.schema
    .createTable('received_messages')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    // sha256 over sender, endpoint and body: a repeated message gets the answer the first one got
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('received_messages_pk', ['participant_id', 'key'])
    .execute();
}
