import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase, testEngines } from '../../../test/support/engines.js';
import { type Database, listAudit } from '../../store/index.js';
import { findOffer } from '../catalog/index.js';
import {
  consumerAgreements,
  consumerNegotiationScript,
  negotiationDatasets,
  providerAgreements,
  providerNegotiationScript,
  providerTransferScript,
} from './scenarios.js';
import { seedTckFixtures } from './seed.js';

describe('conformance scripts', () => {
  it('cover the TCK ids and fall back to the default for anything else', () => {
    expect(negotiationDatasets).toHaveLength(15);
    expect(negotiationDatasets[0]).toBe('ACN0101');
    expect(negotiationDatasets.at(-1)).toBe('ACN0304');
    expect(providerAgreements).toHaveLength(16);
    expect(consumerAgreements).toHaveLength(16);
    expect(providerNegotiationScript('ACN0103', 'accepted')).toEqual(['agree']);
    expect(providerNegotiationScript('ACN0202', 'requested')).toEqual([]);
    expect(providerNegotiationScript('ACN0202', 'accepted')).toBeUndefined();
    expect(providerNegotiationScript('toString', 'requested')).toBeUndefined();
    expect(consumerNegotiationScript('ACNC0306', 'agreed')).toEqual([]);
    expect(providerTransferScript('ATP0104', 'requested')).toEqual(['start', 'suspend', 'start', 'complete']);
  });
});

for (const engine of testEngines()) {
  describe(`conformance fixtures on ${engine}`, () => {
    let tdb: TestDatabase;
    let database: Database;
    const at = new Date('2026-04-01T00:00:00.000Z');

    beforeEach(async () => {
      tdb = await freshDatabase(engine);
      database = await tdb.open();
      await database.db
        .insertInto('participants')
        .values({ id: 'default', name: '梅田製作所', corporate_number: null, created_at: at.toISOString() })
        .execute();
    });
    afterEach(async () => {
      await database.close();
      await tdb.dispose();
    });

    it('seeds datasets, offers and FINALIZED agreements once, with one audit entry', async () => {
      expect(await seedTckFixtures(database.db, 'default', at)).toEqual({
        datasets: 17,
        offers: 17,
        agreements: 32,
      });
      expect(await seedTckFixtures(database.db, 'default', at)).toEqual({
        datasets: 0,
        offers: 0,
        agreements: 0,
      });

      const offer = await findOffer(database.db, 'default', 'CD123:ACN0101:456');
      expect(offer?.assetId).toBe('ACN0101');
      expect(await findOffer(database.db, 'default', 'CD123:CAT0103:456')).toBeUndefined();

      const agreements = await database.db
        .selectFrom('agreements')
        .select(['id', 'role', 'counterparty_id', 'finalized_at'])
        .where('participant_id', '=', 'default')
        .orderBy('id')
        .execute();
      expect(agreements).toHaveLength(32);
      expect(agreements.find((a) => a.id === 'ATP0101')).toMatchObject({
        role: 'provider',
        counterparty_id: 'TCK_PARTICIPANT',
      });
      expect(agreements.find((a) => a.id === 'ATPC0306')).toMatchObject({ role: 'consumer' });
      expect(agreements.every((a) => a.finalized_at !== null)).toBe(true);
      const negotiation = await database.db
        .selectFrom('negotiations')
        .select('state')
        .where('agreement_id', '=', 'ATP0101')
        .executeTakeFirstOrThrow();
      expect(negotiation.state).toBe('FINALIZED');

      const audit = await listAudit(database.db, 'default');
      expect(audit.map((a) => a.action)).toEqual(['tck.seed']);
    });
  });
}
