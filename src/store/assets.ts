import type { Kysely } from 'kysely';
import type { AssetsTable, Tables } from './tables.js';

export interface Asset {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly contentType: string;
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
    })
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

export async function listAssets(
  db: Kysely<Tables>,
  participantId: string,
  page: { readonly after?: string; readonly limit?: number } = {},
): Promise<Asset[]> {
  const rows = await db
    .selectFrom('assets')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '>', page.after ?? '')
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
  return Number(result.numDeletedRows) > 0;
}
