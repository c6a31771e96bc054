/**
 * Remembers token ids until they expire, so a captured token cannot be presented twice. In memory: one node
 * process only — replicas behind a load balancer each keep their own (a shared store comes with DCP).
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();
  readonly #capacity: number;

  constructor(capacity = 100_000) {
    this.#capacity = capacity;
  }

  /** True the first time a key is presented before `expiresAtMs`; false for a replay (or a full guard). */
  remember(key: string, expiresAtMs: number, nowMs: number): boolean {
    const known = this.#seen.get(key);
    if (known !== undefined && known > nowMs) return false;
    if (this.#seen.size >= this.#capacity) this.#prune(nowMs);
    // Full of live ids: refusing is safer than forgetting one that could then be replayed.
    if (this.#seen.size >= this.#capacity) return false;
    this.#seen.set(key, expiresAtMs);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  #prune(nowMs: number): void {
    for (const [key, expires] of this.#seen) if (expires <= nowMs) this.#seen.delete(key);
  }
}
