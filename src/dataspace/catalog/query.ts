import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';
import {
  type Counterparty,
  type Decision,
  evaluateAccess,
  findPolicies,
  type PolicyRules,
  rulesOf,
} from '../policy/index.js';
import { type AssetSelector, publishedOfferId, type SelectorKind, selects } from './offer.js';

/** What the catalog shows of an asset: its DCAT metadata, never its data address. */
export interface CatalogAsset {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly contentType: string;
  readonly keywords: readonly string[];
  /** The data address's type alone (e.g. HttpData): it decides the transfer formats offered. */
  readonly addressType: string;
}

export interface VisibleDataset {
  readonly asset: CatalogAsset;
  /** The offers the counterparty may see on this asset: published id and contract policy rules. */
  readonly offers: readonly { readonly id: string; readonly rules: PolicyRules }[];
}

/** Narrows the catalog; within a kind any value matches, across kinds all must. */
export interface DatasetFilter {
  readonly ids?: readonly string[];
  readonly keywords?: readonly string[];
  readonly mediaTypes?: readonly string[];
}

/** A keyset position: the page after or before an asset id. Never an OFFSET, so the last page costs the first's. */
export type Cursor = { readonly after: string } | { readonly before: string };

export interface DatasetPage {
  readonly datasets: readonly VisibleDataset[];
  readonly next?: Cursor;
  readonly prev?: Cursor;
}

/** Called with each access policy that hides offers from the counterparty, for the local debug log. */
export type Explain = (policyId: string, decision: Decision) => void;

type Db = Kysely<Tables>;
type AssetsEb = ExpressionBuilder<Tables & { a: Tables['assets'] }, 'a'>;

/**
 * The access policies (by id) that let the counterparty see their offers. Evaluated once per policy in use,
 * not per dataset: a catalog of 100,000 datasets under three policies costs three evaluations.
 */
export async function visibleAccessPolicies(
  db: Db,
  participantId: string,
  who: Counterparty,
  explain?: Explain,
): Promise<string[]> {
  const used = await db
    .selectFrom('offers')
    .select('access_policy_id')
    .distinct()
    .where('participant_id', '=', participantId)
    .execute();
  const policies = await findPolicies(
    db,
    participantId,
    used.map((u) => u.access_policy_id),
  );
  const visible: string[] = [];
  for (const [id, policy] of policies) {
    const decision = evaluateAccess(policy, who);
    if (decision.allowed) visible.push(id);
    else explain?.(id, decision);
  }
  return visible;
}

/** Visible offers' selector terms of one kind (for EXISTS against the asset row). */
function visibleTerms(eb: AssetsEb, participantId: string, policies: readonly string[], kind: SelectorKind) {
  return eb
    .selectFrom('offer_selectors as s')
    .innerJoin('offers as o', (j) =>
      j.onRef('o.participant_id', '=', 's.participant_id').onRef('o.id', '=', 's.offer_id'),
    )
    .select('s.offer_id')
    .where('s.participant_id', '=', participantId)
    .where('s.kind', '=', kind)
    .where('o.access_policy_id', 'in', [...policies]);
}

async function coversAll(db: Db, participantId: string, policies: readonly string[]): Promise<boolean> {
  const row = await db
    .selectFrom('offer_selectors as s')
    .innerJoin('offers as o', (j) =>
      j.onRef('o.participant_id', '=', 's.participant_id').onRef('o.id', '=', 's.offer_id'),
    )
    .select('s.offer_id')
    .where('s.participant_id', '=', participantId)
    .where('s.kind', '=', 'all')
    .where('o.access_policy_id', 'in', [...policies])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Assets covered by some visible offer and passing the filter, one page in keyset order, all in SQL. */
async function pageAssets(
  db: Db,
  participantId: string,
  policies: readonly string[],
  filter: DatasetFilter,
  cursor: Cursor | undefined,
  take: number,
): Promise<CatalogAsset[]> {
  const everything = await coversAll(db, participantId, policies);
  let q = db
    .selectFrom('assets as a')
    .select(['a.id', 'a.title', 'a.description', 'a.content_type', 'a.keywords', 'a.data_address'])
    .where('a.participant_id', '=', participantId);
  if (!everything)
    q = q.where((eb) =>
      eb.or([
        eb.exists(visibleTerms(eb, participantId, policies, 'asset').whereRef('s.value', '=', 'a.id')),
        eb.exists(
          visibleTerms(eb, participantId, policies, 'mediaType').whereRef('s.value', '=', 'a.content_type'),
        ),
        eb.exists(
          visibleTerms(eb, participantId, policies, 'keyword').where((k) =>
            k.exists(
              k
                .selectFrom('asset_keywords as k')
                .select('k.keyword')
                .whereRef('k.participant_id', '=', 'a.participant_id')
                .whereRef('k.asset_id', '=', 'a.id')
                .whereRef('k.keyword', '=', 's.value'),
            ),
          ),
        ),
      ]),
    );
  if (filter.ids?.length) q = q.where('a.id', 'in', [...filter.ids]);
  if (filter.mediaTypes?.length) q = q.where('a.content_type', 'in', [...filter.mediaTypes]);
  const keywords = filter.keywords;
  if (keywords?.length)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('asset_keywords as fk')
          .select('fk.keyword')
          .whereRef('fk.participant_id', '=', 'a.participant_id')
          .whereRef('fk.asset_id', '=', 'a.id')
          .where('fk.keyword', 'in', [...keywords]),
      ),
    );
  const backwards = cursor !== undefined && 'before' in cursor;
  if (cursor && 'after' in cursor) q = q.where('a.id', '>', cursor.after);
  if (cursor && 'before' in cursor) q = q.where('a.id', '<', cursor.before);
  const rows = await q
    .orderBy('a.id', backwards ? 'desc' : 'asc')
    .limit(take)
    .execute();
  if (backwards) rows.reverse();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    contentType: r.content_type,
    keywords: JSON.parse(r.keywords) as string[],
    addressType: String((JSON.parse(r.data_address) as { type?: unknown }).type ?? 'HttpData'),
  }));
}

/** The visible offers on the given assets, with their contract policies: three queries per page. */
async function offersOn(
  db: Db,
  participantId: string,
  policies: readonly string[],
  assets: readonly CatalogAsset[],
): Promise<VisibleDataset[]> {
  if (assets.length === 0) return [];
  const ids = assets.map((a) => a.id);
  const types = [...new Set(assets.map((a) => a.contentType))];
  const keywords = [...new Set(assets.flatMap((a) => a.keywords))];
  const defs = await db
    .selectFrom('offer_selectors as s')
    .innerJoin('offers as o', (j) =>
      j.onRef('o.participant_id', '=', 's.participant_id').onRef('o.id', '=', 's.offer_id'),
    )
    .select(['o.id', 'o.selector', 'o.contract_policy_id'])
    .distinct()
    .where('s.participant_id', '=', participantId)
    .where('o.access_policy_id', 'in', [...policies])
    .where((eb) =>
      eb.or([
        eb('s.kind', '=', 'all'),
        eb.and([eb('s.kind', '=', 'asset'), eb('s.value', 'in', ids)]),
        eb.and([eb('s.kind', '=', 'mediaType'), eb('s.value', 'in', types)]),
        ...(keywords.length ? [eb.and([eb('s.kind', '=', 'keyword'), eb('s.value', 'in', keywords)])] : []),
      ]),
    )
    .orderBy('o.id')
    .execute();
  const offers = defs.map((d) => ({
    id: d.id,
    selector: JSON.parse(d.selector) as AssetSelector,
    contractPolicyId: d.contract_policy_id,
  }));
  const contracts = await findPolicies(db, participantId, [
    ...new Set(offers.map((o) => o.contractPolicyId)),
  ]);
  return assets.map((asset) => ({
    asset,
    offers: offers.flatMap((o) => {
      const rules = contracts.get(o.contractPolicyId);
      // Only the rules travel: the policy record's own id, title and dates are the provider's business.
      return rules && selects(o.selector, asset)
        ? [{ id: publishedOfferId(o, asset.id), rules: rulesOf(rules) }]
        : [];
    }),
  }));
}

/**
 * One page of the datasets the counterparty may see. Visibility is decided per access policy, the page is
 * selected in SQL by keyset; only the page's rows and the offers on them are ever loaded.
 */
export async function pageVisibleDatasets(
  db: Db,
  participantId: string,
  who: Counterparty,
  request: { readonly filter?: DatasetFilter; readonly cursor?: Cursor; readonly limit: number },
  explain?: Explain,
): Promise<DatasetPage> {
  const policies = await visibleAccessPolicies(db, participantId, who, explain);
  if (policies.length === 0) return { datasets: [] };
  const { cursor, limit } = request;
  const rows = await pageAssets(db, participantId, policies, request.filter ?? {}, cursor, limit + 1);
  const more = rows.length > limit;
  const backwards = cursor !== undefined && 'before' in cursor;
  // The extra row tells whether another page lies ahead in the direction of travel.
  const page = more ? (backwards ? rows.slice(1) : rows.slice(0, limit)) : rows;
  const datasets = await offersOn(db, participantId, policies, page);
  const first = page[0]?.id;
  const last = page[page.length - 1]?.id;
  const hasNext = backwards ? true : more;
  const hasPrev = backwards ? more : cursor !== undefined;
  return {
    datasets,
    ...(hasNext && last !== undefined ? { next: { after: last } } : {}),
    ...(hasPrev && first !== undefined ? { prev: { before: first } } : {}),
  };
}

/** One dataset if the counterparty may see it (some visible offer covers it), else undefined. */
export async function visibleDataset(
  db: Db,
  participantId: string,
  who: Counterparty,
  assetId: string,
  explain?: Explain,
): Promise<VisibleDataset | undefined> {
  const page = await pageVisibleDatasets(
    db,
    participantId,
    who,
    { filter: { ids: [assetId] }, limit: 1 },
    explain,
  );
  return page.datasets[0];
}
