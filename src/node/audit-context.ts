import { participantDid } from '../dataspace/identity/index.js';
import type { AuditContext, AuditContextDefaults, AuditEntry } from '../store/index.js';
import { trackingIdOf } from './lineage.js';

/** What a node knows about itself that every audit entry's 5W1H needs. */
export interface AuditOrigin {
  readonly defaultParticipantId: string;
  readonly nodeSecret: string;
  /** host[:port] as peers reach it (the DIDs' host). */
  readonly host: () => string;
  /** Base URL as peers reach it. */
  readonly url: () => string;
}

/** how (protocol, format) and where (the endpoint under the participant's root) of each channel (`via`). */
const channels: Readonly<Record<string, { path: string; protocol: string; format: string }>> = {
  dsp: { path: '/dsp/2025-1', protocol: 'DSP 2025-1 over HTTPS', format: 'application/ld+json' },
  'data-plane': {
    path: '/data',
    protocol: 'HTTP data plane (HttpData-PULL)',
    format: 'application/octet-stream',
  },
  'management-api': {
    path: '/management/v1',
    protocol: 'management API v1 over HTTPS',
    format: 'application/json',
  },
  management: {
    path: '/management/v1',
    protocol: 'management API v1 over HTTPS',
    format: 'application/json',
  },
  dcp: { path: '/dcp', protocol: 'DCP 1.0 over HTTPS', format: 'application/vc+jwt' },
  'audit-receipt': {
    path: '/audit/receipts',
    protocol: 'audit receipts over HTTPS',
    format: 'application/jose',
  },
};

/** Channels a person drives (their actor is the operator); the rest the node runs for the participant. */
const operated = new Set(['management-api', 'management', 'cli', 'node-start']);

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The 5W1H every entry gets from the node (callers add what only they know): who — the participant's DID and
 * the operator; where — this node and the endpoint of the channel; why — the agreement, policy and purpose the
 * entry's own details or resource name; how — the channel's protocol and the format; and the hop's tracking id
 * for a process (a negotiation or transfer), computed here, never sent.
 */
export function auditContextDefaults(o: AuditOrigin): AuditContextDefaults {
  return (e: AuditEntry): AuditContext => {
    const isDefault = e.participantId === o.defaultParticipantId;
    const root = `${o.url().replace(/\/+$/, '')}${isDefault ? '' : `/p/${encodeURIComponent(e.participantId)}`}`;
    const channel = channels[e.via];
    const d = e.details ?? {};
    const agreementId = text(d.agreementId) ?? (e.resourceType === 'agreement' ? e.resourceId : undefined);
    const policyId =
      text(d.policyId) ??
      text(d.contractPolicyId) ??
      (e.resourceType === 'policy' ? e.resourceId : undefined);
    const purpose = text(d.purpose);
    const process = e.resourceType === 'transfer' || e.resourceType === 'negotiation';
    return {
      participantDid: participantDid(o.host(), e.participantId, isDefault),
      operator: operated.has(e.via) ? e.actor : 'system',
      node: o.host(),
      endpoint: channel ? `${root}${channel.path}` : `internal:${e.via}`,
      ...(purpose ? { purpose } : {}),
      ...(agreementId ? { agreementId } : {}),
      ...(policyId ? { policyId } : {}),
      protocol: channel?.protocol ?? `internal (${e.via})`,
      format: text(d.format) ?? channel?.format ?? 'application/json',
      ...(process ? { trackingId: trackingIdOf(o.nodeSecret, e.participantId, e.resourceId) } : {}),
    };
  };
}
