import type { Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';
import { type OutboxItem, outboxWork, type RetryPolicy } from '../outbox/index.js';
import { deadlineWork } from './deadlines.js';
import { type ProcessTable, pruneReceived } from './received.js';
import { type DueWork, Scheduler } from './scheduler.js';

/** One kind of process (negotiation, transfer): what to do when its message cannot be delivered, and its deadlines. */
export interface ProcessKind {
  readonly type: string;
  /** Sends this kind's outbox messages, when they go out otherwise than the runtime's `send` (another protocol). */
  send?(item: OutboxItem): Promise<unknown>;
  /** The outbox gave up on one of this kind's messages (peer refused it, or never answered). */
  gaveUp(item: OutboxItem, reason: string): Promise<void>;
  /** One of this kind's messages was delivered; `answer` is the peer's response body. */
  delivered?(item: OutboxItem, answer: unknown): Promise<void>;
  /**
   * Expires processes whose counterparty kept them waiting too long. The runtime remembers the earliest
   * deadline (see deadlineWork), so writers must `wake(at)` with every deadline they set.
   */
  readonly deadlines?: DueWork;
}

export interface RuntimeDeps {
  readonly db: Kysely<Tables>;
  readonly now: () => Date;
  /** Sends one outbox message: resolves on 2xx; throws DeliveryRefused when retrying cannot help. */
  readonly send: (item: OutboxItem) => Promise<unknown>;
  readonly onError: (work: string, error: unknown) => void;
  readonly log?: (fields: Record<string, unknown>, msg: string) => void;
  readonly retry?: RetryPolicy;
  readonly batch?: number;
  /** Received messages of finished processes are forgotten after `keepMs` (checked at most every `everyMs`). */
  readonly retention?: {
    readonly keepMs: number;
    readonly processes: readonly ProcessTable[];
    readonly everyMs?: number;
  };
}

/**
 * The received-message ledger's pruning as scheduler work that never arms a timer of its own: it runs when
 * message traffic wakes the scheduler, at most once per `everyMs` — an idle node runs no query for it.
 */
function retentionWork(db: Kysely<Tables>, r: NonNullable<RuntimeDeps['retention']>): DueWork {
  let last = Number.NEGATIVE_INFINITY;
  return {
    name: 'received-retention',
    nextDue: async () => undefined,
    runDue: async (now) => {
      if (now.getTime() - last < (r.everyMs ?? 3_600_000)) return false;
      last = now.getTime();
      await pruneReceived(db, new Date(now.getTime() - r.keepMs), r.processes);
      return false;
    },
  };
}

/**
 * The background half of every protocol process on a node: one outbox, the deadline sweeps of each
 * registered kind, and one scheduler over them. Kinds register before start(); writers call wake() after
 * committing a change that made something due.
 */
export class ProcessRuntime {
  private readonly kinds = new Map<string, ProcessKind>();
  private scheduler: Scheduler | undefined;
  private deadlines: ReturnType<typeof deadlineWork>[] = [];
  private outboxIdle: () => Promise<void> = async () => {};
  private sending: () => number = () => 0;

  constructor(private readonly deps: RuntimeDeps) {}

  register(kind: ProcessKind): void {
    if (this.scheduler) throw new Error(`process kind ${kind.type} registered after start`);
    this.kinds.set(kind.type, kind);
  }

  start(): void {
    if (this.scheduler) return;
    const d = this.deps;
    const outbox = outboxWork({
      settled: () => this.wake(),
      db: d.db,
      now: d.now,
      send: (item) => this.kinds.get(item.processType)?.send?.(item) ?? d.send(item),
      delivered: (item, answer) =>
        this.kinds.get(item.processType)?.delivered?.(item, answer) ?? Promise.resolve(),
      gaveUp: (item, reason) => this.kinds.get(item.processType)?.gaveUp(item, reason) ?? Promise.resolve(),
      ...(d.retry ? { retry: d.retry } : {}),
      ...(d.batch ? { batch: d.batch } : {}),
      ...(d.log ? { log: d.log } : {}),
    });
    // Message traffic wakes the scheduler many times a second: no deadline query until one may be due.
    this.deadlines = [...this.kinds.values()].flatMap(({ deadlines: w }) =>
      w ? [deadlineWork(w.name, { next: () => w.nextDue(), expire: (now) => w.runDue(now) })] : [],
    );
    const retention = d.retention && d.retention.keepMs > 0 ? [retentionWork(d.db, d.retention)] : [];
    this.scheduler = new Scheduler({
      works: [outbox, ...this.deadlines, ...retention],
      now: d.now,
      onError: d.onError,
    });
    this.outboxIdle = outbox.idle;
    this.sending = outbox.sending;
    this.scheduler.start();
  }

  /** Something became due at `at` (default: now: a message was written); a time given may be a deadline. */
  wake(at?: Date): void {
    if (at) for (const w of this.deadlines) w.hint(at);
    this.scheduler?.wake(at);
  }

  /** When the scheduler's one timer fires next, once quiet: an idle node must name its earliest deadline here. */
  nextWake(): Date | undefined {
    return this.scheduler?.nextWake();
  }

  /** Resolves when no send is in flight and no run in progress or due now (tests wait on it, not on time). */
  async settled(): Promise<void> {
    for (;;) {
      await this.scheduler?.quiet();
      if (this.sending() === 0) return;
      await this.outboxIdle(); // each finished send wakes the scheduler: quiet() waits for that run
    }
  }

  /** Stops scheduling, then waits for the sends in flight (their outcome is recorded like any other). */
  async stop(): Promise<void> {
    await this.scheduler?.stop();
    await this.outboxIdle();
  }
}
