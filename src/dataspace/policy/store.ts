import type { Kysely } from 'kysely';
import type { PoliciesTable, Tables } from '../../store/index.js';
import { type Policy, rulesOf } from './policy.js';

function toPolicy(r: PoliciesTable): Policy {
  return {
    id: r.id,
    title: r.title,
    ...JSON.parse(r.definition),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function row(participantId: string, p: Policy): PoliciesTable {
  return {
    participant_id: participantId,
    id: p.id,
    title: p.title,
    definition: JSON.stringify(rulesOf(p)),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

export async function insertPolicy(db: Kysely<Tables>, participantId: string, p: Policy): Promise<void> {
  await db.insertInto('policies').values(row(participantId, p)).execute();
}

/** Replaces a policy's title and rules (createdAt stays); false when it does not exist. */
export async function updatePolicy(db: Kysely<Tables>, participantId: string, p: Policy): Promise<boolean> {
  const { title, definition, updated_at } = row(participantId, p);
  const result = await db
    .updateTable('policies')
    .set({ title, definition, updated_at })
    .where('participant_id', '=', participantId)
    .where('id', '=', p.id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findPolicy(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
): Promise<Policy | undefined> {
  const r = await db
    .selectFrom('policies')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && toPolicy(r);
}

/** Several policies by id, in one query; ids that do not exist are simply missing from the map. */
export async function findPolicies(
  db: Kysely<Tables>,
  participantId: string,
  ids: readonly string[],
): Promise<Map<string, Policy>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('policies')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, toPolicy(r)]));
}

export async function listPolicies(
  db: Kysely<Tables>,
  participantId: string,
  page: { readonly after?: string; readonly limit?: number } = {},
): Promise<Policy[]> {
  const rows = await db
    .selectFrom('policies')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '>', page.after ?? '')
    .orderBy('id')
    .limit(page.limit ?? 100)
    .execute();
  return rows.map(toPolicy);
}

export async function deletePolicy(db: Kysely<Tables>, participantId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('policies')
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
