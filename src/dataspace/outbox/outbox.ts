import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';

/**
 * Outgoing protocol messages, written in the same transaction as the state change that produced them and
 * delivered afterwards with retries. A message is therefore sent exactly when its state change happened,
 * whatever crashes in between; the receiver's idempotency makes a resend after a crash harmless.
 */
export interface OutboxItem {
  readonly id: string;
  readonly participantId: string;
  /** Which kind of process the message belongs to (`negotiation`, `transfer`): picks the give-up handler. */
  readonly processType: string;
  readonly processId: string;
  readonly url: string;
  /** The counterparty id the message is addressed to (its authentication audience). */
  readonly audience: string;
  readonly message: unknown;
  readonly attempts: number;
}

export interface NewOutboxItem {
  readonly participantId: string;
  readonly processType: string;
  readonly processId: string;
  readonly url: string;
  readonly audience: string;
  readonly message: unknown;
}

export interface RetryPolicy {
  /** Delay before the first retry; doubles with each further attempt. */
  readonly baseMs: number;
  readonly maxDelayMs: number;
  /** Attempts in all (the first send included) before the outbox gives up. */
  readonly limit: number;
}

export const defaultRetry: RetryPolicy = { baseMs: 500, maxDelayMs: 60_000, limit: 8 };

/** A refusal retrying cannot fix (a 4xx from the peer, a URL the egress policy forbids). */
export class DeliveryRefused extends Error {
  override readonly name = 'DeliveryRefused';
}

/** Delay before attempt `attempts + 1`, with ±20 % jitter so many failed peers do not retry in lockstep. */
export function retryDelay(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

/**
 * Adds a message to the outbox; call it with the transaction that makes the state change. With `supersede`
 * the process's messages still waiting are dropped first (a termination makes them moot).
 */
export async function enqueue(
  trx: Kysely<Tables>,
  item: NewOutboxItem,
  at: Date,
  options: { supersede?: boolean } = {},
): Promise<string> {
  if (options.supersede) {
    await trx
      .deleteFrom('outbox')
      .where('participant_id', '=', item.participantId)
      .where('process_type', '=', item.processType)
      .where('process_id', '=', item.processId)
      .execute();
  }
  const id = randomUUID();
  await trx
    .insertInto('outbox')
    .values({
      id,
      participant_id: item.participantId,
      process_type: item.processType,
      process_id: item.processId,
      url: item.url,
      audience: item.audience,
      message: JSON.stringify(item.message),
      attempts: 0,
      due_at: at.toISOString(),
      lease_until: null,
      last_error: null,
      created_at: at.toISOString(),
    })
    .execute();
  return id;
}

/** Messages of one process still waiting to be delivered, oldest first (for status pages and tests). */
export async function pendingFor(
  db: Kysely<Tables>,
  participantId: string,
  processType: string,
  processId: string,
): Promise<OutboxItem[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('process_type', '=', processType)
    .where('process_id', '=', processId)
    .orderBy('created_at')
    .execute();
  return rows.map(toItem);
}

function toItem(r: Tables['outbox']): OutboxItem {
  return {
    id: r.id,
    participantId: r.participant_id,
    processType: r.process_type,
    processId: r.process_id,
    url: r.url,
    audience: r.audience,
    message: JSON.parse(r.message) as unknown,
    attempts: r.attempts,
  };
}

export interface DeliveryDeps {
  readonly db: Kysely<Tables>;
  readonly now: () => Date;
  /**
   * Sends one message; resolves with the answer's body on a 2xx, throws DeliveryRefused for a permanent
   * refusal, anything else for a failure worth retrying.
   */
  readonly send: (item: OutboxItem) => Promise<unknown>;
  /** Called after a message was delivered, with the peer's answer (it may carry the peer's pid). */
  readonly delivered?: (item: OutboxItem, answer: unknown) => Promise<void>;
  /** Called (outside any transaction) when a message will never be delivered: the process must react. */
  readonly gaveUp: (item: OutboxItem, reason: string) => Promise<void>;
  readonly retry?: RetryPolicy;
  /** How long a claim protects an item from other replicas; longer than the slowest send. */
  readonly leaseMs?: number;
  /** Items sent at once per run. */
  readonly batch?: number;
  readonly log?: (fields: Record<string, unknown>, msg: string) => void;
}

/**
 * The earliest moment an item becomes due, or undefined when there is none. Items claimed by a sender are due
 * again only when their lease runs out (a crashed replica's claim); items of the processes in `busy` (a send of
 * theirs is in flight here) — the claimed item itself included — wait for that send, which wakes the scheduler
 * when it finishes: their lease is ours, and arming a timer for it would wake an idle node a minute later.
 */
export async function nextDue(db: Kysely<Tables>, busy: readonly string[] = []): Promise<Date | undefined> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => {
      const unbusy = eb
        .case()
        .when('lease_until', 'is not', null)
        .then(eb.ref('lease_until'))
        .else(eb.ref('due_at'))
        .end();
      const due =
        busy.length > 0 ? eb.case().when('process_id', 'in', busy).then(null).else(unbusy).end() : unbusy;
      return eb.fn.min(due).as('due');
    })
    .executeTakeFirst();
  const due = row?.due as string | null | undefined;
  return due ? new Date(due) : undefined;
}

const processKey = (r: { participant_id: string; process_type: string; process_id: string }) =>
  `${r.participant_id}\u0000${r.process_type}\u0000${r.process_id}`;

/**
 * Claims up to `limit` items due now, each with a lease so two replicas never send the same item, and at
 * most one per process — none of a process in `busy` — so a process's messages go out in the order written.
 * One statement claims them all (a replica racing us re-checks the lease under the row lock and skips what we
 * took); the rare second item of one process is handed back. `scanned` tells whether more may be due.
 */
async function claimDue(
  deps: DeliveryDeps,
  limit: number,
  busy: ReadonlyMap<string, string>,
): Promise<{ items: OutboxItem[]; scanned: number }> {
  const at = deps.now();
  const iso = at.toISOString();
  const leaseUntil = new Date(at.getTime() + (deps.leaseMs ?? 60_000)).toISOString();
  const free = (eb: ExpressionBuilder<Tables, 'outbox'>) =>
    eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', iso)]);
  const busyIds = [...new Set(busy.values())];
  const rows = await deps.db
    .updateTable('outbox')
    .set({ lease_until: leaseUntil })
    .where('id', 'in', (eb) => {
      let due = eb.selectFrom('outbox').select('id').where('due_at', '<=', iso).where(free);
      if (busyIds.length > 0) due = due.where('process_id', 'not in', busyIds);
      return due.orderBy('due_at').orderBy('created_at').limit(limit);
    })
    .where(free)
    .returningAll()
    .execute();
  rows.sort((a, b) => a.due_at.localeCompare(b.due_at) || a.created_at.localeCompare(b.created_at));
  const seen = new Set<string>(busy.keys());
  const items: OutboxItem[] = [];
  const handBack: string[] = [];
  for (const r of rows) {
    const key = processKey(r);
    if (seen.has(key)) handBack.push(r.id);
    else items.push(toItem(r));
    seen.add(key);
  }
  if (handBack.length > 0) {
    await deps.db.updateTable('outbox').set({ lease_until: null }).where('id', 'in', handBack).execute();
  }
  return { items, scanned: rows.length };
}

/**
 * Sends every item due now (at most `batch`), and waits for all of them. Returns how many were due; the
 * caller runs it again while that equals the batch size.
 */
export async function deliverDue(deps: DeliveryDeps): Promise<number> {
  const { items, scanned } = await claimDue(deps, deps.batch ?? 64, new Map());
  await Promise.all(items.map((item) => deliverOne(deps, item)));
  return scanned;
}

/** What became of one send: delivered, to be retried later, or given up. */
type Outcome = 'delivered' | 'retry' | 'gave-up';

async function deliverOne(deps: DeliveryDeps, item: OutboxItem): Promise<Outcome> {
  const policy = deps.retry ?? defaultRetry;
  let answer: unknown;
  try {
    answer = await deps.send(item);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const attempts = item.attempts + 1;
    const permanent = e instanceof DeliveryRefused;
    deps.log?.(
      { outboxId: item.id, processId: item.processId, attempts, permanent, reason },
      'delivery failed',
    );
    if (permanent || attempts >= policy.limit) {
      await deps.db.deleteFrom('outbox').where('id', '=', item.id).execute();
      await deps.gaveUp(item, permanent ? reason : `no answer after ${attempts} attempts: ${reason}`);
      return 'gave-up';
    }
    const due = new Date(deps.now().getTime() + retryDelay(attempts, policy));
    await deps.db
      .updateTable('outbox')
      .set({ attempts, due_at: due.toISOString(), lease_until: null, last_error: reason.slice(0, 500) })
      .where('id', '=', item.id)
      .execute();
    return 'retry';
  }
  await deps.db.deleteFrom('outbox').where('id', '=', item.id).execute();
  await deps.delivered?.(item, answer);
  return 'delivered';
}

/**
 * The outbox as scheduler work, pipelined: a run claims what is due and starts sending without waiting for
 * the answers, up to `batch` sends in flight; each finished send calls `settled` (the scheduler's wake), so
 * a slow peer never holds up messages to the others, nor the next step of a fast one.
 */
export function outboxWork(
  deps: DeliveryDeps & {
    settled: () => void;
    /**
     * How long the earliest due time looked up stays trusted while it lies ahead. Items written here are due at
     * once (the writer wakes the scheduler) and retries set here refresh it, so only another replica's expired
     * lease waits for the next look; busy nodes then stop asking after every run.
     */
    lookAgainMs?: number;
  },
): {
  name: string;
  nextDue: () => Promise<Date | undefined>;
  runDue: () => Promise<boolean>;
  idle: () => Promise<void>;
  sending: () => number;
} {
  const limit = deps.batch ?? 64;
  const lookAgainMs = deps.lookAgainMs ?? 1000;
  const inFlight = new Map<string, Promise<void>>();
  const busyProcesses = new Map<string, string>(); // process key → process id
  let looked: { at: number; due: number | undefined } | undefined;
  return {
    name: 'outbox',
    nextDue: async () => {
      const now = deps.now().getTime();
      const trusted =
        looked !== undefined &&
        now - looked.at < lookAgainMs &&
        (looked.due === undefined || looked.due > now);
      if (trusted) return looked?.due === undefined ? undefined : new Date(looked.due);
      const due = await nextDue(deps.db, [...busyProcesses.values()]);
      looked = { at: now, due: due?.getTime() };
      return due;
    },
    runDue: async () => {
      const room = limit - inFlight.size;
      if (room <= 0) return false; // a finishing send wakes us
      const { items } = await claimDue(deps, room, busyProcesses);
      for (const item of items) {
        const key = processKey({
          participant_id: item.participantId,
          process_type: item.processType,
          process_id: item.processId,
        });
        const sending = deliverOne(deps, item)
          .then((outcome) => {
            if (outcome === 'retry') looked = undefined; // a new due time: look it up
          })
          .catch((e) => {
            looked = undefined;
            deps.log?.({ outboxId: item.id, err: String(e) }, 'delivery bookkeeping failed');
          })
          .finally(() => {
            inFlight.delete(key);
            busyProcesses.delete(key);
            deps.settled();
          });
        inFlight.set(key, sending);
        busyProcesses.set(key, item.processId);
      }
      return false;
    },
    idle: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight.values()]);
    },
    sending: () => inFlight.size,
  };
}
