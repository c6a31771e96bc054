import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// Whether a transfer's data is finite (1) or not (0, a stream): a STARTED pull of finite data waits on the
// consumer to complete it, so the started deadline applies; a stream runs until someone ends it. Rows written
// before this migration count as finite.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('transfers')
    .addColumn('finite', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}
