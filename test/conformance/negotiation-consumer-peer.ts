import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type Conformance, startConformance, tckParticipant } from './harness.js';
import { expectMessage, expectRefusal, type NodeResponse } from './peer/client.js';
import { type Json, negotiation, type Pids } from './peer/messages.js';

/**
 * CN_C: the node is the consumer, the conformance peer the provider. The TCK signals the node through the
 * profile's initiate webhook with a dataset (CN_C_xx_yy_DATASETID = ACNCxxyy) whose script decides what the
 * node does; the offer id is the TCK's `offer<datasetId>`.
 */
let c: Conformance;
/** consumerPid → the node's callback address, learned from its ContractRequestMessage. */
const callbacks = new Map<string, string>();
/** consumerPid → the providerPid the peer answered with. */
const providerPids = new Map<string, string>();

function providerEndpoints(): void {
  c.peer.on(/^\/negotiations\/request$/, (m) => {
    const consumerPid = String(m.body.consumerPid);
    callbacks.set(consumerPid, String(m.body.callbackAddress));
    const providerPid = `urn:uuid:${randomUUID()}`;
    providerPids.set(consumerPid, providerPid);
    return { status: 201, body: negotiation.ack({ providerPid, consumerPid }, 'REQUESTED') };
  });
  c.peer.on(/^\/negotiations\/[^/]+\/(request|events|agreement\/verification|termination)$/, () => ({
    status: 200,
  }));
}

/** Starts the node and the conformance peer (as provider) around the calling test file. */
export function useProviderPeer(): void {
  beforeAll(async () => {
    c = await startConformance();
    providerEndpoints();
  });
  afterAll(async () => c?.stop());
  afterEach(() => {
    expect(c.peer.violations).toEqual([]);
    c.peer.reset();
    providerEndpoints();
  });
}

export interface Started extends Pids {
  readonly dataset: string;
  readonly callback: string;
}

/** TCK->>CUT: signal; CUT->>TCK: ContractRequestMessage; TCK-->>CUT: ContractNegotiation. */
export async function initiate(dataset: string, settled = true): Promise<Started> {
  const signal = {
    datasetId: dataset,
    offerId: `offer${dataset}`,
    providerId: tckParticipant,
    connectorAddress: c.peer.address,
  };
  const r = await c.client.postPlain(`${c.node.node.url}/dsp/tck/negotiations/requests`, signal);
  expect(r.status, r.text).toBe(200);
  const m = await c.peer.next('ContractRequestMessage', (x) => x.path === '/negotiations/request');
  const offer = m.body.offer as Json;
  expect(offer['@id']).toBe(`offer${dataset}`);
  expect(offer.target).toBe(dataset);
  const consumerPid = String(m.body.consumerPid);
  const providerPid = providerPids.get(consumerPid) ?? '';
  const started = { dataset, consumerPid, providerPid, callback: callbacks.get(consumerPid) ?? '' };
  // A script that moves on by itself (ACNC0202 terminates once answered) leaves no REQUESTED to observe.
  if (settled) expect(await consumerState(started)).toBe('REQUESTED');
  return started;
}

/** The node's own account: GET <callbackAddress>/negotiations/:consumerPid, as the TCK checks it. */
export async function consumerState(s: Started): Promise<string> {
  const body = expectMessage(
    await c.client.get(`/negotiations/${s.consumerPid}`, s.callback),
    200,
    'ContractNegotiation',
  );
  expect(body.consumerPid).toBe(s.consumerPid);
  return String(body.state);
}

export const to = (s: Started, path: string) => `${s.callback}/negotiations/${s.consumerPid}/${path}`;
export const send = {
  offer: (s: Started) =>
    c.client.postTo(
      to(s, 'offers'),
      negotiation.offer({ ...s, offerId: `offer${s.dataset}`, target: s.dataset, assigner: tckParticipant }),
    ),
  agreement: (s: Started) =>
    c.client.postTo(
      to(s, 'agreement'),
      negotiation.agreement({
        ...s,
        agreementId: `urn:uuid:${randomUUID()}`,
        target: s.dataset,
        assigner: tckParticipant,
        assignee: 'did:web:localhost',
        at: new Date(),
      }),
    ),
  finalized: (s: Started) => c.client.postTo(to(s, 'events'), negotiation.finalized(s)),
  terminate: (s: Started) => c.client.postTo(to(s, 'termination'), negotiation.termination(s)),
};

export function ok(r: NodeResponse): void {
  expect(r.status, r.text).toBe(200);
}

/** Waits for the node's next message of `type` about this negotiation, at its provider path. */
export async function received(type: string, s: Started, path: string): Promise<Json> {
  const m = await c.peer.next(type, (x) => x.body.consumerPid === s.consumerPid);
  expect(m.path).toBe(`/negotiations/${s.providerPid}/${path}`);
  expect(m.body.providerPid).toBe(s.providerPid);
  return m.body;
}

export async function offered(s: Started, settled = true): Promise<void> {
  ok(await send.offer(s));
  if (settled) expect(await consumerState(s)).toBe('OFFERED');
}

export async function accepted(s: Started): Promise<void> {
  const m = await received('ContractNegotiationEventMessage', s, 'events');
  expect(m.eventType).toBe('ACCEPTED');
  expect(await consumerState(s)).toBe('ACCEPTED');
}

export async function verified(s: Started): Promise<void> {
  await received('ContractAgreementVerificationMessage', s, 'agreement/verification');
  expect(await consumerState(s)).toBe('VERIFIED');
}

export async function terminatedByPeer(s: Started): Promise<void> {
  ok(await send.terminate(s));
  expect(await consumerState(s)).toBe('TERMINATED');
}

export async function terminatedByNode(s: Started): Promise<void> {
  await received('ContractNegotiationTerminationMessage', s, 'termination');
  expect(await consumerState(s)).toBe('TERMINATED');
}

export async function refused(r: Promise<NodeResponse>, s: Started, state: string): Promise<void> {
  const error = expectRefusal(await r, 'ContractNegotiationError');
  expect(error.consumerPid).toBe(s.consumerPid);
  expect(await consumerState(s)).toBe(state);
}
