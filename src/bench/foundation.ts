import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import Fastify from 'fastify';
import { createLogger, createParticipant, loadConfig, startNode } from '../node/index.js';
import { openDatabase, participantStore } from '../store/index.js';
import { type Figure, latencies, opsPerSecond } from './measure.js';

/** Store: audited writes through Kysely vs bare better-sqlite3 inserts of the same size, same disk. */
async function storeFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-bench-'));
  try {
    const database = await openDatabase({ engine: 'sqlite', file: join(dir, 'musubi.db') });
    await database.db
      .insertInto('participants')
      .values({ id: 'p', name: 'p', corporate_number: null, created_at: new Date().toISOString() })
      .execute();
    const store = participantStore(database.db, 'p');
    let i = 0;
    const audited = await opsPerSecond(() =>
      store.transaction(async (tx) => {
        const at = new Date();
        const id = `a${i++}`;
        await tx.insertAsset({
          id,
          title: '作業手順書',
          description: '',
          contentType: 'text/plain',
          properties: {},
          dataAddress: { type: 'HttpData' },
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
        });
        await tx.audit(
          {
            actor: 'bench',
            action: 'asset.create',
            resourceType: 'asset',
            resourceId: id,
            via: 'bench',
            outcome: 'success',
          },
          at,
        );
      }),
    );
    const reads = await opsPerSecond(() => store.findAsset('a1'));
    await database.close();

    const raw = new SqliteDatabase(join(dir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec('create table t (k text primary key, v text)');
    const insert = raw.prepare('insert into t values (?, ?)');
    let j = 0;
    const bare = await opsPerSecond(() => raw.transaction(() => insert.run(`k${j++}`, 'x'.repeat(200)))());
    const select = raw.prepare('select * from t where k = ?');
    const bareReads = await opsPerSecond(() => select.get('k1'));
    raw.close();
    return [
      {
        name: 'store: audited asset writes (SQLite, one transaction each)',
        value: audited,
        unit: 'ops/s',
        baseline: { name: 'bare better-sqlite3 insert transaction', value: bare },
      },
      {
        name: 'store: asset read by id (SQLite)',
        value: reads,
        unit: 'ops/s',
        baseline: { name: 'bare better-sqlite3 select', value: bareReads },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** HTTP: an authenticated management read through every hook vs a bare Fastify route, both in-process. */
async function httpFigures(): Promise<Figure[]> {
  const store = mkdtempSync(join(tmpdir(), 'musubi-bench-node-'));
  try {
    const flags = { port: 0, store, logLevel: 'silent', plainHttp: true }; // inject only: no certificate needed
    const node = await startNode(loadConfig({ flags, env: {} }), {
      announce: () => {},
      logger: createLogger('silent'),
    });
    const { apiKey } = await createParticipant(
      node.context.participants,
      { id: 'bench', name: 'bench' },
      'bench',
    );
    const health = await latencies(() => node.app.inject({ url: '/health' }));
    const managed = await opsPerSecond(() =>
      node.app.inject({ url: '/management/v1/assets', headers: { 'x-api-key': apiKey.key } }),
    );
    await node.close();
    const bare = Fastify();
    bare.get('/x', async () => []);
    await bare.ready();
    const bareOps = await opsPerSecond(() => bare.inject({ url: '/x' }));
    await bare.close();
    return [
      {
        name: 'http: GET /management/v1/assets with API key (inject)',
        value: managed,
        unit: 'req/s',
        baseline: { name: 'bare Fastify route (inject)', value: bareOps },
      },
      { name: 'http: GET /health p50 (inject)', value: health.p50, unit: 'ms' },
    ];
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

export async function foundationFigures(): Promise<Figure[]> {
  return [...(await storeFigures()), ...(await httpFigures())];
}
