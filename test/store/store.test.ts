import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assetAddressesAfter,
  auditHash,
  type Database,
  findApiKeyByHash,
  firstBrokenLink,
  insertApiKey,
  insertParticipant,
  participantStore,
} from '../../src/store/index.js';
import { freshDatabase, type TestDatabase, testEngines } from '../support/engines.js';

const at = new Date('2026-11-25T00:00:00.000Z');
const asset = (id: string, title: string) => ({
  id,
  title,
  description: '',
  contentType: 'application/json',
  properties: { 分類: '社外秘' },
  dataAddress: { type: 'HttpData', baseUrl: 'https://example.com/secret' },
  createdAt: at.toISOString(),
  updatedAt: at.toISOString(),
});

describe.each(testEngines())('store on %s', (engine) => {
  let t: TestDatabase;
  let store: Database;

  beforeEach(async () => {
    t = await freshDatabase(engine);
    store = await t.open();
    for (const [id, name] of [
      ['acme', '株式会社アクメ'],
      ['beta', 'ベータ工業'],
    ] as const) {
      await insertParticipant(store.db, { id, name, corporate_number: null, created_at: at.toISOString() });
    }
  });
  afterEach(async () => {
    await store.close();
    await t.dispose();
  });

  it('migrates an existing database again without error and keeps its rows', async () => {
    await participantStore(store.db, 'acme').insertAsset(asset('a1', '手順書'));
    await store.close();
    store = await t.open();
    expect((await participantStore(store.db, 'acme').findAsset('a1'))?.title).toBe('手順書');
  });

  it('never shows one participant the assets of another, even by id', async () => {
    const acme = participantStore(store.db, 'acme');
    const beta = participantStore(store.db, 'beta');
    await acme.insertAsset(asset('same-id', 'アクメの資産'));
    await beta.insertAsset(asset('same-id', 'ベータの資産'));
    await acme.insertAsset(asset('only-acme', '秘密'));
    expect((await beta.findAsset('only-acme')) ?? null).toBeNull();
    expect((await beta.findAsset('same-id'))?.title).toBe('ベータの資産');
    expect((await beta.listAssets()).map((a) => a.id)).toEqual(['same-id']);
    expect(await beta.deleteAsset('only-acme')).toBe(false);
    expect((await acme.listAssets()).map((a) => a.id)).toEqual(['only-acme', 'same-id']);
  });

  it("pages every participant's asset addresses in (participant, id) order, for node-wide work", async () => {
    const acme = participantStore(store.db, 'acme');
    const beta = participantStore(store.db, 'beta');
    for (const id of ['b', 'a', 'c']) await acme.insertAsset(asset(id, `アクメ ${id}`));
    for (const id of ['a', 'd']) await beta.insertAsset(asset(id, `ベータ ${id}`));
    const seen: string[] = [];
    let after: { participantId: string; id: string } | undefined;
    for (;;) {
      const page = await assetAddressesAfter(store.db, after, 2);
      if (page.length === 0) break;
      seen.push(...page.map((a) => `${a.participantId}/${a.id}`));
      after = page.at(-1);
    }
    expect(seen).toEqual(['acme/a', 'acme/b', 'acme/c', 'beta/a', 'beta/d']);
    expect((await assetAddressesAfter(store.db, undefined, 1))[0]?.dataAddress).toEqual({
      type: 'HttpData',
      baseUrl: 'https://example.com/secret',
    });
  });

  it('keeps audit chains per participant and detects an edited row', async () => {
    const acme = participantStore(store.db, 'acme');
    const beta = participantStore(store.db, 'beta');
    const base = { actor: 'key:1', resourceType: 'asset', via: 'test', outcome: 'success' } as const;
    await acme.audit({ ...base, action: 'asset.create', resourceId: 'a1' }, at);
    await beta.audit({ ...base, action: 'asset.create', resourceId: 'b1' }, at);
    await acme.audit({ ...base, action: 'asset.delete', resourceId: 'a1', reason: '不要' }, at);
    const log = await acme.auditLog();
    expect(log.map((r) => [r.seq, r.action])).toEqual([
      [1, 'asset.create'],
      [2, 'asset.delete'],
    ]);
    expect(log[1]?.prev_hash).toBe(log[0]?.hash);
    expect(firstBrokenLink(log)).toBeUndefined();
    expect((await beta.auditLog()).map((r) => r.resource_id)).toEqual(['b1']);
    await store.db
      .updateTable('audit_log')
      .set({ reason: '改ざん' })
      .where('participant_id', '=', 'acme')
      .where('seq', '=', 2)
      .execute();
    expect(firstBrokenLink(await acme.auditLog())).toBe(2);
  });

  it('writes the audit entry in the same transaction as the change, and neither survives a rollback', async () => {
    const acme = participantStore(store.db, 'acme');
    await expect(
      acme.transaction(async (tx) => {
        await tx.insertAsset(asset('a2', '図面'));
        await tx.audit(
          {
            actor: 'x',
            action: 'asset.create',
            resourceType: 'asset',
            resourceId: 'a2',
            via: 'test',
            outcome: 'success',
          },
          at,
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await acme.findAsset('a2')).toBeUndefined();
    expect(await acme.auditLog()).toEqual([]);
  });

  it('gives concurrent audit appends distinct consecutive sequence numbers', async () => {
    const acme = participantStore(store.db, 'acme');
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        acme.transaction((tx) =>
          tx.audit(
            {
              actor: 'x',
              action: 'n',
              resourceType: 'r',
              resourceId: String(i),
              via: 't',
              outcome: 'success',
            },
            at,
          ),
        ),
      ),
    );
    const log = await acme.auditLog();
    expect(log.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(firstBrokenLink(log)).toBeUndefined();
  });

  it('keeps the chain whole when its cached head went stale (a rollback, another writer)', async () => {
    const entry = (id: string) => ({
      actor: 'x',
      action: 'asset.update',
      resourceType: 'asset',
      resourceId: id,
      via: 'test',
      outcome: 'success' as const,
    });
    const acme = participantStore(store.db, 'acme');
    await acme.audit(entry('一'), at);
    // The rolled-back entry advanced this process's cached head to a seq the store never kept.
    await expect(
      acme.transaction(async (tx) => {
        await tx.audit(entry('取消'), at);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await acme.audit(entry('二'), at);
    // Another writer (a replica, the CLI) appends behind this process's cache: written here straight into
    // the table, as a second process would.
    const [head] = (await acme.auditLog()).slice(-1);
    const unsigned = {
      participant_id: 'acme',
      seq: (head?.seq ?? 0) + 1,
      at: at.toISOString(),
      actor: 'replica',
      action: 'asset.update',
      resource_type: 'asset',
      resource_id: '三',
      reason: null,
      via: 'test',
      outcome: 'success',
      details: '{}',
      prev_hash: head?.hash ?? null,
    };
    await store.db
      .insertInto('audit_log')
      .values({ ...unsigned, hash: auditHash(unsigned), signature: null })
      .execute();
    await acme.audit(entry('四'), at);
    const log = await acme.auditLog();
    expect(log.map((r) => [r.seq, r.resource_id])).toEqual([
      [1, '一'],
      [2, '二'],
      [3, '三'],
      [4, '四'],
    ]);
    expect(firstBrokenLink(log)).toBeUndefined();
  });

  it('finds API keys by hash only while live, and revokes only the owner’s key', async () => {
    await insertApiKey(store.db, {
      id: 'k1',
      participant_id: 'acme',
      hash: 'h1',
      label: 'ops',
      created_at: at.toISOString(),
      revoked_at: null,
    });
    expect((await findApiKeyByHash(store.db, 'h1'))?.participant_id).toBe('acme');
    expect(await participantStore(store.db, 'beta').revokeApiKey('k1', at.toISOString())).toBe(false);
    expect(await participantStore(store.db, 'acme').revokeApiKey('k1', at.toISOString())).toBe(true);
    expect(await findApiKeyByHash(store.db, 'h1')).toBeUndefined();
  });

  it('counts every query it runs', async () => {
    await store.close();
    let n = 0;
    store = await t.open({ onQuery: () => n++ });
    const before = n;
    await participantStore(store.db, 'acme').listAssets();
    expect(n - before).toBe(1);
  });

  it('refuses a second participant with the same id', async () => {
    await expect(
      insertParticipant(store.db, {
        id: 'acme',
        name: 'dup',
        corporate_number: null,
        created_at: at.toISOString(),
      }),
    ).rejects.toThrow();
  });
});
