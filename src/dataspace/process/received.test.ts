import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase, testEngines } from '../../../test/support/engines.js';
import type { Database } from '../../store/index.js';
import { ProcessChanged } from './errors.js';
import { type ProcessTable, pruneReceived, receiveOnce, storedAnswer } from './received.js';

const processes: ProcessTable[] = [{ table: 'negotiations', finished: ['FINALIZED', 'TERMINATED'] }];
const day = 86_400_000;
const t0 = Date.parse('2026-04-01T00:00:00Z');

for (const engine of testEngines()) {
  describe(`received-message ledger on ${engine}`, () => {
    let tdb: TestDatabase;
    let database: Database;

    beforeAll(async () => {
      tdb = await freshDatabase(engine);
      database = await tdb.open();
      await database.db
        .insertInto('participants')
        .values({
          id: 'ume',
          name: '梅田製作所',
          corporate_number: null,
          created_at: new Date(t0).toISOString(),
        })
        .execute();
    });
    afterAll(async () => {
      await database.close();
      await tdb.dispose();
    });

    const negotiation = (id: string, state: string) =>
      database.db
        .insertInto('negotiations')
        .values({
          participant_id: 'ume',
          id,
          role: 'provider',
          provider_pid: id,
          consumer_pid: `urn:uuid:c-${id}`,
          state,
          counterparty_id: 'did:web:買い手.example',
          counterparty_address: 'http://127.0.0.1:9/dsp',
          offer_id: 'offer-部品表',
          offer: '{}',
          agreement_id: null,
          deadline_at: null,
          reason_code: null,
          reason: null,
          idempotency_key: null,
          version: 1,
          created_at: new Date(t0).toISOString(),
          updated_at: new Date(t0).toISOString(),
        })
        .execute();
    const received = (key: string, providerPid: string, at: number) =>
      receiveOnce(database.db, 'ume', key, new Date(at), async () => ({
        status: 200,
        body: { providerPid, consumerPid: `urn:uuid:c-${providerPid}`, state: 'REQUESTED' },
      }));

    it('runs the work again when another transaction changed the process under it, and stores one answer', async () => {
      let runs = 0;
      const got = await receiveOnce(database.db, 'ume', 'raced', new Date(t0 + 30 * day), async (trx) => {
        runs++;
        await trx
          .insertInto('outbox')
          .values({
            id: `attempt-${runs}`,
            participant_id: 'ume',
            process_type: 'negotiation',
            process_id: 'urn:uuid:raced',
            url: 'http://127.0.0.1:9/dsp',
            audience: 'did:web:買い手.example',
            message: '{}',
            attempts: 0,
            due_at: new Date(t0).toISOString(),
            lease_until: null,
            last_error: null,
            created_at: new Date(t0).toISOString(),
          })
          .execute();
        if (runs === 1) throw new ProcessChanged('negotiation.changed', 'changed concurrently');
        return { status: 200, body: { providerPid: 'urn:uuid:raced', state: 'AGREED' } };
      });
      expect(runs).toBe(2);
      expect(got).toEqual({
        answer: { status: 200, body: { providerPid: 'urn:uuid:raced', state: 'AGREED' } },
        repeated: false,
      });
      // the first attempt rolled back entirely
      const written = await database.db
        .selectFrom('outbox')
        .select('id')
        .where('process_id', '=', 'urn:uuid:raced')
        .execute();
      expect(written.map((r) => r.id)).toEqual(['attempt-2']);
      const always = receiveOnce(database.db, 'ume', 'always-raced', new Date(t0 + 30 * day), async () => {
        throw new ProcessChanged('negotiation.changed', 'changed concurrently');
      });
      await expect(always).rejects.toBeInstanceOf(ProcessChanged);
      expect(await storedAnswer(database.db, 'ume', 'always-raced')).toBeUndefined();
    });

    it('forgets messages of finished processes after the retention, keeps open ones and recent ones', async () => {
      await negotiation('urn:uuid:done', 'FINALIZED');
      await negotiation('urn:uuid:open', 'REQUESTED');
      await received('old-done', 'urn:uuid:done', t0);
      await received('old-open', 'urn:uuid:open', t0);
      await received('new-done', 'urn:uuid:done', t0 + 6 * day);

      expect(await pruneReceived(database.db, new Date(t0 + day), processes)).toBe(1);
      expect(await storedAnswer(database.db, 'ume', 'old-done')).toBeUndefined();
      expect((await storedAnswer(database.db, 'ume', 'old-open'))?.body).toMatchObject({
        providerPid: 'urn:uuid:open',
      });
      expect(await storedAnswer(database.db, 'ume', 'new-done')).toBeDefined();

      // the open one finishes: now it goes too
      await database.db
        .updateTable('negotiations')
        .set({ state: 'TERMINATED' })
        .where('id', '=', 'urn:uuid:open')
        .execute();
      expect(await pruneReceived(database.db, new Date(t0 + day), processes)).toBe(1);
      expect(await storedAnswer(database.db, 'ume', 'old-open')).toBeUndefined();
    });
  });
}
