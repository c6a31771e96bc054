import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Audit receipts exchanged with counterparties: each a JWS anchoring its issuer's chain head. `role` says whose
// it is: `issued` (signed by this participant, a copy of what the counterparty holds) or `held` (signed by the
// counterparty and kept here as evidence of its chain).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_receipts')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('head_seq', 'integer', (c) => c.notNull())
    .addColumn('head_hash', 'text', (c) => c.notNull())
    // dsp-message | data-transfer | receipt
    .addColumn('event_kind', 'text', (c) => c.notNull())
    .addColumn('process_id', 'text')
    .addColumn('event_type', 'text')
    .addColumn('digest', 'text')
    .addColumn('jws', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_receipts_pk', ['participant_id', 'role', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_receipts_seq')
    .on('audit_receipts')
    .columns(['participant_id', 'role', 'head_seq'])
    .execute();
  await db.schema
    .createIndex('audit_receipts_process')
    .on('audit_receipts')
    .columns(['participant_id', 'process_id'])
    .execute();
}
