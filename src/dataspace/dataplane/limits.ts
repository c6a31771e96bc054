import { LimitReached } from './errors.js';

/**
 * Per-agreement limits of the data plane: requests per second (a token bucket whose burst is one second's
 * worth) and bytes per window (a fixed window). Kept in this process's memory: replicas behind a load
 * balancer each enforce their own share. 0 switches a limit off.
 */
export interface LimitSettings {
  readonly requestsPerSecond: number;
  readonly volumeBytes: number;
  readonly volumeWindowS: number;
}

interface Bucket {
  tokens: number;
  at: number;
}
interface Window {
  start: number;
  bytes: number;
}

/** Pure: the bucket after one request at `now` (ms), or how long until one is allowed. */
export function takeRequest(
  b: Bucket | undefined,
  now: number,
  rate: number,
): { bucket: Bucket } | { retryAfterMs: number } {
  const burst = Math.max(1, rate);
  const tokens = b ? Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate) : burst;
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, at: now } };
  return { retryAfterMs: Math.ceil(((1 - tokens) / rate) * 1000) };
}

/** Pure: the window current at `now`, restarted when the previous one ended. */
export function currentWindow(w: Window | undefined, now: number, windowMs: number): Window {
  return w && now - w.start < windowMs ? w : { start: now, bytes: 0 };
}

export class AgreementLimits {
  readonly #buckets = new Map<string, Bucket>();
  readonly #windows = new Map<string, Window>();

  constructor(private readonly settings: LimitSettings) {}

  /** Counts one request; throws LimitReached (with Retry-After) when the rate or the volume is used up. */
  admit(agreementKey: string, now: Date, expectedBytes?: number): void {
    const t = now.getTime();
    const { requestsPerSecond: rate, volumeBytes } = this.settings;
    if (volumeBytes > 0) {
      const w = this.#window(agreementKey, t);
      const over =
        w.bytes >= volumeBytes || (expectedBytes !== undefined && w.bytes + expectedBytes > volumeBytes);
      if (over) throw new LimitReached('limit.volume', this.#retryAfterS(w, t));
    }
    if (rate > 0) {
      const taken = takeRequest(this.#buckets.get(agreementKey), t, rate);
      if ('retryAfterMs' in taken)
        throw new LimitReached('limit.rate', Math.max(1, Math.ceil(taken.retryAfterMs / 1000)));
      this.#buckets.set(agreementKey, taken.bucket);
    }
  }

  /** Refuses a body of known length that would not fit the agreement's window (before any byte is sent). */
  admitBytes(agreementKey: string, now: Date, bytes: number): void {
    if (this.fits(agreementKey, now, bytes)) return;
    const t = now.getTime();
    throw new LimitReached('limit.volume', this.#retryAfterS(this.#window(agreementKey, t), t));
  }

  /** Whether `bytes` more fit the agreement's window (checked while a body of unknown length streams). */
  fits(agreementKey: string, now: Date, bytes: number): boolean {
    const { volumeBytes } = this.settings;
    return volumeBytes <= 0 || this.#window(agreementKey, now.getTime()).bytes + bytes <= volumeBytes;
  }

  /** Adds bytes sent to the agreement's window. */
  record(agreementKey: string, now: Date, bytes: number): void {
    if (this.settings.volumeBytes <= 0) return;
    this.#window(agreementKey, now.getTime()).bytes += bytes;
  }

  #window(key: string, t: number): Window {
    const w = currentWindow(this.#windows.get(key), t, this.settings.volumeWindowS * 1000);
    this.#windows.set(key, w);
    return w;
  }

  #retryAfterS(w: Window, t: number): number {
    return Math.max(1, Math.ceil((w.start + this.settings.volumeWindowS * 1000 - t) / 1000));
  }
}
