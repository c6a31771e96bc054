import type { Role } from '../negotiation/index.js';
import { type TransferMessage, type TransferState, transferSteps } from './transfer.js';

/** Pure rules around the transfer table: who is awaited, where messages go, which endpoint takes what. */

export const peerOf = (role: Role): Role => (role === 'provider' ? 'consumer' : 'provider');

/** Formats this node serves; PUSH needs the consumer's dataAddress in the request. */
export const transferFormats = ['HttpData-PULL', 'HttpData-PUSH'] as const;

/** The DataAddress endpoint type DSP examples use for HTTP. */
export const httpEndpointType = 'https://w3id.org/idsa/v4.1/HTTP';

/**
 * Whether, in this state, only the counterparty can move the process on (so a deadline applies): a consumer
 * waiting in REQUESTED for the provider to start. STARTED (data may be non-finite) and SUSPENDED (either side
 * may resume, often a person) are exempt.
 */
export function waitsOnPeer(state: TransferState, role: Role): boolean {
  const peer = peerOf(role);
  const next = transferSteps.filter((s) => s.from === state && s.message !== 'TransferTerminationMessage');
  return next.length > 0 && next.every((s) => s.sender === peer);
}

export function deadlineFor(state: TransferState, role: Role, at: Date, deadlineMs: number): string | null {
  if (deadlineMs <= 0 || !waitsOnPeer(state, role)) return null;
  return new Date(at.getTime() + deadlineMs).toISOString();
}

const suffixes: Readonly<Record<TransferMessage, string>> = {
  TransferRequestMessage: 'request',
  TransferStartMessage: 'start',
  TransferCompletionMessage: 'completion',
  TransferSuspensionMessage: 'suspension',
  TransferTerminationMessage: 'termination',
};

/** The endpoint a message goes to below the peer's DSP base (provider) or callback address (consumer). */
export function messagePath(message: TransferMessage, peerPid: string): string {
  if (message === 'TransferRequestMessage') return '/transfers/request';
  return `/transfers/${encodeURIComponent(peerPid)}/${suffixes[message]}`;
}

/** The message an endpoint (`start`, `completion` …) accepts. */
export function messageOfEndpoint(endpoint: string): TransferMessage | undefined {
  return (Object.keys(suffixes) as TransferMessage[]).find(
    (m) => m !== 'TransferRequestMessage' && suffixes[m] === endpoint,
  );
}

export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** A callback address we are willing to send to: absolute http(s), no credentials. */
export function isCallbackAddress(address: string): boolean {
  try {
    const u = new URL(address);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
}
