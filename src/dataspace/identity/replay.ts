import type { Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';

/** Remembers token ids until they expire; false for one presented before (a replay). */
export interface ReplayCheck {
  remember(key: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
}

/**
 * Token ids in this process's memory until they expire. On its own it guards one node process; as the front
 * cache of `storedReplayGuard` it answers repeats without a query.
 */
export class ReplayGuard implements ReplayCheck {
  readonly #seen = new Map<string, number>();
  readonly #capacity: number;

  constructor(capacity = 100_000) {
    this.#capacity = capacity;
  }

  /** True the first time a key is presented before `expiresAtMs`; false for a replay (or a full guard). */
  async remember(key: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    if (this.has(key, nowMs)) return false;
    if (this.#seen.size >= this.#capacity) this.#prune(nowMs);
    // Full of live ids: refusing is safer than forgetting one that could then be replayed.
    if (this.#seen.size >= this.#capacity) return false;
    this.#seen.set(key, expiresAtMs);
    return true;
  }

  /** Whether `key` is known and not yet expired. */
  has(key: string, nowMs: number): boolean {
    const known = this.#seen.get(key);
    return known !== undefined && known > nowMs;
  }

  /** Notes a key another store vouches for; when full, the oldest entry goes (that store still knows it). */
  note(key: string, expiresAtMs: number, nowMs: number): void {
    if (this.#seen.size >= this.#capacity) this.#prune(nowMs);
    if (this.#seen.size >= this.#capacity) this.#seen.delete(this.#seen.keys().next().value as string);
    this.#seen.set(key, expiresAtMs);
  }

  get size(): number {
    return this.#seen.size;
  }

  #prune(nowMs: number): void {
    for (const [key, expires] of this.#seen) if (expires <= nowMs) this.#seen.delete(key);
  }
}

export interface StoredReplayOptions {
  /** The in-memory front cache. */
  readonly cache?: ReplayGuard;
  /** Expired rows are deleted at most this often (by the first check after the interval). */
  readonly pruneEveryMs?: number;
}

/**
 * The replay guard kept in the database (`replay_guard`, one row per participant and token id): it survives
 * restarts and is shared by replicas on one PostgreSQL. One insert-if-absent per new token decides, so two
 * replicas receiving the same token at once cannot both accept it; an expired row is taken over by its key.
 * The memory cache in front answers repeats seen here without a query.
 */
export function storedReplayGuard(
  db: Kysely<Tables>,
  options: StoredReplayOptions = {},
): { remember(participantId: string, key: string, expiresAtMs: number, nowMs: number): Promise<boolean> } {
  const cache = options.cache ?? new ReplayGuard();
  const pruneEveryMs = options.pruneEveryMs ?? 60_000;
  let prunedAt = Number.NEGATIVE_INFINITY;
  return {
    async remember(participantId, key, expiresAtMs, nowMs) {
      const cached = `${participantId} ${key}`;
      if (cache.has(cached, nowMs)) return false;
      if (nowMs - prunedAt >= pruneEveryMs) {
        prunedAt = nowMs;
        await pruneReplayGuard(db, new Date(nowMs));
      }
      const expiresAt = new Date(expiresAtMs).toISOString();
      const result = await db
        .insertInto('replay_guard')
        .values({ participant_id: participantId, key, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .columns(['participant_id', 'key'])
            .doUpdateSet({ expires_at: expiresAt })
            .where('replay_guard.expires_at', '<=', new Date(nowMs).toISOString()),
        )
        .executeTakeFirst();
      // Known either way now: a repeat, here or of a token another replica accepted, needs no query.
      cache.note(cached, expiresAtMs, nowMs);
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}

/** Deletes the token ids that expired by `at`, every participant's; returns how many went. */
export async function pruneReplayGuard(db: Kysely<Tables>, at: Date): Promise<number> {
  const r = await db
    .deleteFrom('replay_guard')
    .where('expires_at', '<=', at.toISOString())
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
