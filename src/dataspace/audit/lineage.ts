import type { AuditRecord } from '../../store/index.js';

/**
 * CADDE-style lineage of one asset or process inside one company: what was Created, Sent and Received, and
 * at each company boundary only the counterparty's receipt (its DID and the chain head it vouched for) —
 * never the counterparty's own events, ids or partners. Tracking ids are local: made per hop from a secret
 * of this node, they mean nothing to the counterparty, which has its own for the same exchange.
 */
export type LineageKind = 'Created' | 'Sent' | 'Received' | 'Receipt';

export interface LineageNode {
  readonly id: string;
  readonly kind: LineageKind;
  readonly at: string;
  /** The local audit entry (Created, Sent, Received). */
  readonly seq?: number;
  readonly action?: string;
  /** The asset or process the event is about, as this participant names it. */
  readonly resource?: string;
  /** This hop's tracking id (local only). */
  readonly trackingId?: string;
  /** A Receipt: who signed it and which of its chain entries it anchors. */
  readonly counterparty?: string;
  readonly receipt?: { readonly id: string; readonly headSeq: number; readonly headHash: string };
}

export interface Lineage {
  readonly subject: string;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

/** A receipt the counterparty gave this participant, filed under the local process it answers. */
export interface HeldReceipt {
  readonly id: string;
  readonly processId: string;
  readonly issuer: string;
  readonly headSeq: number;
  readonly headHash: string;
  readonly at: string;
}

const detailsOf = (r: AuditRecord): Record<string, unknown> => {
  try {
    return JSON.parse(r.details) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/** What kind of lineage event an entry is, if any, and the asset or process it moves. */
export function lineageKind(r: AuditRecord): { kind: LineageKind; asset?: string } | undefined {
  const d = detailsOf(r);
  if (r.resource_type === 'asset' && (r.action === 'asset.create' || r.action === 'asset.update')) {
    return { kind: 'Created', asset: r.resource_id };
  }
  if ((r.action === 'dataplane.access' || r.action === 'dataplane.push') && r.outcome === 'success') {
    return { kind: 'Sent', ...(typeof d.assetId === 'string' ? { asset: d.assetId } : {}) };
  }
  if (r.action === 'transfer.started' || r.action === 'transfer.completed') {
    return d.role === 'consumer' ? { kind: 'Received' } : undefined;
  }
  return undefined;
}

/**
 * The DAG from entries (already narrowed to the subject) and the receipts held for their processes:
 * Created → Sent (same asset), Sent → Receipt and Receipt → Received (same process). One node per process
 * and kind: repeated pulls of one transfer are one Sent.
 */
export function buildLineage(
  subject: string,
  entries: readonly AuditRecord[],
  held: readonly HeldReceipt[],
  trackingId: (process: string) => string,
): Lineage {
  const nodes = new Map<string, LineageNode>();
  const edges: { from: string; to: string }[] = [];
  const created: string[] = [];
  const byProcess = new Map<string, { sent?: string; received?: string }>();
  for (const r of entries) {
    const k = lineageKind(r);
    if (!k) continue;
    if (k.kind === 'Created') {
      const id = `created:${r.seq}`;
      nodes.set(id, { id, kind: 'Created', at: r.at, seq: r.seq, action: r.action, resource: r.resource_id });
      created.push(id);
      continue;
    }
    const p = byProcess.get(r.resource_id) ?? {};
    byProcess.set(r.resource_id, p);
    const key = k.kind === 'Sent' ? 'sent' : 'received';
    if (p[key]) continue;
    const id = `${key}:${trackingId(r.resource_id)}`;
    p[key] = id;
    nodes.set(id, {
      id,
      kind: k.kind,
      at: r.at,
      seq: r.seq,
      action: r.action,
      resource: r.resource_id,
      trackingId: trackingId(r.resource_id),
    });
    if (k.kind === 'Sent') for (const c of created) edges.push({ from: c, to: id });
  }
  // The newest receipt per process and counterparty: the latest head it vouched for is the strongest anchor.
  const newest = new Map<string, HeldReceipt>();
  for (const h of held) {
    const key = `${h.processId}\n${h.issuer}`;
    const known = newest.get(key);
    if (!known || known.headSeq < h.headSeq) newest.set(key, h);
  }
  for (const h of newest.values()) {
    const p = byProcess.get(h.processId);
    if (!p) continue;
    const id = `receipt:${h.id}`;
    nodes.set(id, {
      id,
      kind: 'Receipt',
      at: h.at,
      counterparty: h.issuer,
      receipt: { id: h.id, headSeq: h.headSeq, headHash: h.headHash },
    });
    if (p.sent) edges.push({ from: p.sent, to: id });
    if (p.received) edges.push({ from: id, to: p.received });
  }
  return { subject, nodes: [...nodes.values()], edges };
}

/** The DAG as lines for a terminal: each node, then the edges. */
export function describeLineage(l: Lineage): string[] {
  const lines = [`lineage of ${l.subject}: ${l.nodes.length} events, ${l.edges.length} links`];
  for (const n of l.nodes) {
    const where =
      n.kind === 'Receipt'
        ? `receipt ${n.receipt?.id} from ${n.counterparty} (its entry ${n.receipt?.headSeq}); the lineage stops here`
        : `entry ${n.seq} ${n.action} ${n.resource}${n.trackingId ? ` [${n.trackingId}]` : ''}`;
    lines.push(`  ${n.kind.padEnd(8)} ${n.at}  ${where}`);
  }
  for (const e of l.edges) lines.push(`  ${e.from} → ${e.to}`);
  return lines;
}
