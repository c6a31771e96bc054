import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, type Engine, openDatabase, type StoreTarget } from '../../src/store/index.js';

/**
 * The engines a store test runs on. `npm test` runs SQLite and PGlite (real PostgreSQL in WASM), so a
 * machine without a server passes; `npm run test:postgres` sets MUSUBI_TEST_ENGINES=postgres and needs
 * MUSUBI_TEST_DATABASE_URL — a missing URL fails loudly rather than skipping.
 */
export function testEngines(): Engine[] {
  const listed = (process.env.MUSUBI_TEST_ENGINES ?? 'sqlite,pglite').split(',').map((s) => s.trim());
  for (const e of listed) {
    if (e !== 'sqlite' && e !== 'pglite' && e !== 'postgres') throw new Error(`unknown test engine ${e}`);
  }
  return listed as Engine[];
}

export interface TestDatabase {
  readonly target: StoreTarget;
  readonly open: (options?: { onQuery?: () => void }) => Promise<Database>;
  readonly dispose: () => Promise<void>;
}

/** A fresh, empty database on the given engine; dispose() removes it. */
export async function freshDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-store-'));
    const target: StoreTarget = { engine, file: join(dir, 'musubi.db') };
    return {
      target,
      open: (o) => openDatabase(target, o),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-pglite-'));
    const target: StoreTarget = { engine, dataDir: dir };
    return {
      target,
      open: (o) => openDatabase(target, o),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = process.env.MUSUBI_TEST_DATABASE_URL;
  if (!url) throw new Error('MUSUBI_TEST_DATABASE_URL must name a PostgreSQL server for the postgres engine');
  const name = `musubi_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const target: StoreTarget = { engine, url: u.toString() };
  return {
    target,
    open: (o) => openDatabase(target, o),
    dispose: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
