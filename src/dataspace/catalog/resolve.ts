import type { Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';
import { type Counterparty, evaluateAccess, findPolicy, type PolicyRules, rulesOf } from '../policy/index.js';
import type { Offer } from '../protocol/index.js';
import { type OfferDefinition, offerIdCandidates, selects, singleAsset } from './offer.js';
import { findOfferDefinitions } from './store.js';

/** A published offer: one offer definition applied to one asset, with the contract policy's rules. */
export interface ResolvedOffer {
  readonly id: string;
  readonly assetId: string;
  readonly policy: Offer;
  readonly definition: OfferDefinition;
}

/** The ODRL Offer as a negotiation carries it: the contract policy's rules, targeting the asset. */
export function offerPolicy(id: string, assetId: string, rules: PolicyRules): Offer {
  // The wire schema allows logical constraints, which the protocol's atomic-only Offer type does not spell
  // out; the rules pass through unchanged.
  return { '@id': id, target: assetId, ...rulesOf(rules) } as Offer;
}

async function assetRow(db: Kysely<Tables>, participantId: string, assetId: string) {
  const a = await db
    .selectFrom('assets')
    .select(['id', 'content_type', 'keywords'])
    .where('participant_id', '=', participantId)
    .where('id', '=', assetId)
    .executeTakeFirst();
  return a && { id: a.id, contentType: a.content_type, keywords: JSON.parse(a.keywords) as string[] };
}

/** The offer definition and asset a published offer id stands for, when both exist and the one covers the other. */
async function resolve(
  db: Kysely<Tables>,
  participantId: string,
  publishedId: string,
): Promise<{ definition: OfferDefinition; assetId: string } | undefined> {
  const candidates = offerIdCandidates(publishedId);
  const defs = await findOfferDefinitions(
    db,
    participantId,
    candidates.map((c) => c.offerId),
  );
  for (const c of candidates) {
    const definition = defs.find((d) => d.id === c.offerId);
    if (!definition) continue;
    const single = singleAsset(definition.selector);
    // One published id per (offer, asset): a single-asset offer is only known by its own id.
    const assetId = c.assetId === undefined ? single : single === undefined ? c.assetId : undefined;
    if (assetId === undefined) continue;
    const asset = await assetRow(db, participantId, assetId);
    if (asset && selects(definition.selector, asset)) return { definition, assetId };
  }
  return undefined;
}

/** The offer published under `offerId` (as the catalog shows it), or undefined when there is none. */
export async function findOffer(
  db: Kysely<Tables>,
  participantId: string,
  offerId: string,
): Promise<ResolvedOffer | undefined> {
  const found = await resolve(db, participantId, offerId);
  if (!found) return undefined;
  const contract = await findPolicy(db, participantId, found.definition.contractPolicyId);
  if (!contract) return undefined;
  return {
    id: offerId,
    assetId: found.assetId,
    policy: offerPolicy(offerId, found.assetId, contract),
    definition: found.definition,
  };
}

/** Whether the counterparty may see (and so negotiate) the offer: its access policy, evaluated for it. */
export async function offerVisibleTo(
  db: Kysely<Tables>,
  participantId: string,
  offer: string | Pick<ResolvedOffer, 'definition'>,
  counterparty: string | Counterparty,
): Promise<boolean> {
  // An offer already resolved (by findOffer) is not looked up again.
  const found = typeof offer === 'string' ? await resolve(db, participantId, offer) : offer;
  if (!found) return false;
  const access = await findPolicy(db, participantId, found.definition.accessPolicyId);
  if (!access) return false;
  const who = typeof counterparty === 'string' ? { id: counterparty } : counterparty;
  return evaluateAccess(access, who).allowed;
}
