/**
 * A participant's key history, as pure functions over its stored keys. Rotation without downtime: a new key is
 * published at once but signs only from `activeFrom`, after peers' DID caches have had time to learn it; the key it
 * replaces keeps signing until then and stays published for a grace period after, so every token or signature made
 * with it still verifies.
 */
export interface KeyHistoryEntry {
  readonly kid: string;
  readonly alg: string;
  readonly createdAt: string;
  /** Null: active since createdAt. */
  readonly activeFrom: string | null;
  /** When a newer key took over; null while it is the newest. */
  readonly retiredAt: string | null;
}

const activeSince = (k: KeyHistoryEntry): string => k.activeFrom ?? k.createdAt;

/** The key of `alg` that signs at `now`: the one activated last, not in the future. */
export function signingKeyAt<K extends KeyHistoryEntry>(
  keys: readonly K[],
  alg: string,
  now: Date,
): K | undefined {
  const at = now.toISOString();
  let best: K | undefined;
  for (const k of keys) {
    if (k.alg !== alg || activeSince(k) > at) continue;
    if (
      !best ||
      activeSince(k) > activeSince(best) ||
      (activeSince(k) === activeSince(best) && k.kid > best.kid)
    )
      best = k;
  }
  return best;
}

/** The keys a DID document lists at `now`: pending and current keys, and retired ones within the grace period. */
export function publishedKeys<K extends KeyHistoryEntry>(
  keys: readonly K[],
  now: Date,
  graceMs: number,
): K[] {
  const t = now.getTime();
  return keys.filter((k) => k.retiredAt === null || Date.parse(k.retiredAt) + graceMs > t);
}

export type KeyStatus = 'pending' | 'active' | 'retiring' | 'retired';

/** What a key is doing at `now`, for the operator's listing. */
export function keyStatus(k: KeyHistoryEntry, now: Date, graceMs: number): KeyStatus {
  const t = now.getTime();
  if (Date.parse(activeSince(k)) > t) return 'pending';
  if (k.retiredAt === null || Date.parse(k.retiredAt) > t) return 'active';
  return Date.parse(k.retiredAt) + graceMs > t ? 'retiring' : 'retired';
}
