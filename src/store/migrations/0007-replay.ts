import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Token ids (jti) already presented to a participant, until they expire: a replayed token stays refused across
// restarts and by every replica sharing the database. And the pids a received message's answer named, so the
// ledger of received messages can forget those of finished processes after a retention.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('replay_guard')
    // the receiving participant; no foreign key: a token addressed to an unknown participant is refused later
    .addColumn('participant_id', 'text', (c) => c.notNull())
    // issuer and jti: `<did> <jti>`
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('replay_guard_pk', ['participant_id', 'key'])
    .execute();
  await db.schema.createIndex('replay_guard_expires').on('replay_guard').column('expires_at').execute();

  await db.schema.alterTable('received_messages').addColumn('provider_pid', 'text').execute();
  await db.schema.alterTable('received_messages').addColumn('consumer_pid', 'text').execute();
  await db.schema.createIndex('received_messages_at').on('received_messages').column('created_at').execute();
}
