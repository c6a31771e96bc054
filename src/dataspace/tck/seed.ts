import type { Kysely } from 'kysely';
import { participantStore, type Tables } from '../../store/index.js';
import { findOfferDefinitions, insertOffer } from '../catalog/index.js';
import { findPolicy, insertPolicy } from '../policy/index.js';
import {
  catalogDatasets,
  consumerAgreements,
  negotiationDatasets,
  offerIdOf,
  providerAgreements,
  tckParticipant,
} from './scenarios.js';

/** The policy ids the fixtures use: visible to everyone, `use` permitted (what the TCK's offers say). */
export const openAccessPolicyId = 'tck-open';
export const contractPolicyId = 'P123';

/** The dataset every seeded transfer agreement covers. */
export const agreementDataset = 'ACN0101';

export interface SeedResult {
  readonly datasets: number;
  readonly offers: number;
  readonly agreements: number;
}

const usePermission = [{ action: 'use' }] as const;

async function seedPolicies(db: Kysely<Tables>, participantId: string, at: string): Promise<void> {
  for (const [id, title] of [
    [openAccessPolicyId, 'TCK: 誰にでも見える (open access)'],
    [contractPolicyId, 'TCK: 利用可 (use)'],
  ] as const) {
    if (await findPolicy(db, participantId, id)) continue;
    await insertPolicy(db, participantId, {
      id,
      title,
      permission: usePermission,
      createdAt: at,
      updatedAt: at,
    });
  }
}

async function seedDataset(
  db: Kysely<Tables>,
  participantId: string,
  id: string,
  at: string,
): Promise<number> {
  const store = participantStore(db, participantId);
  if (await store.findAsset(id)) return 0;
  await store.insertAsset({
    id,
    title: `適合性試験データセット ${id}`,
    description: `Eclipse DSP TCK の試験用データセット(${id})。中身のない固定データ。`,
    contentType: 'application/json',
    keywords: ['tck', '適合性試験'],
    properties: { fixture: 'dsp-tck' },
    dataAddress: { type: 'fixture', note: 'conformance fixture: no bytes behind it' },
    createdAt: at,
    updatedAt: at,
  });
  return 1;
}

async function seedOffer(
  db: Kysely<Tables>,
  participantId: string,
  datasetId: string,
  at: string,
): Promise<number> {
  const id = offerIdOf(datasetId);
  if ((await findOfferDefinitions(db, participantId, [id])).length > 0) return 0;
  // One offer per dataset, selecting only it, so the catalog publishes it under exactly the TCK's offer id.
  await insertOffer(db, participantId, {
    id,
    accessPolicyId: openAccessPolicyId,
    contractPolicyId,
    selector: { assetIds: [datasetId] },
    createdAt: at,
    updatedAt: at,
  });
  return 1;
}

/** A FINALIZED agreement with the TCK, and the FINALIZED negotiation it came from. */
async function seedAgreement(
  db: Kysely<Tables>,
  participantId: string,
  agreementId: string,
  role: 'provider' | 'consumer',
  at: string,
): Promise<number> {
  const exists = await db
    .selectFrom('agreements')
    .select('id')
    .where('participant_id', '=', participantId)
    .where('id', '=', agreementId)
    .executeTakeFirst();
  if (exists) return 0;
  const offerId = offerIdOf(agreementDataset);
  const [assigner, assignee] =
    role === 'provider' ? [participantId, tckParticipant] : [tckParticipant, participantId];
  const policy = {
    '@id': agreementId,
    target: agreementDataset,
    assigner,
    assignee,
    timestamp: at,
    permission: usePermission,
  };
  const negotiationId = `tck-negotiation-${agreementId}`;
  await db
    .insertInto('negotiations')
    .values({
      participant_id: participantId,
      id: negotiationId,
      role,
      provider_pid: role === 'provider' ? negotiationId : `tck-provider-${agreementId}`,
      consumer_pid: role === 'consumer' ? negotiationId : `tck-consumer-${agreementId}`,
      state: 'FINALIZED',
      counterparty_id: tckParticipant,
      counterparty_address: '',
      offer_id: offerId,
      offer: JSON.stringify({ '@id': offerId, target: agreementDataset, permission: usePermission }),
      agreement_id: agreementId,
      deadline_at: null,
      reason_code: null,
      reason: null,
      idempotency_key: null,
      version: 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
  await db
    .insertInto('agreements')
    .values({
      participant_id: participantId,
      id: agreementId,
      negotiation_id: negotiationId,
      role,
      counterparty_id: tckParticipant,
      offer_id: offerId,
      asset_id: agreementDataset,
      policy: JSON.stringify(policy),
      finalized_at: at,
      created_at: at,
    })
    .execute();
  return 1;
}

/**
 * Seeds the conformance fixtures for one participant: the TCK's datasets with their offers, and the
 * FINALIZED agreements its transfer scenarios start from (as provider ATP…, as consumer ATPC…). Idempotent:
 * a node restarted with the profile keeps what it has and adds what is missing, in one transaction with
 * one audit entry.
 */
export async function seedTckFixtures(
  db: Kysely<Tables>,
  participantId: string,
  now: Date,
): Promise<SeedResult> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    await seedPolicies(trx, participantId, at);
    let datasets = 0;
    let offers = 0;
    let agreements = 0;
    for (const id of [...catalogDatasets, ...negotiationDatasets]) {
      datasets += await seedDataset(trx, participantId, id, at);
      offers += await seedOffer(trx, participantId, id, at);
    }
    for (const id of providerAgreements)
      agreements += await seedAgreement(trx, participantId, id, 'provider', at);
    for (const id of consumerAgreements)
      agreements += await seedAgreement(trx, participantId, id, 'consumer', at);
    const result = { datasets, offers, agreements };
    if (datasets + offers + agreements > 0)
      await participantStore(trx, participantId).audit(
        {
          actor: 'system',
          action: 'tck.seed',
          resourceType: 'participant',
          resourceId: participantId,
          reason: 'node started with the conformance profile (--profile tck)',
          via: 'node',
          outcome: 'success',
          details: result,
        },
        now,
      );
    return result;
  });
}
