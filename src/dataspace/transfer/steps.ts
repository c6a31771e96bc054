import type { Role } from '../negotiation/index.js';
import { type TransferMessage, type TransferState, transferSteps } from './transfer.js';

/** Pure rules around the transfer table: who is awaited, where messages go, which endpoint takes what. */

export const peerOf = (role: Role): Role => (role === 'provider' ? 'consumer' : 'provider');

/** Formats this node serves; PUSH needs the consumer's dataAddress in the request. */
export const transferFormats = ['HttpData-PULL', 'HttpData-PUSH'] as const;

/** The DataAddress endpoint type DSP examples use for HTTP. */
export const httpEndpointType = 'https://w3id.org/idsa/v4.1/HTTP';

/**
 * Whether, in this state, only the counterparty can move the process on (so the waiting deadline applies): a
 * consumer waiting in REQUESTED for the provider to start. STARTED has its own rule (startedWaitsOnPeer);
 * SUSPENDED (either side may resume, often a person) is exempt.
 */
export function waitsOnPeer(state: TransferState, role: Role): boolean {
  const peer = peerOf(role);
  const next = transferSteps.filter((s) => s.from === state && s.message !== 'TransferTerminationMessage');
  return next.length > 0 && next.every((s) => s.sender === peer);
}

/**
 * A provider whose pull of finite data started waits for the consumer to fetch it and complete. A stream
 * (non-finite data) runs until someone ends it, and a push is completed by the provider's own data plane; a
 * consumer in STARTED completes it itself. Those are exempt.
 */
export function startedWaitsOnPeer(t: TransferShape): boolean {
  return t.state === 'STARTED' && t.role === 'provider' && t.format === 'HttpData-PULL' && t.finite;
}

/** What decides a transfer's deadline. */
export interface TransferShape {
  readonly state: TransferState;
  readonly role: Role;
  readonly format: string;
  readonly finite: boolean;
}

/** How long each kind of wait on the counterparty lasts before the transfer is terminated; 0 = for ever. */
export interface TransferDeadlines {
  /** REQUESTED, waiting for the provider to start. */
  readonly waitingMs: number;
  /** STARTED, a finite pull waiting for the consumer to complete. */
  readonly startedMs: number;
}

export function deadlineFor(t: TransferShape, at: Date, d: TransferDeadlines): string | null {
  const ms = startedWaitsOnPeer(t) ? d.startedMs : waitsOnPeer(t.state, t.role) ? d.waitingMs : 0;
  return ms > 0 ? new Date(at.getTime() + ms).toISOString() : null;
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
