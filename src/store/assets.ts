import type { Kysely } from 'kysely';
import type { AssetsTable, Tables } from './tables.js';

export interface Asset {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The DCAT media type. */
  readonly contentType: string;
  /** DCAT keywords (dcat:keyword); none when left out. */
  readonly keywords?: readonly string[];
  readonly properties: Readonly<Record<string, unknown>>;
  /** Where the data plane fetches the bytes; never shown to peers. */
  readonly dataAddress: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

function toAsset(r: AssetsTable): Asset {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    contentType: r.content_type,
    keywords: JSON.parse(r.keywords),
    properties: JSON.parse(r.properties),
    dataAddress: JSON.parse(r.data_address),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function insertAsset(db: Kysely<Tables>, participantId: string, a: Asset): Promise<void> {
  await db
    .insertInto('assets')
    .values({
      participant_id: participantId,
      id: a.id,
      title: a.title,
      description: a.description,
      content_type: a.contentType,
      properties: JSON.stringify(a.properties),
      data_address: JSON.stringify(a.dataAddress),
      created_at: a.createdAt,
      updated_at: a.updatedAt,
      keywords: JSON.stringify(a.keywords ?? []),
    })
    .execute();
  await insertKeywords(db, participantId, a);
}

async function insertKeywords(db: Kysely<Tables>, participantId: string, a: Asset): Promise<void> {
  const distinct = [...new Set(a.keywords ?? [])];
  if (distinct.length === 0) return;
  await db
    .insertInto('asset_keywords')
    .values(distinct.map((keyword) => ({ participant_id: participantId, asset_id: a.id, keyword })))
    .execute();
}

/** Replaces an asset's metadata and data address (its id and createdAt stay); false when it does not exist. */
export async function updateAsset(db: Kysely<Tables>, participantId: string, a: Asset): Promise<boolean> {
  const result = await db
    .updateTable('assets')
    .set({
      title: a.title,
      description: a.description,
      content_type: a.contentType,
      keywords: JSON.stringify(a.keywords ?? []),
      properties: JSON.stringify(a.properties),
      data_address: JSON.stringify(a.dataAddress),
      updated_at: a.updatedAt,
    })
    .where('participant_id', '=', participantId)
    .where('id', '=', a.id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await deleteKeywords(db, participantId, a.id);
  await insertKeywords(db, participantId, a);
  return true;
}

async function deleteKeywords(db: Kysely<Tables>, participantId: string, assetId: string): Promise<void> {
  await db
    .deleteFrom('asset_keywords')
    .where('participant_id', '=', participantId)
    .where('asset_id', '=', assetId)
    .execute();
}

export async function findAsset(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
): Promise<Asset | undefined> {
  const row = await db
    .selectFrom('assets')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toAsset(row);
}

export interface AssetQuery {
  readonly after?: string;
  readonly limit?: number;
  readonly keyword?: string;
  readonly contentType?: string;
}

export async function listAssets(
  db: Kysely<Tables>,
  participantId: string,
  page: AssetQuery = {},
): Promise<Asset[]> {
  let q = db
    .selectFrom('assets')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '>', page.after ?? '');
  if (page.contentType !== undefined) q = q.where('content_type', '=', page.contentType);
  if (page.keyword !== undefined) {
    const keyword = page.keyword;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('asset_keywords as k')
          .select('k.keyword')
          .whereRef('k.participant_id', '=', 'assets.participant_id')
          .whereRef('k.asset_id', '=', 'assets.id')
          .where('k.keyword', '=', keyword),
      ),
    );
  }
  const rows = await q
    .orderBy('id')
    .limit(page.limit ?? 100)
    .execute();
  return rows.map(toAsset);
}

export async function deleteAsset(db: Kysely<Tables>, participantId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('assets')
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  await deleteKeywords(db, participantId, id);
  return Number(result.numDeletedRows) > 0;
}

export interface AssetAddress {
  readonly participantId: string;
  readonly id: string;
  readonly dataAddress: Readonly<Record<string, unknown>>;
}

/**
 * The data addresses of all participants' assets, a page at a time in (participant, id) order after `after`
 * (for node-wide work such as the data plane's start-up digests).
 */
export async function assetAddressesAfter(
  db: Kysely<Tables>,
  after: { readonly participantId: string; readonly id: string } | undefined,
  limit = 200,
): Promise<AssetAddress[]> {
  let q = db.selectFrom('assets').select(['participant_id', 'id', 'data_address']);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('participant_id', '>', after.participantId),
        eb.and([eb('participant_id', '=', after.participantId), eb('id', '>', after.id)]),
      ]),
    );
  const rows = await q.orderBy('participant_id').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({
    participantId: r.participant_id,
    id: r.id,
    dataAddress: JSON.parse(r.data_address),
  }));
}
