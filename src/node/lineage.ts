import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { buildLineage, type Lineage } from '../dataspace/audit/index.js';
import { NotFound } from '../errors/index.js';
import { type AuditRecord, findParticipant, heldReceiptsFor, type Tables } from '../store/index.js';

/**
 * This hop's tracking id for a local process: keyed by the node secret, so the counterparty — which knows the
 * process ids DSP exchanged — cannot compute it, and its own tracking id for the same exchange differs.
 */
export function trackingIdOf(nodeSecret: string, participantId: string, process: string): string {
  const mac = createHmac('sha256', nodeSecret).update(`audit-tracking\n${participantId}\n${process}`);
  return `trk_${mac.digest('base64url').slice(0, 22)}`;
}

const entries = (db: Kysely<Tables>, participantId: string) =>
  db.selectFrom('audit_log').selectAll().where('participant_id', '=', participantId);

/** The entries of an asset: its changes, and every access that sent it (the access names the asset). */
async function assetEntries(
  db: Kysely<Tables>,
  participantId: string,
  assetId: string,
): Promise<AuditRecord[]> {
  const own = await entries(db, participantId)
    .where('resource_type', '=', 'asset')
    .where('resource_id', '=', assetId)
    .orderBy('seq')
    .execute();
  const accesses = await entries(db, participantId)
    .where('action', 'in', ['dataplane.access', 'dataplane.push'])
    .where('outcome', '=', 'success')
    .orderBy('seq')
    .execute();
  const sent = accesses.filter((r) => (JSON.parse(r.details) as { assetId?: unknown }).assetId === assetId);
  return [...own, ...sent].sort((a, b) => a.seq - b.seq);
}

/**
 * `subject`: an entry's seq (its asset's or process's lineage), an asset id, or a process id (negotiation or
 * transfer). The lineage stops at the company boundary: the counterparty appears only as its receipts.
 */
export async function auditLineage(
  deps: { readonly db: Kysely<Tables>; readonly nodeSecret: string },
  participantId: string,
  subject: string,
): Promise<Lineage> {
  const { db } = deps;
  if (!(await findParticipant(db, participantId))) throw new NotFound('participant', participantId);
  let target = subject;
  if (/^\d+$/.test(subject)) {
    const entry = await entries(db, participantId).where('seq', '=', Number(subject)).executeTakeFirst();
    if (!entry) throw new NotFound('audit entry', subject);
    target = entry.resource_id;
  }
  let found = await assetEntries(db, participantId, target);
  if (found.length === 0) {
    found = await entries(db, participantId).where('resource_id', '=', target).orderBy('seq').execute();
  }
  if (found.length === 0) throw new NotFound('lineage subject', subject);
  const processes = [...new Set(found.filter((r) => r.resource_type !== 'asset').map((r) => r.resource_id))];
  const held = (await heldReceiptsFor(db, participantId, processes)).map((h) => ({
    id: h.id,
    processId: h.process_id ?? '',
    issuer: h.issuer,
    headSeq: h.head_seq,
    headHash: h.head_hash,
    at: h.at,
  }));
  return buildLineage(target, found, held, (p) => trackingIdOf(deps.nodeSecret, participantId, p));
}
