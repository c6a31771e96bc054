import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase, testEngines } from '../../../test/support/engines.js';
import type { Database } from '../../store/index.js';
import { pruneReplayGuard, ReplayGuard, storedReplayGuard } from './replay.js';

const t0 = Date.parse('2026-04-01T00:00:00Z');
const jti = 'did:web:工場.example 7f3c-トークン';

for (const engine of testEngines()) {
  describe(`replay guard in the database on ${engine}`, () => {
    let tdb: TestDatabase;
    let database: Database;

    // One database for the suite (PGlite is slow to open); each test uses its own participants.
    beforeAll(async () => {
      tdb = await freshDatabase(engine);
      database = await tdb.open();
    });
    afterAll(async () => {
      await database.close();
      await tdb.dispose();
    });

    it('refuses a token id seen before, also after a restart (new process, same store)', async () => {
      const first = storedReplayGuard(database.db);
      expect(await first.remember('default', jti, t0 + 60_000, t0)).toBe(true);
      expect(await first.remember('default', jti, t0 + 60_000, t0 + 1000)).toBe(false);
      await database.close();
      database = await tdb.open();
      const restarted = storedReplayGuard(database.db);
      expect(await restarted.remember('default', jti, t0 + 60_000, t0 + 2000)).toBe(false);
      // another participant of the node has not seen it
      expect(await restarted.remember('beta', jti, t0 + 60_000, t0 + 2000)).toBe(true);
    });

    it('lets exactly one of two replicas accept a token presented to both at once', async () => {
      const a = storedReplayGuard(database.db, { cache: new ReplayGuard() });
      const b = storedReplayGuard(database.db, { cache: new ReplayGuard() });
      const answers = await Promise.all([
        a.remember('replicated', jti, t0 + 60_000, t0),
        b.remember('replicated', jti, t0 + 60_000, t0),
      ]);
      expect(answers.filter(Boolean)).toHaveLength(1);
    });

    it('prunes expired rows, and accepts an id again once it expired', async () => {
      const g = storedReplayGuard(database.db, { pruneEveryMs: 3_600_000 });
      expect(await g.remember('pruned', jti, t0 + 60_000, t0)).toBe(true);
      expect(await g.remember('pruned', 'other', t0 + 10_000, t0)).toBe(true);
      expect(await pruneReplayGuard(database.db, new Date(t0 + 20_000))).toBe(1); // 'other' only
      expect(await g.remember('pruned', jti, t0 + 60_000, t0 + 30_000)).toBe(false);
      const later = storedReplayGuard(database.db); // a fresh cache: the store decides
      expect(await later.remember('pruned', jti, t0 + 200_000, t0 + 120_000)).toBe(true);
      const rows = await database.db
        .selectFrom('replay_guard')
        .select(['key', 'expires_at'])
        .where('participant_id', '=', 'pruned')
        .execute();
      expect(rows).toEqual([{ key: jti, expires_at: new Date(t0 + 200_000).toISOString() }]);
    });
  });
}
