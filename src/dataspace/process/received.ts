import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';

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
 */
export async function receiveOnce(
  db: Kysely<Tables>,
  participantId: string,
  key: string,
  at: Date,
  work: (trx: Kysely<Tables>) => Promise<Answer>,
): Promise<{ answer: Answer; repeated: boolean }> {
  const earlier = await storedAnswer(db, participantId, key);
  if (earlier) return { answer: earlier, repeated: true };
  try {
    const answer = await db.transaction().execute(async (trx) => {
      const a = await work(trx);
      await trx
        .insertInto('received_messages')
        .values({
          participant_id: participantId,
          key,
          status: a.status,
          response: JSON.stringify(a.body),
          created_at: at.toISOString(),
        })
        .execute();
      return a;
    });
    return { answer, repeated: false };
  } catch (e) {
    // The twin that won the race stored its answer; ours rolled back entirely.
    const winner = await storedAnswer(db, participantId, key);
    if (winner) return { answer: winner, repeated: true };
    throw e;
  }
}
