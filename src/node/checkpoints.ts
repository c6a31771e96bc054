import { checkpointAction } from '../dataspace/audit/index.js';
import { onAuditAppended } from '../store/index.js';
import { writeCheckpoint } from './audit.js';
import type { NodeContext } from './context.js';

/**
 * The automatic checkpoint policy: a participant's chain is signed after `auditCheckpointEntries` new entries,
 * or `auditCheckpointSeconds` after the first entry no checkpoint covers yet. Driven by the appends themselves
 * (no polling): an idle node has no timer armed and runs no query. Counts start at zero when the node starts,
 * so the first checkpoint after a restart may come up to N entries later than a stored count would say.
 */
export function autoCheckpoints(ctx: NodeContext): { stop: () => Promise<void> } {
  const everyEntries = ctx.config.auditCheckpointEntries;
  const everyMs = ctx.config.auditCheckpointSeconds * 1000;
  const since = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();
  const writing = new Map<string, Promise<void>>();
  let stopped = false;

  const disarm = (p: string) => {
    clearTimeout(timers.get(p));
    timers.delete(p);
  };
  const write = (p: string) => {
    disarm(p);
    if (stopped || writing.has(p)) return;
    const done = writeCheckpoint(ctx.participants, p, 'audit-policy')
      .then(
        (r) => ctx.logger.debug({ participantId: p, seq: r.seq }, 'audit checkpoint signed'),
        (err) => ctx.logger.error({ err, participantId: p }, 'audit checkpoint failed'),
      )
      .finally(() => writing.delete(p));
    writing.set(p, done);
  };
  const unsubscribe =
    everyEntries > 0 || everyMs > 0
      ? onAuditAppended(ctx.db, (r) => {
          const p = r.participant_id;
          if (r.action === checkpointAction) {
            since.set(p, 0);
            disarm(p);
            return;
          }
          const n = (since.get(p) ?? 0) + 1;
          since.set(p, n);
          // Outside the appender's transaction: the checkpoint waits for it and signs what it committed.
          if (everyEntries > 0 && n >= everyEntries) setImmediate(() => write(p));
          else if (everyMs > 0 && !timers.has(p)) timers.set(p, setTimeout(() => write(p), everyMs).unref());
        })
      : () => true;
  return {
    stop: async () => {
      stopped = true;
      unsubscribe();
      for (const p of [...timers.keys()]) disarm(p);
      await Promise.all(writing.values());
    },
  };
}
