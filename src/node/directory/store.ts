import type { Kysely } from 'kysely';
import type { DirectoryEntry } from '../../dataspace/directory/index.js';
import type { Tables } from '../../store/index.js';

/** The participant directory an authority serves (migration 0013). */
interface DirectoryEntriesTable {
  participant_id: string;
  corporate_number: string;
  did: string;
  name: string | null;
  dsp_endpoint: string | null;
  credential_service: string | null;
  source: 'operator' | 'credential';
  credential_id: string | null;
  updated_at: string;
}

export type DirectoryRow = DirectoryEntriesTable;

const withDirectory = (db: Kysely<Tables>) => db.withTables<{ directory_entries: DirectoryEntriesTable }>();

/** The public view of a row: what a lookup answers (never who wrote it or from which credential). */
export function entryOf(r: DirectoryRow): DirectoryEntry {
  return {
    corporateNumber: r.corporate_number,
    did: r.did,
    ...(r.name ? { name: r.name } : {}),
    ...(r.dsp_endpoint ? { dspEndpoint: r.dsp_endpoint } : {}),
    ...(r.credential_service ? { credentialService: r.credential_service } : {}),
    updatedAt: r.updated_at,
  };
}

/** Writes an entry; the same corporate number again replaces it. */
export async function upsertDirectoryEntry(db: Kysely<Tables>, r: DirectoryRow): Promise<void> {
  const { participant_id: _p, corporate_number: _c, ...rest } = r;
  await withDirectory(db)
    .insertInto('directory_entries')
    .values(r)
    .onConflict((oc) => oc.columns(['participant_id', 'corporate_number']).doUpdateSet(rest))
    .execute();
}

export async function findDirectoryEntry(
  db: Kysely<Tables>,
  participantId: string,
  corporateNumber: string,
): Promise<DirectoryRow | undefined> {
  return withDirectory(db)
    .selectFrom('directory_entries')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('corporate_number', '=', corporateNumber)
    .executeTakeFirst();
}

export async function listDirectoryEntries(
  db: Kysely<Tables>,
  participantId: string,
): Promise<DirectoryRow[]> {
  return withDirectory(db)
    .selectFrom('directory_entries')
    .selectAll()
    .where('participant_id', '=', participantId)
    .orderBy('corporate_number')
    .execute();
}

/** Removes one entry; false when there was none. */
export async function deleteDirectoryEntry(
  db: Kysely<Tables>,
  participantId: string,
  corporateNumber: string,
): Promise<boolean> {
  const r = await withDirectory(db)
    .deleteFrom('directory_entries')
    .where('participant_id', '=', participantId)
    .where('corporate_number', '=', corporateNumber)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The entries a credential filled in (revoking it removes them); their corporate numbers. */
export async function deleteEntriesOfCredential(
  db: Kysely<Tables>,
  participantId: string,
  credentialId: string,
): Promise<string[]> {
  const rows = await withDirectory(db)
    .deleteFrom('directory_entries')
    .where('participant_id', '=', participantId)
    .where('credential_id', '=', credentialId)
    .returning('corporate_number')
    .execute();
  return rows.map((r) => r.corporate_number);
}
