import { close as closeFd } from 'node:fs';
import {
  type DigestCache,
  type FileIdentity,
  fileIdentity,
  racyWindowNs,
  readUnchanged,
  type WholeRead,
  worthRemembering,
} from './digest-cache.js';
import type { OpenFile } from './file.js';
import type { HashFile } from './hash-worker.js';
import type { SourceAddress } from './source.js';

/**
 * Digests of File assets computed in the background — when an asset is registered or changed, and for every
 * File asset when the node starts — so that even the first pull of a file finds its digest remembered and is
 * not hashed on the serving thread. The rules are the serving path's: the digest goes into the same
 * `DigestCache` under the identity fstat gave the descriptor that was hashed, only if the identity after the
 * last read is the same and was settled (`worthRemembering`). Files are hashed one at a time (disk and a core
 * are shared with the pulls); the queue is bounded and duplicates collapse. Nothing here throws at the caller:
 * an address that cannot be served is skipped, as the pull would refuse it anyway.
 */

/** What became of one file. */
export type DigestOutcome =
  /** Its digest is now remembered for the identity it was hashed under. */
  | 'remembered'
  /** A digest was already remembered for this very version: not hashed again. */
  | 'known'
  /** The file changed while it was read (or was cut short): nothing remembered. */
  | 'changed'
  /** Unchanged, but written too recently to trust its stamps (racy): tried again once it has settled. */
  | 'unsettled'
  /** The address names no servable file (missing, outside the roots, not a regular file). */
  | 'skipped'
  /** The hash failed (I/O error, the worker stopped). */
  | 'failed';

/** The verdict on one background read, by the serving path's own rules. */
export function digestVerdict(r: WholeRead, hashedBytes: number): 'remembered' | 'changed' | 'unsettled' {
  if (worthRemembering(r, hashedBytes)) return 'remembered';
  return readUnchanged(r) && hashedBytes === r.readBytes ? 'unsettled' : 'changed';
}

/**
 * How long until a file with these stamps is settled (ms, at least 0), capped at the racy window plus a margin:
 * the wait runs on real timers while the stamps are judged against the node's clock, so a clock that is not the
 * wall clock (tests) must not stretch it.
 */
export function settlesInMs(f: FileIdentity, seenAtNs: bigint, windowNs = racyWindowNs): number {
  // differences, not stamps, as numbers: small enough to be exact
  const newestNs = Math.max(Number(f.mtimeNs - seenAtNs), Number(f.ctimeNs - seenAtNs));
  const waitNs = newestNs + Number(windowNs) + 1;
  const capNs = Number(windowNs) + 100_000_000;
  return Math.ceil(Math.min(Math.max(waitNs, 0), capNs) / 1e6);
}

export interface BackgroundDigestOptions {
  /** The files a whole read of the address may serve, opened (see `FileSource.openForDigest`). */
  readonly open: (address: SourceAddress) => Promise<readonly OpenFile[]>;
  readonly hash: HashFile;
  readonly digests: DigestCache;
  /** The wall clock the file system stamps files with (ns). */
  readonly nowNs: () => bigint;
  /** Addresses waiting at most (default 1024); more are refused until the queue drains. */
  readonly queueBound?: number;
  readonly onOutcome?: (address: SourceAddress, outcome: DigestOutcome) => void;
}

interface Item {
  readonly key: string;
  readonly address: SourceAddress;
  /** Already put back once for being unsettled: not again. */
  readonly retried: boolean;
}

/** The queue and its one runner; a thing with a lifecycle, so a class. */
export class BackgroundDigests {
  readonly #o: BackgroundDigestOptions;
  readonly #queue = new Map<string, Item>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #timers = new Map<NodeJS.Timeout, () => void>();
  #drain: Promise<void> | undefined;
  #closed = false;

  constructor(options: BackgroundDigestOptions) {
    this.#o = options;
  }

  /** Queues an address; false when the queue is full or closed (an address already queued counts as queued). */
  enqueue(address: SourceAddress): boolean {
    return this.#put({ key: JSON.stringify(address), address, retried: false });
  }

  /** Queues an address, waiting for the queue to drain first when it is full (the start-up scan). */
  async enqueueWaiting(address: SourceAddress): Promise<void> {
    while (!this.#closed && !this.enqueue(address)) await this.#drain;
  }

  /** Keeps `idle()` waiting until `work` settles (a scan feeding the queue). */
  track(work: Promise<unknown>): void {
    this.#hold(work);
  }

  /** Settles once nothing is queued, hashing, waiting to settle or being fed (for tests and the bench). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /**
   * Stops: drops the queue and the waits; the file in hand fails once the caller closes the hasher, and
   * `idle()` then settles.
   */
  close(): void {
    this.#closed = true;
    this.#queue.clear();
    for (const [timer, done] of this.#timers) {
      clearTimeout(timer);
      done();
    }
    this.#timers.clear();
  }

  get closed(): boolean {
    return this.#closed;
  }

  #put(item: Item): boolean {
    if (this.#closed) return false;
    if (this.#queue.has(item.key)) return true;
    if (this.#queue.size >= (this.#o.queueBound ?? 1024)) return false;
    this.#queue.set(item.key, item);
    this.#kick();
    return true;
  }

  /** Starts the runner unless it runs; when it stops, starts again for anything queued as it was stopping. */
  #kick(): void {
    if (this.#drain || this.#closed || this.#queue.size === 0) return;
    this.#drain = this.#hold(this.#run()).finally(() => {
      this.#drain = undefined;
      this.#kick();
    });
  }

  #hold<T>(p: Promise<T>): Promise<T> {
    const held = p.finally(() => this.#pending.delete(held));
    this.#pending.add(held);
    return held;
  }

  async #run(): Promise<void> {
    for (let item = first(this.#queue); item && !this.#closed; item = first(this.#queue)) {
      this.#queue.delete(item.key);
      const outcomes = await this.#digest(item.address);
      for (const o of outcomes) {
        if (o.outcome === 'unsettled' && !item.retried && o.settlesInMs !== undefined)
          this.#later(o.settlesInMs, { ...item, retried: true });
        this.#o.onOutcome?.(item.address, o.outcome);
      }
    }
  }

  /** Each file the address may serve (the file, its .gz sibling), hashed one after the other. */
  async #digest(address: SourceAddress): Promise<{ outcome: DigestOutcome; settlesInMs?: number }[]> {
    const files = await this.#o.open(address).catch(() => []);
    if (files.length === 0) return [{ outcome: 'skipped' }];
    const outcomes = [];
    // closed before the next file (or idle): a descriptor never outlives the work on it
    for (const f of files) outcomes.push(await this.#digestOne(f).finally(() => closeQuietly(f.fd)));
    return outcomes;
  }

  async #digestOne(file: OpenFile): Promise<{ outcome: DigestOutcome; settlesInMs?: number }> {
    const before = fileIdentity(file.stats);
    if (this.#o.digests.get(before) !== undefined) return { outcome: 'known' };
    // Judged against the clock read before the hash began, never later than the last fstat: a file settled
    // then is settled at the end too (the serving path reads its clock just after that fstat).
    const seenAtNs = this.#o.nowNs();
    try {
      const h = await this.#o.hash(file.fd, before.size);
      const read: WholeRead = { before, after: h.after, seenAtNs, readBytes: h.readBytes };
      const verdict = digestVerdict(read, h.readBytes);
      if (verdict === 'remembered') this.#o.digests.set(h.after, h.sha256);
      // a changed file's old digest (remembered by a pull) must not outlive it
      if (verdict === 'changed') this.#o.digests.drop(before);
      return verdict === 'unsettled'
        ? { outcome: verdict, settlesInMs: settlesInMs(h.after, seenAtNs) }
        : { outcome: verdict };
    } catch {
      return { outcome: 'failed' };
    }
  }

  /** Puts an item back once its file has settled (a real timer, unref'd: it never keeps the process up). */
  #later(ms: number, item: Item): void {
    this.#hold(
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#put(item);
          resolve();
        }, ms);
        timer.unref();
        this.#timers.set(timer, resolve);
      }),
    );
  }
}

const closeQuietly = (fd: number) => new Promise<void>((resolve) => closeFd(fd, () => resolve()));

const first = <T>(m: Map<string, T>): T | undefined => m.values().next().value;
