import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  type LogEvent,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as SqliteDialectDatabase,
} from 'kysely';
import pg from 'pg';
import { StoreCorrupt, StoreUnreachable, StoreUnwritable } from './errors.js';
import { migrations } from './migrations/index.js';
import { PgliteDialect } from './pglite-dialect.js';
import type { Tables } from './tables.js';

export type Engine = 'sqlite' | 'postgres' | 'pglite';

export type StoreTarget =
  | { readonly engine: 'sqlite'; readonly file: string }
  | { readonly engine: 'postgres'; readonly url: string }
  | { readonly engine: 'pglite'; readonly dataDir?: string };

export interface Database {
  readonly engine: Engine;
  readonly db: Kysely<Tables>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Called once per executed query (feeds the /metrics query counter). */
  readonly onQuery?: () => void;
}

/** The SQLite file under a store directory; creates the directory and proves it writable first. */
export function sqliteTargetIn(dir: string): StoreTarget {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new StoreUnwritable(dir, (e as NodeJS.ErrnoException).code ?? 'error');
  }
  return { engine: 'sqlite', file: join(dir, 'musubi.db') };
}

function openSqlite(file: string): SqliteDatabase.Database {
  let raw: SqliteDatabase.Database | undefined;
  try {
    raw = new SqliteDatabase(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    raw.pragma('synchronous = NORMAL');
    // Reading the schema proves the file is a database before migrations touch it.
    raw.prepare('select count(*) from sqlite_master').get();
    return raw;
  } catch (e) {
    raw?.close();
    const code = (e as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new StoreCorrupt(file);
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') throw new StoreUnwritable(file, code);
    throw e;
  }
}

/**
 * Kysely prepares every query anew and better-sqlite3 compiles on each prepare(), which cost as much as running
 * the query: keep the compiled statements of the most recent SQL texts. Safe on one connection: Kysely runs
 * one query at a time on it, and a statement is never shared by two running queries.
 */
export function withStatementCache(raw: SqliteDatabase.Database, size = 500): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => raw.close(),
    prepare(sql) {
      const known = cache.get(sql);
      if (known) {
        cache.delete(sql); // most recently used last
        cache.set(sql, known);
        return known;
      }
      const statement = raw.prepare(sql);
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
  };
}

function dialectFor(target: StoreTarget) {
  switch (target.engine) {
    case 'sqlite':
      return new SqliteDialect({ database: withStatementCache(openSqlite(target.file)) });
    case 'postgres': {
      const pool = new pg.Pool({ connectionString: target.url, max: 10 });
      // An idle client's connection can be cut by the server (restart, admin termination); without a
      // listener pg would crash the process. The next query reconnects, so there is nothing else to do.
      pool.on('error', () => {});
      return new PostgresDialect({ pool });
    }
    case 'pglite':
      return new PgliteDialect(new PGlite(target.dataDir));
  }
}

/** Opens the database and brings its schema to the latest migration. */
export async function openDatabase(target: StoreTarget, options: OpenOptions = {}): Promise<Database> {
  const onQuery = options.onQuery;
  const db = new Kysely<Tables>({
    dialect: dialectFor(target),
    ...(onQuery
      ? {
          log: (event: LogEvent) => {
            void event; // failed queries count too: they reached the database
            onQuery();
          },
        }
      : {}),
  });
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    if (target.engine === 'postgres' && isConnectionError(e)) {
      throw new StoreUnreachable(redactUrl(target.url), (e as Error).message);
    }
    throw e;
  }
  return { engine: target.engine, db, close: () => db.destroy() };
}

async function migrate(db: Kysely<Tables>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
    migrationTableName: 'musubi_migrations',
    migrationLockTableName: 'musubi_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', '3D000', '28P01', '28000'].includes(code);
}

/** Never print a database password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
