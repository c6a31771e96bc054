import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Conformance, startConformance } from './harness.js';
import { expectMessage, expectRefusal, type NodeResponse } from './peer/client.js';
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

const send = {
  start: (p: Pids) => c.client.post(`/transfers/${p.providerPid}/start`, transfer.start(p)),
  complete: (p: Pids) => c.client.post(`/transfers/${p.providerPid}/completion`, transfer.completion(p)),
  suspend: (p: Pids) => c.client.post(`/transfers/${p.providerPid}/suspension`, transfer.suspension(p)),
  terminate: (p: Pids) => c.client.post(`/transfers/${p.providerPid}/termination`, transfer.termination(p)),
};

function ok(r: NodeResponse): void {
  expect(r.status, r.text).toBe(200);
}

async function refused(r: Promise<NodeResponse>, p: Pids, state: string): Promise<void> {
  const error = expectRefusal(await r, 'TransferError');
  expect(error.providerPid).toBe(p.providerPid);
  expect(await providerState(p)).toBe(state);
}

/** TP_01 and TP_02 run the same provider-driven sequences on their own agreements. */
function providerDriven(group: '01' | '02'): void {
  it(`TP:${group}-02: Verify transfer request, provider started, provider completed`, async () => {
    const p = await request(`ATP${group}02`);
    const [start] = await received(p, 'TransferStartMessage', 'TransferCompletionMessage');
    pullAddress(start as Json);
    expect(await providerState(p)).toBe('COMPLETED');
  });

  it(`TP:${group}-03: Verify transfer request, provider started, provider suspended, provider terminated`, async () => {
    const p = await request(`ATP${group}03`);
    await received(p, 'TransferStartMessage', 'TransferSuspensionMessage', 'TransferTerminationMessage');
    expect(await providerState(p)).toBe('TERMINATED');
  });

  it(`TP:${group}-04: Verify transfer request, provider started, provider suspended, provider started, provider completed`, async () => {
    const p = await request(`ATP${group}04`);
    await received(
      p,
      'TransferStartMessage',
      'TransferSuspensionMessage',
      'TransferStartMessage',
      'TransferCompletionMessage',
    );
    expect(await providerState(p)).toBe('COMPLETED');
  });

  it(`TP:${group}-05: Verify transfer request, provider terminated`, async () => {
    const p = await request(`ATP${group}05`);
    await received(p, 'TransferTerminationMessage');
    expect(await providerState(p)).toBe('TERMINATED');
  });
}

describe('TP_01: transfer request provider scenarios', () => {
  it('TP:01-01: Verify transfer request, provider started, provider terminated', async () => {
    const p = await request('ATP0101');
    const [start] = await received(p, 'TransferStartMessage', 'TransferTerminationMessage');
    pullAddress(start as Json);
    expect(await providerState(p)).toBe('TERMINATED');
  });
  providerDriven('01');
});

describe('TP_02: transfer request scenarios', () => {
  it('TP:02-01: Verify transfer request, provider started, consumer terminated', async () => {
    const p = await request('ATP0201');
    await received(p, 'TransferStartMessage');
    expect(await providerState(p)).toBe('STARTED');
    ok(await send.terminate(p));
    expect(await providerState(p)).toBe('TERMINATED');
  });
  providerDriven('02');
});

describe('TP_03: transfer request provider negative scenarios', () => {
  it('TP:03-01: Verify transfer request, consumer completed', async () => {
    const p = await request('ATP0301');
    expect(await providerState(p)).toBe('REQUESTED');
    await refused(send.complete(p), p, 'REQUESTED');
  });

  it('TP:03-02: Verify transfer request, consumer suspended', async () => {
    const p = await request('ATP0302');
    expect(await providerState(p)).toBe('REQUESTED');
    await refused(send.suspend(p), p, 'REQUESTED');
  });

  it('TP:03-03: Verify transfer request, provider started, consumer suspended, consumer completed', async () => {
    const p = await request('ATP0303');
    await received(p, 'TransferStartMessage');
    expect(await providerState(p)).toBe('STARTED');
    ok(await send.suspend(p));
    expect(await providerState(p)).toBe('SUSPENDED');
    await refused(send.complete(p), p, 'SUSPENDED');
  });

  for (const [id, verb, act] of [
    ['04', 'started', send.start],
    ['05', 'suspended', send.suspend],
    ['06', 'completed', send.complete],
  ] as const) {
    it(`TP:03-${id}: Verify transfer request, provider started, consumer terminated, consumer ${verb}`, async () => {
      const p = await request(`ATP03${id}`);
      await received(p, 'TransferStartMessage');
      expect(await providerState(p)).toBe('STARTED');
      ok(await send.terminate(p));
      expect(await providerState(p)).toBe('TERMINATED');
      await refused(act(p), p, 'TERMINATED');
    });
  }
});
