import { type Readable, Transform } from 'node:stream';
import type { DataAddress } from '../protocol/index.js';
import { edrProperty } from './edr.js';
import type { SourceAddress, SourceRegistry } from './source.js';

/**
 * HttpData-PUSH, provider side: once the provider started a push transfer, the asset's bytes stream from its
 * registered source to the consumer's endpoint, with the consumer's own token, through the node's outbound
 * client (the egress policy decides before a byte leaves). Transient failures retry with back-off; the end is
 * a completion or a termination with a reason code, decided by the pure `afterAttempt`.
 */

/** Where the consumer asked us to push: its request's DataAddress. */
export interface PushTarget {
  readonly endpoint: string;
  readonly authorization?: string;
  readonly method: 'POST' | 'PUT';
}

export function pushTargetOf(a: DataAddress | null): PushTarget | undefined {
  if (!a?.endpoint) return undefined;
  const prop = (name: string) => a.endpointProperties?.find((p) => p.name === name)?.value;
  const authorization = prop(edrProperty.authorization);
  return {
    endpoint: a.endpoint,
    ...(authorization ? { authorization } : {}),
    method: prop('method')?.toUpperCase() === 'PUT' ? 'PUT' : 'POST',
  };
}

/** One attempt's result. `refused`: retrying cannot help (egress denied, the target said 4xx, no source). */
export type PushAttempt =
  | { readonly kind: 'sent'; readonly bytes: number; readonly status: number }
  | { readonly kind: 'refused'; readonly code: string; readonly reason: string; readonly bytes: number }
  | { readonly kind: 'failed'; readonly reason: string; readonly bytes: number };

export interface PushRetry {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const pushRetryDefaults: PushRetry = { attempts: 4, baseMs: 500, maxMs: 10_000 };

export type PushStep =
  | { readonly next: 'complete' }
  | { readonly next: 'retry'; readonly inMs: number }
  | { readonly next: 'terminate'; readonly code: string; readonly reason: string };

/** What follows attempt number `attempt` (1-based): exponential back-off, capped, then a termination. */
export function afterAttempt(attempt: number, result: PushAttempt, retry: PushRetry): PushStep {
  if (result.kind === 'sent') return { next: 'complete' };
  if (result.kind === 'refused') return { next: 'terminate', code: result.code, reason: result.reason };
  if (attempt >= retry.attempts)
    return {
      next: 'terminate',
      code: 'push.failed',
      reason: `push failed after ${attempt} attempts: ${result.reason}`,
    };
  return { next: 'retry', inMs: Math.min(retry.maxMs, retry.baseMs * 2 ** (attempt - 1)) };
}

/** The outbound client's streaming request, narrowed to what a push needs. */
export type PushSend = (
  url: string,
  init: {
    method: 'POST' | 'PUT';
    headers: Record<string, string>;
    body: Readable;
    signal?: AbortSignal;
  },
) => Promise<{ readonly status: number; readonly body: Readable }>;

export interface PushJob {
  readonly transferId: string;
  readonly target: PushTarget;
  /** The asset's private data address; undefined when the asset is gone. */
  readonly source: SourceAddress | undefined;
}

export interface PushDeps {
  readonly sources: SourceRegistry;
  readonly send: PushSend;
  readonly retry?: PushRetry;
  /** Waits between attempts (a timer in the node; tests pass their own). */
  readonly wait: (ms: number) => Promise<void>;
}

export interface PushResult {
  readonly step: Exclude<PushStep, { next: 'retry' }>;
  readonly attempts: number;
  readonly bytes: number;
  readonly status?: number;
}

/** Pushes until it is sent or given up; never throws (every failure ends in a termination step). */
export async function runPush(job: PushJob, deps: PushDeps): Promise<PushResult> {
  const retry = deps.retry ?? pushRetryDefaults;
  for (let attempt = 1; ; attempt++) {
    const result = await pushOnce(job, deps);
    const step = afterAttempt(attempt, result, retry);
    if (step.next !== 'retry')
      return {
        step,
        attempts: attempt,
        bytes: result.bytes,
        ...(result.kind === 'sent' ? { status: result.status } : {}),
      };
    await deps.wait(step.inMs);
  }
}

const codeOf = (e: unknown) =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

async function pushOnce(job: PushJob, deps: PushDeps): Promise<PushAttempt> {
  const source = job.source ? deps.sources.get(job.source.type) : undefined;
  if (!job.source || !source)
    return {
      kind: 'refused',
      code: 'push.no-source',
      reason: 'the asset has no data source this node serves',
      bytes: 0,
    };
  const stop = new AbortController();
  let bytes = 0;
  let opened: Readable | undefined;
  try {
    source.validate(job.source);
    const res = await source.open(job.source, { acceptGzip: false, signal: stop.signal });
    opened = res.body;
    const counted = new Transform({
      transform(chunk: Buffer, _e, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    res.body.on('error', (e) => counted.destroy(e));
    res.body.pipe(counted);
    const headers: Record<string, string> = {
      'content-type': res.contentType ?? 'application/octet-stream',
      ...(res.contentLength !== undefined ? { 'content-length': String(res.contentLength) } : {}),
      ...(job.target.authorization ? { authorization: `Bearer ${job.target.authorization}` } : {}),
    };
    const answer = await deps.send(job.target.endpoint, {
      method: job.target.method,
      headers,
      body: counted,
      signal: stop.signal,
    });
    answer.body.resume(); // the target's answer body is not needed
    if (answer.status >= 200 && answer.status < 300) return { kind: 'sent', bytes, status: answer.status };
    const reason = `the push target answered HTTP ${answer.status}`;
    // 408/429 and 5xx may pass; any other 4xx (a refused token, a wrong endpoint) will not
    if (answer.status >= 500 || answer.status === 408 || answer.status === 429)
      return { kind: 'failed', reason, bytes };
    return { kind: 'refused', code: 'push.target-refused', reason, bytes };
  } catch (e) {
    const code = codeOf(e);
    if (code === 'outbound.egress-denied')
      return {
        kind: 'refused',
        code: 'push.egress-denied',
        reason: 'the push target is not allowed by the egress policy',
        bytes,
      };
    if (code?.startsWith('source.') && (e as { kind?: string }).kind === 'invalid')
      return { kind: 'refused', code: 'push.source-invalid', reason: (e as Error).message, bytes };
    return { kind: 'failed', reason: code ?? (e instanceof Error ? e.message : 'push failed'), bytes };
  } finally {
    stop.abort();
    opened?.destroy();
  }
}
