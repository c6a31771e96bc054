import type { AuditRecord } from '../../store/index.js';

/**
 * One exported entry as a JSON line: every stored column, so an auditor can recompute each hash and check
 * each checkpoint without the database. `details` stays the exact stored string — re-serialising it could
 * change a byte and break the hash.
 */
export interface ExportLine {
  readonly participantId: string;
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly reason: string | null;
  readonly via: string;
  readonly outcome: string;
  readonly details: string;
  readonly prevHash: string | null;
  readonly hash: string;
  readonly signature: string | null;
  /** Present when personal fields were masked: the content hash can no longer be recomputed for this entry. */
  readonly masked?: readonly string[];
}

export function toExportLine(
  r: AuditRecord,
  mask?: (details: string) => { details: string; masked: string[] },
): ExportLine {
  const m = mask?.(r.details);
  return {
    participantId: r.participant_id,
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    reason: r.reason,
    via: r.via,
    outcome: r.outcome,
    details: m && m.masked.length > 0 ? m.details : r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
    signature: r.signature,
    ...(m && m.masked.length > 0 ? { masked: m.masked } : {}),
  };
}

const str = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Parses one export line back into a record; returns why it cannot, for a one-line CLI message. */
export function fromExportLine(text: string): { record: AuditRecord; masked: boolean } | { error: string } {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { error: 'not JSON' };
  }
  if (typeof v !== 'object' || v === null) return { error: 'not a JSON object' };
  const ok =
    str(v.participantId) &&
    Number.isInteger(v.seq) &&
    str(v.at) &&
    str(v.actor) &&
    str(v.action) &&
    str(v.resourceType) &&
    str(v.resourceId) &&
    strOrNull(v.reason) &&
    str(v.via) &&
    str(v.outcome) &&
    str(v.details) &&
    strOrNull(v.prevHash) &&
    str(v.hash) &&
    strOrNull(v.signature);
  if (!ok) return { error: 'not an audit export entry (a field is missing or has the wrong type)' };
  return {
    record: {
      participant_id: v.participantId as string,
      seq: v.seq as number,
      at: v.at as string,
      actor: v.actor as string,
      action: v.action as string,
      resource_type: v.resourceType as string,
      resource_id: v.resourceId as string,
      reason: v.reason as string | null,
      via: v.via as string,
      outcome: v.outcome as string,
      details: v.details as string,
      prev_hash: v.prevHash as string | null,
      hash: v.hash as string,
      signature: v.signature as string | null,
    },
    masked: Array.isArray(v.masked) && v.masked.length > 0,
  };
}
