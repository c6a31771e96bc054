import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// The PACT host (apps/pact): OAuth clients of a participant's customers (secret hashes only), the participant's own
// credentials at its customers' hosts (sealed), the PACT ProductFootprints it serves (the latest version of each id,
// with one row per searchable value), and the footprint requests its customers sent as RequestCreatedEvents.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pact_clients')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('customer', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addPrimaryKeyConstraint('pact_clients_pk', ['participant_id', 'client_id'])
    .execute();

  await db.schema
    .createTable('pact_outbound_credentials')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('customer', 'text', (c) => c.notNull())
    .addColumn('token_url', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    // AES-256-GCM under the node secret, like participant keys
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    // JSON list of URL prefixes this customer's events may name as `source`
    .addColumn('event_urls', 'text', (c) => c.notNull())
    // 1: answer this customer's requests at once from the footprints published for it; 0: the operator answers
    .addColumn('auto_answer', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pact_outbound_credentials_pk', ['participant_id', 'customer'])
    .execute();

  await db.schema
    .createTable('pact_footprints')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    // the ProductFootprint as PACT v3 JSON
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pact_footprints_pk', ['participant_id', 'id'])
    .execute();
  // kind: audience (a customer, or * for public) | product | company | classification | geography; values lower case
  await db.schema
    .createTable('pact_footprint_keys')
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('footprint_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pact_footprint_keys_pk', ['participant_id', 'kind', 'value', 'footprint_id'])
    .execute();
  await db.schema
    .createIndex('pact_footprint_keys_footprint')
    .on('pact_footprint_keys')
    .columns(['participant_id', 'footprint_id'])
    .execute();

  await db.schema
    .createTable('pact_requests')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    // 3 or 2: which PACT version asked, and so which event types answer
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('criteria', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    // pending | fulfilled | rejected | undeliverable
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pact_requests_pk', ['participant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('pact_requests_event')
    .on('pact_requests')
    .columns(['participant_id', 'customer', 'source', 'event_id'])
    .unique()
    .execute();
}
