import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Decision, Scope, TraceEntry } from '../../dataspace/policy/index.js';
import type { Tables } from '../../store/index.js';

/** A usage-control decision kept with its process, trace included: for the local operator only. */
export interface StoredDecision {
  readonly processType: 'negotiation' | 'transfer';
  readonly processId: string;
  readonly scope: Scope;
  readonly permitted: boolean;
  readonly reasonCode: string;
  readonly purpose: string | null;
  readonly trace: readonly TraceEntry[];
  readonly at: string;
}

interface DecisionsTable {
  participant_id: string;
  id: string;
  process_type: string;
  process_id: string;
  scope: string;
  permitted: number;
  reason_code: string;
  purpose: string | null;
  trace: string;
  at: string;
}

const withDecisions = (db: Kysely<Tables>) => db.withTables<{ policy_decisions: DecisionsTable }>();

export async function recordDecision(
  db: Kysely<Tables>,
  participantId: string,
  process: { readonly type: 'negotiation' | 'transfer'; readonly id: string },
  scope: Scope,
  decision: Decision,
  purpose: string | undefined,
  at: Date,
): Promise<void> {
  await withDecisions(db)
    .insertInto('policy_decisions')
    .values({
      participant_id: participantId,
      id: randomUUID(),
      process_type: process.type,
      process_id: process.id,
      scope,
      permitted: decision.permitted ? 1 : 0,
      reason_code: decision.reasonCode,
      purpose: purpose ?? null,
      trace: JSON.stringify(decision.trace),
      at: at.toISOString(),
    })
    .execute();
}

/** The decisions made for one process, oldest first. */
export async function decisionsOf(
  db: Kysely<Tables>,
  participantId: string,
  processType: 'negotiation' | 'transfer',
  processId: string,
): Promise<StoredDecision[]> {
  const rows = await withDecisions(db)
    .selectFrom('policy_decisions')
    .selectAll()
    .where('participant_id', '=', participantId)
    .where('process_type', '=', processType)
    .where('process_id', '=', processId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    processType: r.process_type as 'negotiation' | 'transfer',
    processId: r.process_id,
    scope: r.scope as Scope,
    permitted: Number(r.permitted) === 1,
    reasonCode: r.reason_code,
    purpose: r.purpose,
    trace: JSON.parse(r.trace) as TraceEntry[],
    at: r.at,
  }));
}

/** The JSON schema of a stored decision in management answers. */
export const decisionView = {
  type: 'object',
  additionalProperties: false,
  properties: {
    scope: { type: 'string' },
    permitted: { type: 'boolean' },
    reasonCode: { type: 'string' },
    purpose: { type: ['string', 'null'] },
    trace: { type: 'array', items: { type: 'object', additionalProperties: true } },
    at: { type: 'string' },
  },
} as const;

/** A stored decision as management answers show it (the local operator's view, trace included). */
export function shownDecision(d: StoredDecision) {
  return {
    scope: d.scope,
    permitted: d.permitted,
    reasonCode: d.reasonCode,
    purpose: d.purpose,
    trace: d.trace.map((e) => ({ ...e }) as Record<string, unknown>),
    at: d.at,
  };
}
