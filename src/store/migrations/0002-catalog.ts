import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
export async function up(db: Kysely<unknown>): Promise<void> {
  // DCAT keywords of an asset: the JSON list for reading it back, one row per keyword for selecting by it.
  await db.schema
    .alterTable('assets')
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .createTable('asset_keywords')
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'text', (c) => c.notNull())
    .addColumn('keyword', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_keywords_pk', ['participant_id', 'keyword', 'asset_id'])
    .execute();
  await db.schema
    .createIndex('asset_keywords_asset')
    .on('asset_keywords')
    .columns(['participant_id', 'asset_id'])
    .execute();
  // Catalog filters by media type walk this index instead of every asset.
  await db.schema
    .createIndex('assets_content_type')
    .on('assets')
    .columns(['participant_id', 'content_type', 'id'])
    .execute();

  await db.schema
    .createTable('policies')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policies_pk', ['participant_id', 'id'])
    .execute();

  await db.schema
    .createTable('offers')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('access_policy_id', 'text', (c) => c.notNull())
    .addColumn('contract_policy_id', 'text', (c) => c.notNull())
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('offers_pk', ['participant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('offers_access_policy')
    .on('offers')
    .columns(['participant_id', 'access_policy_id'])
    .execute();
  await db.schema
    .createIndex('offers_contract_policy')
    .on('offers')
    .columns(['participant_id', 'contract_policy_id'])
    .execute();

  // An offer's asset selector, one row per term (kind all | asset | keyword | mediaType), so the catalog can
  // page visible datasets in SQL through this index instead of loading every offer.
  await db.schema
    .createTable('offer_selectors')
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('offer_selectors_pk', ['participant_id', 'kind', 'value', 'offer_id'])
    .execute();
  await db.schema
    .createIndex('offer_selectors_offer')
    .on('offer_selectors')
    .columns(['participant_id', 'offer_id'])
    .execute();

  // Answers to management creates that carried an Idempotency-Key: a retry gets the first answer back.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['participant_id', 'scope', 'key'])
    .execute();
}
