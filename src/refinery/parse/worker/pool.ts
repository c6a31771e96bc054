/**
 * Parsing in worker threads with limits. A parser that hangs or eats memory on a hostile file must not
 * take the process with it: each parse runs in a `worker_threads` Worker with a heap cap
 * (`resourceLimits`) and a deadline; past either, the worker is terminated and the caller gets a typed
 * error. Workers are reused while healthy; the pool runs as many as there are cores.
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { InvalidInput, MusubiError } from '../../../errors/index.js';
import type { Document, SourceInfo } from '../../document/index.js';
import { ParseOutOfMemory, ParseTimeout, ParseWorkerFailed, type SerialisedError } from './errors.js';
import type { AfterParse, ParseReply, ParseRequest, ParserModule } from './protocol.js';

export interface WorkerLimits {
  /** Wall-clock budget per file. */
  readonly timeoutMs: number;
  /** V8 old-generation heap cap per worker. */
  readonly maxOldGenerationSizeMb: number;
}

export interface PoolOptions extends WorkerLimits {
  /** Worker threads; defaults to the number of cores. */
  readonly size?: number;
  /** Parsers by format name that are not in the built-in registry (loaded by module URL). */
  readonly parsers?: Readonly<Record<string, ParserModule>>;
}

interface Task {
  readonly request: Omit<ParseRequest, 'id'>;
  readonly timeoutMs: number;
  readonly resolve: (r: Parsed) => void;
  readonly reject: (e: Error) => void;
}

/** A parse's Document and, when an `after` step ran in the worker, its result. */
export interface Parsed<T = unknown> {
  readonly document: Document;
  readonly extra: T;
}

interface Slot {
  readonly worker: Worker;
  busy: boolean;
}

// Running from the TypeScript sources (tests), workers need the .ts hooks; the build runs plain .js.
const fromSource = import.meta.url.endsWith('.ts');
const entry = new URL(fromSource ? './worker-entry.ts' : './worker-entry.js', import.meta.url).href;
const hooks = new URL('./typescript-hooks.mjs', import.meta.url).href;
const startupBudgetMs = 60_000;
// pdf.js and kuromoji allocate a great many short-lived objects: with V8's default young generation a
// parse worker spent a sixth of its time in scavenges; a larger one lets most of them die young.
const youngGenerationMb = 192;
/**
 * Every fresh worker compiles pdf.js anew, and pdf.js's evaluator loops (`getOperatorList`,
 * `getTextContent`) are giant functions that TurboFan optimises, then throws away at the next operator,
 * font or object shape it had not seen, and optimises again — two dozen times per worker. On the 12
 * manufacturing PDFs a third of the refine's CPU went to V8's compiler threads. With eight times V8's
 * default interrupt budget a function gathers that much more feedback before it is optimised, so it is
 * optimised fewer times: CPU per page fell by a sixth (59 against 70 CPU-ms, paired runs). V8 flags are
 * per process, so the budget is raised only while a pool has workers and put back when the last one
 * closes; only Node 20's V8 (11.3, default 67,584) is tuned, and a budget given on the command line
 * is left alone.
 */
const tierUp = process.versions.v8.startsWith('11.3.')
  ? { raised: '--interrupt-budget=540672', normal: '--interrupt-budget=67584' }
  : undefined;
let poolsWithRaisedBudget = 0;

/** Raises the interrupt budget for a pool's workers; false when it is left as it is. */
function raiseTierUpBudget(): boolean {
  if (tierUp === undefined || process.execArgv.some((a) => a.startsWith('--interrupt-budget'))) return false;
  if (poolsWithRaisedBudget++ === 0) setFlagsFromString(tierUp.raised);
  return true;
}

function restoreTierUpBudget(): void {
  if (tierUp !== undefined && --poolsWithRaisedBudget === 0) setFlagsFromString(tierUp.normal);
}

const bootstrap = [
  "const { workerData } = require('node:worker_threads');",
  "if (workerData.hooks) require('node:module').register(workerData.hooks);",
  'import(workerData.entry);',
].join('\n');

/** A fixed-size pool of parse workers. Call `close()` when done. */
export class ParsePool {
  readonly #options: PoolOptions;
  readonly #size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Task[] = [];
  #nextId = 1;
  #closed = false;
  #budgetRaised = false;

  constructor(options: PoolOptions) {
    if (options.timeoutMs <= 0 || options.maxOldGenerationSizeMb <= 0) {
      throw new InvalidInput(
        'parse.invalid-limits',
        'timeoutMs and maxOldGenerationSizeMb must be positive',
        {
          ...options,
        },
      );
    }
    this.#options = options;
    this.#size = Math.max(1, options.size ?? availableParallelism());
  }

  /** Parses `bytes` with the parser for `source.format` inside a worker; `timeoutMs` overrides the pool's. */
  async parse(
    bytes: Uint8Array,
    source: SourceInfo,
    limits: { readonly timeoutMs?: number } = {},
  ): Promise<Document> {
    return (await this.#submit(bytes, source, undefined, limits)).document;
  }

  /**
   * Parses as `parse`, then runs `after` on the Document in the same worker (inside the same deadline and
   * heap cap) and returns both: CPU-heavy steps after parsing use the pool's threads, not the caller's.
   */
  parseThen<T>(
    bytes: Uint8Array,
    source: SourceInfo,
    after: AfterParse,
    limits: { readonly timeoutMs?: number } = {},
  ): Promise<Parsed<T>> {
    return this.#submit(bytes, source, after, limits) as Promise<Parsed<T>>;
  }

  #submit(
    bytes: Uint8Array,
    source: SourceInfo,
    after: AfterParse | undefined,
    limits: { readonly timeoutMs?: number },
  ): Promise<Parsed> {
    if (this.#closed) {
      return Promise.reject(new InvalidInput('parse.pool-closed', 'the parse pool is closed'));
    }
    const parser = this.#options.parsers?.[source.format];
    const timeoutMs = limits.timeoutMs ?? this.#options.timeoutMs;
    return new Promise<Parsed>((resolve, reject) => {
      this.#queue.push({
        request: { bytes, source, ...(parser ? { parser } : {}), ...(after ? { after } : {}) },
        timeoutMs,
        resolve,
        reject,
      });
      this.#pump();
    });
  }

  /** Terminates every worker; queued parses are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#queue.splice(0))
      t.reject(new InvalidInput('parse.pool-closed', 'the parse pool is closed'));
    await Promise.all(this.#slots.splice(0).map((s) => s.worker.terminate()));
    if (this.#budgetRaised) {
      this.#budgetRaised = false;
      restoreTierUpBudget();
    }
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const slot = this.#slots.find((s) => !s.busy) ?? this.#spawn();
      if (slot === undefined) return;
      this.#run(slot, this.#queue.shift()!);
    }
  }

  #spawn(): Slot | undefined {
    if (this.#slots.length >= this.#size) return undefined;
    if (!this.#budgetRaised) this.#budgetRaised = raiseTierUpBudget();
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { entry, hooks: fromSource ? hooks : undefined },
      resourceLimits: {
        maxOldGenerationSizeMb: this.#options.maxOldGenerationSizeMb,
        maxYoungGenerationSizeMb: youngGenerationMb,
      },
    });
    worker.unref();
    const slot: Slot = { worker, busy: false };
    this.#slots.push(slot);
    return slot;
  }

  #retire(slot: Slot): void {
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    void slot.worker.terminate();
  }

  #run(slot: Slot, task: Task): void {
    slot.busy = true;
    const id = this.#nextId++;
    const { uri } = task.request.source;
    const { maxOldGenerationSizeMb } = this.#options;
    const { timeoutMs } = task;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void, healthy: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      slot.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (healthy) slot.busy = false;
      else this.#retire(slot);
      outcome();
      this.#pump();
    };
    const expire = (ms: number) => () => finish(() => task.reject(new ParseTimeout(uri, ms)), false);
    // The deadline counts parsing, not the worker's start-up (loading modules): it is armed when the
    // worker says it has begun; start-up has a generous deadline of its own.
    const startupMs = Math.max(startupBudgetMs, timeoutMs);
    timer = setTimeout(expire(startupMs), startupMs);
    const onMessage = (reply: ParseReply) => {
      if (reply.id !== id) return;
      if ('started' in reply) {
        clearTimeout(timer);
        timer = setTimeout(expire(timeoutMs), timeoutMs);
        return;
      }
      finish(
        () =>
          reply.ok
            ? task.resolve({ document: reply.document, extra: reply.extra })
            : task.reject(revive(reply.error)),
        true,
      );
    };
    const onError = (e: Error & { code?: string }) => {
      const error =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ParseOutOfMemory(uri, maxOldGenerationSizeMb)
          : new ParseWorkerFailed(uri, e.message);
      finish(() => task.reject(error), false);
    };
    const onExit = (code: number) =>
      finish(() => task.reject(new ParseWorkerFailed(uri, `exit code ${code}`)), false);
    slot.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    // A copy, so the caller's buffer is never detached by the transfer.
    const bytes = task.request.bytes.slice();
    slot.worker.postMessage({ ...task.request, id, bytes } satisfies ParseRequest, [bytes.buffer]);
  }
}

/** Rebuilds a typed error from its serialised form (class identity does not cross threads). */
function revive(e: SerialisedError): Error {
  if (e.code === undefined || e.kind === undefined)
    return new ParseWorkerFailed('worker', `${e.name}: ${e.message}`);
  if (e.kind === 'invalid') return new InvalidInput(e.code, e.message, { ...e.fields });
  return new MusubiError(e.code, e.kind, e.message, { ...e.fields });
}

export interface WorkerParseOptions extends WorkerLimits {
  readonly parsers?: Readonly<Record<string, ParserModule>>;
}

/** Parses one file in a fresh worker with limits; the worker is gone when the promise settles. */
export async function parseInWorker(
  bytes: Uint8Array,
  source: SourceInfo,
  options: WorkerParseOptions,
): Promise<Document> {
  const pool = new ParsePool({ ...options, size: 1 });
  try {
    return await pool.parse(bytes, source);
  } finally {
    await pool.close();
  }
}
