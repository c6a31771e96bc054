import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Verifiable credentials (DCP): the ones a participant holds and presents from its CredentialService, and — when it
// acts as an authority — the ones it issued with their place in its status lists, and those lists.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('held_credentials')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    // vc20-bssl/jwt | vc11-sl2021/jwt
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('jwt', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('held_credentials_pk', ['participant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('held_credentials_type')
    .on('held_credentials')
    .columns(['participant_id', 'type'])
    .execute();

  await db.schema
    .createTable('issued_credentials')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // JSON: the credentialSubject members, so the holder can ask for a renewal (DCP CredentialRequestMessage)
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('status_list', 'text', (c) => c.notNull())
    .addColumn('status_index', 'integer', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    .addColumn('revoked_at', 'text')
    .addPrimaryKeyConstraint('issued_credentials_pk', ['participant_id', 'id'])
    .execute();

  // DCP issuance: CredentialRequestMessages received by this participant as issuer, and how each ended.
  await db.schema
    .createTable('credential_requests')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    // issuerPid
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('holder_pid', 'text', (c) => c.notNull())
    // JSON: the credential types asked for
    .addColumn('types', 'text', (c) => c.notNull())
    // RECEIVED | ISSUED | REJECTED
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('credential_requests_pk', ['participant_id', 'id'])
    .execute();

  await db.schema
    .createTable('status_lists')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    // the encodedList as published (multibase base64url of the gzipped bitstring)
    .addColumn('encoded', 'text', (c) => c.notNull())
    .addColumn('next_index', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('status_lists_pk', ['participant_id', 'id'])
    .execute();
}
