import type { Kysely } from 'kysely';
import { type AuditContext, appendAudit, type Tables } from '../../store/index.js';

/**
 * The audit entry a management API change writes (create, update, delete of an offer, a policy…), written in
 * the caller's transaction so the change and its record commit together.
 */
export const changeAuditor =
  (resourceType: string) =>
  (
    db: Kysely<Tables>,
    participantId: string,
    actor: string,
    action: string,
    id: string,
    at: Date,
    context?: AuditContext,
  ) =>
    appendAudit(
      db,
      {
        participantId,
        actor,
        action,
        resourceType,
        resourceId: id,
        via: 'management-api',
        outcome: 'success',
        ...(context ? { context } : {}),
      },
      at,
    );
