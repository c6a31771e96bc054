import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Model answers are cached by the hash of everything that determines them (endpoint, model, prompt or
 * input), so re-refining unchanged text never calls the model again and runs stay reproducible.
 */
export interface ProviderCache {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export function cacheKey(...parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.length}:${p}`);
  return h.digest('hex');
}

export function memoryCache(): ProviderCache {
  const map = new Map<string, string>();
  return { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
}

/** A cache table in an existing SQLite database (the refinery's corpus file). */
export function sqliteCache(db: BetterSqlite3.Database): ProviderCache {
  db.exec(
    'create table if not exists provider_cache (key text primary key, value text not null, created_at text not null)',
  );
  const get = db.prepare<[string], { value: string }>('select value from provider_cache where key = ?');
  const set = db.prepare('insert or replace into provider_cache (key, value, created_at) values (?, ?, ?)');
  return {
    get: (k) => get.get(k)?.value,
    set: (k, v) => void set.run(k, v, new Date().toISOString()),
  };
}
