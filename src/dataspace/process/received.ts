import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Tables } from '../../store/index.js';
import { ProcessChanged } from './errors.js';

/** What a receiver answered: stored with the state change, replayed for a repeated message. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** The identity of a received message: who sent what to which endpoint. */
export function messageKey(sender: string, endpoint: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([sender, endpoint, body]))
    .digest('hex');
}

export async function storedAnswer(
  db: Kysely<Tables>,
  participantId: string,
  key: string,
): Promise<Answer | undefined> {
  const row = await db
    .selectFrom('received_messages')
    .select(['status', 'response'])
    .where('participant_id', '=', participantId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? { status: row.status, body: JSON.parse(row.response) as unknown } : undefined;
}

/**
 * Handles a received message at most once. `work` makes the state change (and writes its outbox messages)
 * in the transaction it is given; its answer is stored in the same transaction, so the change and the
 * acknowledgement are persisted together before the sender hears anything. A repeated message — a retry
 * after a lost answer, or the same message racing itself — gets the stored answer and changes nothing.
 * A refusal thrown by `work` is not stored: nothing changed, and the same message may be valid later.
 * When another transaction changed the process under us (ProcessChanged: on PostgreSQL, say, our own
 * bookkeeping of the peer's answer racing the peer's next message), `work` runs again on what it left: the
 * sender must not be refused for a race of ours.
 */
export async function receiveOnce(
  db: Kysely<Tables>,
  participantId: string,
  key: string,
  at: Date,
  work: (trx: Kysely<Tables>) => Promise<Answer>,
  attempts = 5,
): Promise<{ answer: Answer; repeated: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await receiveAttempt(db, participantId, key, at, work);
    } catch (e) {
      if (!(e instanceof ProcessChanged) || attempt >= attempts) throw e;
    }
  }
}

async function receiveAttempt(
  db: Kysely<Tables>,
  participantId: string,
  key: string,
  at: Date,
  work: (trx: Kysely<Tables>) => Promise<Answer>,
): Promise<{ answer: Answer; repeated: boolean }> {
  // No look-up first: a repeat is rare, and it is found when its answer cannot be stored (or its work refused).
  try {
    const answer = await db.transaction().execute(async (trx) => {
      const a = await work(trx);
      const stored = await trx
        .insertInto('received_messages')
        .values({
          participant_id: participantId,
          key,
          status: a.status,
          response: JSON.stringify(a.body),
          created_at: at.toISOString(),
          ...pidsOf(a.body),
        })
        .onConflict((oc) => oc.columns(['participant_id', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(stored.numInsertedOrUpdatedRows ?? 0n) === 0) throw new AlreadyAnswered();
      return a;
    });
    return { answer, repeated: false };
  } catch (e) {
    // A repeat, or the twin that won the race, stored its answer; our attempt rolled back entirely.
    const earlier = await storedAnswer(db, participantId, key);
    if (earlier) return { answer: earlier, repeated: true };
    throw e;
  }
}

/** Rolls back the work of a message whose answer is already stored. */
class AlreadyAnswered extends Error {}

const pid = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** The pids a DSP answer names (negotiations and transfers both answer with their process). */
function pidsOf(body: unknown): { provider_pid: string | null; consumer_pid: string | null } {
  const b = (body ?? {}) as { providerPid?: unknown; consumerPid?: unknown };
  return { provider_pid: pid(b.providerPid), consumer_pid: pid(b.consumerPid) };
}

/** A table of processes whose rows name our pid in `id`, and the states in which they are finished. */
export interface ProcessTable {
  readonly table: 'negotiations' | 'transfers';
  readonly finished: readonly string[];
}

/**
 * Forgets received messages older than `before` unless their process is still open in one of `processes`: a
 * repeat of such a message could still arrive and must get the same answer; once the process ended, a late
 * repeat is refused as any message after a terminal state is. Returns how many went.
 */
export async function pruneReceived(
  db: Kysely<Tables>,
  before: Date,
  processes: readonly ProcessTable[],
): Promise<number> {
  const r = await db
    .deleteFrom('received_messages')
    .where(({ eb, and, not, exists, selectFrom, ref, or }) =>
      and([
        eb('created_at', '<', before.toISOString()),
        ...processes.map((p) =>
          not(
            exists(
              selectFrom(p.table)
                .select(sql.lit(1).as('open'))
                .whereRef(`${p.table}.participant_id`, '=', ref('received_messages.participant_id'))
                .where((q) =>
                  or([
                    q(`${p.table}.id`, '=', ref('received_messages.provider_pid')),
                    q(`${p.table}.id`, '=', ref('received_messages.consumer_pid')),
                  ]),
                )
                .where(`${p.table}.state`, 'not in', [...p.finished]),
            ),
          ),
        ),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
