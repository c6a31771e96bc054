import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edrKeeper, type RefreshPost } from '../../src/dataspace/dataplane/consumer/index.js';
import { type Database, insertParticipant } from '../../src/store/index.js';
import { freshDatabase, type TestDatabase } from '../support/engines.js';

const secret = 'テスト用のノード秘密鍵-0123456789abcdef0123456789abcdef';
const p = 'maker';

/** A provider's refresh endpoint stand-in: counts calls, answers what the test says once released. */
function standIn() {
  let calls = 0;
  let release: (answer: { status: number; body: unknown }) => void = () => {};
  let answer = new Promise<{ status: number; body: unknown }>((r) => {
    release = r;
  });
  const post: RefreshPost = async () => {
    calls++;
    const a = await answer;
    return { status: a.status, text: () => JSON.stringify(a.body) };
  };
  return {
    post,
    calls: () => calls,
    answer: (status: number, body: unknown) => release({ status, body }),
    reset: () => {
      answer = new Promise((r) => {
        release = r;
      });
    },
  };
}

describe('the consumer’s EDR keeper (real SQLite, the provider stood in)', () => {
  let store: TestDatabase;
  let database: Database;
  let now = new Date('2026-04-01T09:00:00.000Z');
  let n = 0;

  beforeAll(async () => {
    store = await freshDatabase('sqlite');
    database = await store.open();
    await insertParticipant(database.db, {
      id: p,
      name: '結び製作所',
      corporate_number: null,
      created_at: now.toISOString(),
    });
  });
  afterAll(async () => {
    await database?.close();
    await store?.dispose();
  });

  async function startedTransfer(provider: ReturnType<typeof standIn>, expiresIn = '60') {
    const id = `urn:uuid:t-${++n}`;
    const at = now.toISOString();
    await database.db
      .insertInto('transfers')
      .values({
        participant_id: p,
        id,
        role: 'consumer',
        provider_pid: `urn:uuid:p-${n}`,
        consumer_pid: id,
        state: 'STARTED',
        counterparty_id: 'did:web:supplier',
        counterparty_address: 'http://127.0.0.1:9/dsp',
        agreement_id: 'urn:uuid:a',
        format: 'HttpData-PULL',
        data_address: null,
        access_token_hash: null,
        deadline_at: null,
        reason_code: null,
        reason: null,
        idempotency_key: null,
        version: 1,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const keeper = edrKeeper({
      db: database.db,
      now: () => now,
      secret,
      post: provider.post,
      marginMs: 30_000,
    });
    const kept = await keeper.keep(
      database.db,
      p,
      id,
      {
        endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
        endpoint: `http://127.0.0.1:9/data/transfers/p-${n}`,
        endpointProperties: [
          { name: 'authorization', value: `access-${n}` },
          { name: 'authType', value: 'bearer' },
          { name: 'expiresIn', value: expiresIn },
          { name: 'refreshToken', value: `refresh-${n}` },
          { name: 'refreshEndpoint', value: 'http://127.0.0.1:9/data/token' },
        ],
      },
      now,
    );
    expect(kept.endpointProperties?.map((x) => x.name)).toEqual(['authType', 'expiresIn', 'refreshEndpoint']);
    return { id, keeper };
  }

  it('hands out the kept token without asking the provider while it is not near expiry', async () => {
    const provider = standIn();
    const { id, keeper } = await startedTransfer(provider);
    expect((await keeper.current(p, id)).accessToken).toBe(`access-${n}`);
    expect((await keeper.current(p, id)).accessToken).toBe(`access-${n}`);
    expect(provider.calls()).toBe(0);
  });

  it('lets concurrent callers share one refresh, and persists the new tokens', async () => {
    const provider = standIn();
    const { id, keeper } = await startedTransfer(provider);
    now = new Date(now.getTime() + 45_000); // 15 s left: inside the margin
    const callers = Array.from({ length: 8 }, () => keeper.current(p, id));
    provider.answer(200, {
      access_token: 'a-2',
      token_type: 'Bearer',
      expires_in: 60,
      refresh_token: 'r-2',
    });
    const got = await Promise.all(callers);
    expect(provider.calls()).toBe(1);
    expect(new Set(got.map((e) => e.accessToken))).toEqual(new Set(['a-2']));
    // another keeper (a restarted node, a replica) reads the same tokens from the store
    const other = edrKeeper({
      db: database.db,
      now: () => now,
      secret,
      post: provider.post,
      marginMs: 30_000,
    });
    const stored = await other.current(p, id);
    expect(stored).toMatchObject({
      accessToken: 'a-2',
      refreshToken: 'r-2',
      expiresAt: new Date(now.getTime() + 60_000).toISOString(),
    });
    expect(provider.calls()).toBe(1);
  });

  it('still hands out a token that has not expired when the provider cannot be reached; 503 once it has', async () => {
    const provider = standIn();
    const { id, keeper } = await startedTransfer(provider);
    now = new Date(now.getTime() + 45_000);
    const pending = keeper.current(p, id);
    provider.answer(503, {});
    expect((await pending).accessToken).toBe(`access-${n}`);
    now = new Date(now.getTime() + 20_000); // past expiry
    await expect(keeper.current(p, id)).rejects.toMatchObject({
      code: 'edr.refresh-unavailable',
      kind: 'unavailable',
    });
    expect(provider.calls()).toBe(2);
  });

  it('marks the EDR dead with the provider’s reason on invalid_grant, and stops asking', async () => {
    const provider = standIn();
    const { id, keeper } = await startedTransfer(provider);
    now = new Date(now.getTime() + 45_000);
    const pending = keeper.current(p, id);
    provider.answer(400, { error: 'invalid_grant', error_description: '転送は終了しました' });
    await expect(pending).rejects.toMatchObject({ code: 'edr.dead', kind: 'conflict' });
    await expect(keeper.current(p, id)).rejects.toMatchObject({ code: 'edr.dead' });
    expect(provider.calls()).toBe(1);
    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'edr.dead')
      .where('resource_id', '=', id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ reason: 'invalid_grant', outcome: 'failure' });
  });

  it('refuses a sealed row under another node secret', async () => {
    const provider = standIn();
    const { id } = await startedTransfer(provider);
    const stranger = edrKeeper({
      db: database.db,
      now: () => now,
      secret: 'x'.repeat(64),
      post: provider.post,
      marginMs: 30_000,
    });
    await expect(stranger.current(p, id)).rejects.toMatchObject({ code: 'edr.seal-broken' });
  });
});
