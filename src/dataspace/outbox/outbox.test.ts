import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase, testEngines } from '../../../test/support/engines.js';
import type { Database } from '../../store/index.js';
import {
  DeliveryRefused,
  deliverDue,
  enqueue,
  nextDue,
  type OutboxItem,
  pendingFor,
  type RetryPolicy,
  retryDelay,
} from './outbox.js';

const retry: RetryPolicy = { baseMs: 1000, maxDelayMs: 8000, limit: 3 };

describe('retry delay', () => {
  it('doubles from the base up to the cap, with bounded jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(a, retry, mid))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(retryDelay(1, retry, () => 0)).toBe(800);
    expect(retryDelay(1, retry, () => 0.999_999)).toBe(1200);
  });
});

for (const engine of testEngines()) {
  describe(`outbox on ${engine}`, () => {
    let tdb: TestDatabase;
    let database: Database;
    let clock: Date;
    const now = () => clock;

    beforeEach(async () => {
      tdb = await freshDatabase(engine);
      database = await tdb.open();
      clock = new Date('2026-04-01T00:00:00.000Z');
      await database.db
        .insertInto('participants')
        .values({ id: 'ume', name: '梅田製作所', corporate_number: null, created_at: clock.toISOString() })
        .execute();
    });
    afterEach(async () => {
      await database.close();
      await tdb.dispose();
    });

    const item = (processId: string, n: number) => ({
      participantId: 'ume',
      processType: 'negotiation',
      processId,
      url: `http://peer.example/negotiations/${processId}/m${n}`,
      audience: 'did:web:peer.example',
      message: { n, 件名: '部品表' },
    });

    it('sends a due message once and forgets it; an empty outbox has nothing due', async () => {
      await database.db.transaction().execute((trx) => enqueue(trx, item('p1', 1), clock));
      expect(await nextDue(database.db)).toEqual(clock);
      const sent: OutboxItem[] = [];
      const n = await deliverDue({
        db: database.db,
        now,
        send: async (i) => void sent.push(i),
        gaveUp: async () => expect.unreachable(),
        retry,
      });
      expect(n).toBe(1);
      expect(sent.map((s) => s.message)).toEqual([{ n: 1, 件名: '部品表' }]);
      expect(await nextDue(database.db)).toBeUndefined();
    });

    it('retries a failed send with back-off, then gives up after the limit and tells the process', async () => {
      await enqueue(database.db, item('p1', 1), clock);
      const gaveUp: string[] = [];
      const deps = {
        db: database.db,
        now,
        send: async () => {
          throw new Error('connect ECONNREFUSED');
        },
        gaveUp: async (_: OutboxItem, reason: string) => void gaveUp.push(reason),
        retry,
      };
      await deliverDue(deps);
      const firstRetry = (await nextDue(database.db))!.getTime() - clock.getTime();
      expect(firstRetry).toBeGreaterThanOrEqual(800);
      expect(firstRetry).toBeLessThanOrEqual(1200);
      expect(await deliverDue(deps)).toBe(0); // not due yet: nothing is sent early
      clock = new Date(clock.getTime() + 1200);
      await deliverDue(deps);
      const secondRetry = (await nextDue(database.db))!.getTime() - clock.getTime();
      expect(secondRetry).toBeGreaterThanOrEqual(1600);
      clock = new Date(clock.getTime() + 2400);
      await deliverDue(deps);
      expect(gaveUp).toEqual(['no answer after 3 attempts: connect ECONNREFUSED']);
      expect(await nextDue(database.db)).toBeUndefined();
    });

    it('gives up at once when the peer refuses the message', async () => {
      await enqueue(database.db, item('p1', 1), clock);
      const gaveUp: string[] = [];
      await deliverDue({
        db: database.db,
        now,
        send: async () => {
          throw new DeliveryRefused('peer answered 400');
        },
        gaveUp: async (_, reason) => void gaveUp.push(reason),
        retry,
      });
      expect(gaveUp).toEqual(['peer answered 400']);
    });

    it("keeps one process's messages in order and lets a termination supersede what waits", async () => {
      await enqueue(database.db, item('p1', 1), clock);
      await enqueue(database.db, item('p1', 2), new Date(clock.getTime() + 1));
      await enqueue(database.db, item('p2', 1), clock);
      clock = new Date(clock.getTime() + 10);
      const sent: string[] = [];
      const deps = {
        db: database.db,
        now,
        send: async (i: OutboxItem) => void sent.push(i.url),
        gaveUp: async () => {},
        retry,
      };
      await deliverDue(deps);
      expect(sent.sort()).toEqual([
        'http://peer.example/negotiations/p1/m1',
        'http://peer.example/negotiations/p2/m1',
      ]);
      await enqueue(database.db, item('p1', 3), clock, { supersede: true });
      expect((await pendingFor(database.db, 'ume', 'negotiation', 'p1')).map((i) => i.url)).toEqual([
        'http://peer.example/negotiations/p1/m3',
      ]);
    });

    it('never hands an item claimed by another replica to a second sender', async () => {
      await enqueue(database.db, item('p1', 1), clock);
      let release: () => void = () => {};
      const blocked = new Promise<void>((r) => {
        release = r;
      });
      const sent: string[] = [];
      const slow = deliverDue({
        db: database.db,
        now,
        send: async (i) => {
          sent.push(`a:${i.url}`);
          await blocked;
        },
        gaveUp: async () => {},
        retry,
      });
      // wait until the first sender holds the claim
      for (let i = 0; i < 1000 && sent.length === 0; i++) await new Promise((r) => setImmediate(r));
      await deliverDue({
        db: database.db,
        now,
        send: async (i) => void sent.push(`b:${i.url}`),
        gaveUp: async () => {},
        retry,
      });
      // another replica's claim is due again when its lease runs out; our own in-flight send is not due at all
      expect(await nextDue(database.db)).toEqual(new Date(clock.getTime() + 60_000));
      expect(await nextDue(database.db, ['p1'])).toBeUndefined();
      release();
      await slow;
      expect(sent).toEqual(['a:http://peer.example/negotiations/p1/m1']);
    });
  });
}
