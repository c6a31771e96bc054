import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Transfer processes, both roles; their outgoing messages use the outbox of 0003.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('transfers')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    // our own pid: providerPid when we are the provider, consumerPid when we are the consumer
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('provider_pid', 'text')
    .addColumn('consumer_pid', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('counterparty_id', 'text', (c) => c.notNull())
    .addColumn('counterparty_address', 'text', (c) => c.notNull())
    .addColumn('agreement_id', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    // the DataAddress (JSON): received with TransferStartMessage (consumer), or the push target (provider)
    .addColumn('data_address', 'text')
    // sha256 of the access token handed out for a pull; the data plane checks presented tokens against it
    .addColumn('access_token_hash', 'text')
    .addColumn('deadline_at', 'text')
    .addColumn('reason_code', 'text')
    .addColumn('reason', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('transfers_pk', ['participant_id', 'id'])
    .execute();
  // A repeated TransferRequestMessage (same consumer, same consumerPid) finds the transfer it created.
  await db.schema
    .createIndex('transfers_peer_pid')
    .unique()
    .on('transfers')
    .columns(['participant_id', 'role', 'counterparty_id', 'consumer_pid'])
    .execute();
  await db.schema
    .createIndex('transfers_state')
    .on('transfers')
    .columns(['participant_id', 'state', 'created_at'])
    .execute();
  await db.schema
    .createIndex('transfers_agreement')
    .on('transfers')
    .columns(['participant_id', 'agreement_id'])
    .execute();
  await db.schema
    .createIndex('transfers_idempotency')
    .unique()
    .on('transfers')
    .columns(['participant_id', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('transfers_deadline').on('transfers').column('deadline_at').execute();
  await db.schema.createIndex('transfers_token').on('transfers').column('access_token_hash').execute();
}
