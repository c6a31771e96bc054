/**
 * NOT YET PASSING (kept out of the run; see docs/conformance.md): a scripted sequence that ends in a
 * termination loses the messages queued before it in the same step — the outbox's termination supersedes
 * them, so the consumer never sees the start (and suspension).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Conformance, startConformance } from './harness.js';
import { expectMessage } from './peer/client.js';
import { type Json, type Pids, transfer } from './peer/messages.js';

/**
 * TP: the node is the provider, the conformance peer the consumer, on the FINALIZED agreements the profile
 * seeds with TCK_PARTICIPANT (TP_xx_yy_AGREEMENTID = ATPxxyy, format HttpData-PULL); each agreement's script
 * decides what the node does after the request.
 */
let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
  consumerCallbacks();
});
afterAll(async () => c?.stop());
afterEach(() => {
  expect(c.peer.violations).toEqual([]);
  c.peer.reset();
  consumerCallbacks();
});

function consumerCallbacks(): void {
  c.peer.on(/^\/transfers\/[^/]+\/(start|completion|suspension|termination)$/, () => ({ status: 200 }));
}

/** TCK->>CUT: TransferRequestMessage, CUT-->>TCK: TransferProcess (201, REQUESTED). */
async function request(agreementId: string): Promise<Pids> {
  const consumerPid = `urn:uuid:${randomUUID()}`;
  const m = transfer.request({
    consumerPid,
    agreementId,
    format: 'HttpData-PULL',
    callbackAddress: c.peer.address,
  });
  const ack = expectMessage(await c.client.post('/transfers/request', m), 201, 'TransferProcess');
  expect(ack.consumerPid).toBe(consumerPid);
  expect(ack.state).toBe('REQUESTED');
  return { providerPid: String(ack.providerPid), consumerPid };
}

async function providerState(p: Pids): Promise<string> {
  const body = expectMessage(await c.client.get(`/transfers/${p.providerPid}`), 200, 'TransferProcess');
  expect(body.providerPid).toBe(p.providerPid);
  expect(body.consumerPid).toBe(p.consumerPid);
  return String(body.state);
}

const paths: Record<string, string> = {
  TransferStartMessage: 'start',
  TransferCompletionMessage: 'completion',
  TransferSuspensionMessage: 'suspension',
  TransferTerminationMessage: 'termination',
};

/** The node's messages to the consumer callback, in the order it sent them. */
async function received(p: Pids, ...types: string[]): Promise<Json[]> {
  const out: Json[] = [];
  for (const type of types) {
    const m = await c.peer.next(type, (x) => x.body.consumerPid === p.consumerPid);
    expect(m.path).toBe(`/transfers/${p.consumerPid}/${paths[type]}`);
    expect(m.body.providerPid).toBe(p.providerPid);
    out.push(m.body);
  }
  // Scripted steps must arrive in their order (a start after its suspension would be another protocol).
  const order = c.peer.inbox
    .filter((m) => m.body.consumerPid === p.consumerPid)
    .map((m) => m.type)
    .slice(0, types.length);
  expect(order).toEqual(types);
  return out;
}

/** A PULL transfer's start tells the consumer where and how to fetch the data. */
function pullAddress(start: Json): void {
  const address = start.dataAddress as Json | undefined;
  expect(address?.endpoint).toEqual(expect.any(String));
}

describe('TP: not yet passing', () => {
  it('TP:01-01: Verify transfer request, provider started, provider terminated', async () => {
    const p = await request('ATP0101');
    const [start] = await received(p, 'TransferStartMessage', 'TransferTerminationMessage');
    pullAddress(start as Json);
    expect(await providerState(p)).toBe('TERMINATED');
  });

  for (const group of ['01', '02'] as const) {
    it(`TP:${group}-03: Verify transfer request, provider started, provider suspended, provider terminated`, async () => {
      const p = await request(`ATP${group}03`);
      await received(p, 'TransferStartMessage', 'TransferSuspensionMessage', 'TransferTerminationMessage');
      expect(await providerState(p)).toBe('TERMINATED');
    });
  }
});
