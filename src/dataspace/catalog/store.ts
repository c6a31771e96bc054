import type { Kysely } from 'kysely';
import type { OffersTable, Tables } from '../../store/index.js';
import { type OfferDefinition, selectorTerms } from './offer.js';

function toOffer(r: OffersTable): OfferDefinition {
  return {
    id: r.id,
    accessPolicyId: r.access_policy_id,
    contractPolicyId: r.contract_policy_id,
    selector: JSON.parse(r.selector),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function writeSelector(db: Kysely<Tables>, participantId: string, o: OfferDefinition): Promise<void> {
  await db
    .deleteFrom('offer_selectors')
    .where('participant_id', '=', participantId)
    .where('offer_id', '=', o.id)
    .execute();
  const terms = selectorTerms(o.selector);
  if (terms.length === 0) return;
  await db
    .insertInto('offer_selectors')
    .values(terms.map((t) => ({ participant_id: participantId, offer_id: o.id, ...t })))
    .execute();
}

export async function insertOffer(
  db: Kysely<Tables>,
  participantId: string,
  o: OfferDefinition,
): Promise<void> {
  await db
    .insertInto('offers')
    .values({
      participant_id: participantId,
      id: o.id,
      access_policy_id: o.accessPolicyId,
      contract_policy_id: o.contractPolicyId,
      selector: JSON.stringify(o.selector),
      created_at: o.createdAt,
      updated_at: o.updatedAt,
    })
    .execute();
  await writeSelector(db, participantId, o);
}

/** Replaces an offer's policies and selector (createdAt stays); false when it does not exist. */
export async function updateOffer(
  db: Kysely<Tables>,
  participantId: string,
  o: OfferDefinition,
): Promise<boolean> {
  const result = await db
    .updateTable('offers')
    .set({
      access_policy_id: o.accessPolicyId,
      contract_policy_id: o.contractPolicyId,
      selector: JSON.stringify(o.selector),
      updated_at: o.updatedAt,
    })
    .where('participant_id', '=', participantId)
    .where('id', '=', o.id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await writeSelector(db, participantId, o);
  return true;
}

export async function deleteOffer(db: Kysely<Tables>, participantId: string, id: string): Promise<boolean> {
  await db
    .deleteFrom('offer_selectors')
    .where('participant_id', '=', participantId)
    .where('offer_id', '=', id)
    .execute();
  const result = await db
    .deleteFrom('offers')
    .where('participant_id', '=', participantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findOfferDefinitions(
  db: Kysely<Tables>,
  participantId: string,
  ids: readonly string[],
): Promise<OfferDefinition[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('offers')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(toOffer);
}

export interface OfferQuery {
  readonly after?: string;
  readonly limit?: number;
  /** Offers using this policy as access or contract policy. */
  readonly policyId?: string;
  /** Offers whose selector names this asset id explicitly. */
  readonly assetId?: string;
}

export async function listOffers(
  db: Kysely<Tables>,
  participantId: string,
  page: OfferQuery = {},
): Promise<OfferDefinition[]> {
  let q = db
    .selectFrom('offers')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('id', '>', page.after ?? '');
  const policyId = page.policyId;
  if (policyId !== undefined)
    q = q.where((eb) =>
      eb.or([eb('access_policy_id', '=', policyId), eb('contract_policy_id', '=', policyId)]),
    );
  const assetId = page.assetId;
  if (assetId !== undefined)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('offer_selectors as s')
          .select('s.offer_id')
          .whereRef('s.participant_id', '=', 'offers.participant_id')
          .whereRef('s.offer_id', '=', 'offers.id')
          .where('s.kind', '=', 'asset')
          .where('s.value', '=', assetId),
      ),
    );
  const rows = await q
    .orderBy('id')
    .limit(page.limit ?? 100)
    .execute();
  return rows.map(toOffer);
}

/** Ids of offers that use a policy, as access or contract policy (at most `limit`). */
export async function offersUsingPolicy(
  db: Kysely<Tables>,
  participantId: string,
  policyId: string,
  limit = 10,
): Promise<string[]> {
  const rows = await listOffers(db, participantId, { policyId, limit });
  return rows.map((r) => r.id);
}
