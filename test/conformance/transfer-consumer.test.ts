import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Conformance, startConformance, tckParticipant } from './harness.js';
import { expectMessage, expectRefusal, type NodeResponse } from './peer/client.js';
import { type Pids, transfer } from './peer/messages.js';

/**
 * TP_C: the node is the consumer, the conformance peer the provider. The TCK signals the node through the
 * profile's transfer initiate webhook with one of the agreements the profile holds as consumer
 * (TP_C_xx_yy_AGREEMENTID = ATPCxxyy, format HttpData-PULL).
 */
let c: Conformance;
const callbacks = new Map<string, string>();
const providerPids = new Map<string, string>();

function providerEndpoints(): void {
  c.peer.on(/^\/transfers\/request$/, (m) => {
    const consumerPid = String(m.body.consumerPid);
    callbacks.set(consumerPid, String(m.body.callbackAddress));
    const providerPid = `urn:uuid:${randomUUID()}`;
    providerPids.set(consumerPid, providerPid);
    return { status: 201, body: transfer.ack({ providerPid, consumerPid }, 'REQUESTED') };
  });
  c.peer.on(/^\/transfers\/[^/]+\/(start|completion|suspension|termination)$/, () => ({ status: 200 }));
}

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

interface Started extends Pids {
  readonly callback: string;
}

/** TCK->>CUT: signal; CUT->>TCK: TransferRequestMessage; TCK-->>CUT: TransferProcess. */
async function initiate(agreementId: string, settled = true): Promise<Started> {
  const signal = {
    agreementId,
    format: 'HttpData-PULL',
    providerId: tckParticipant,
    connectorAddress: c.peer.address,
  };
  const r = await c.client.postPlain(`${c.node.node.url}/dsp/tck/transfers/requests`, signal);
  expect(r.status, r.text).toBe(200);
  const m = await c.peer.next('TransferRequestMessage', (x) => x.body.agreementId === agreementId);
  expect(m.path).toBe('/transfers/request');
  expect(m.body.format).toBe('HttpData-PULL');
  const consumerPid = String(m.body.consumerPid);
  const s = {
    consumerPid,
    providerPid: providerPids.get(consumerPid) ?? '',
    callback: callbacks.get(consumerPid) ?? '',
  };
  // A script that acts at once (ATPC0205 terminates right after the request) leaves no REQUESTED to observe.
  if (settled) expect(await consumerState(s)).toBe('REQUESTED');
  return s;
}

/** The node's own account: GET <callbackAddress>/transfers/:consumerPid, as the TCK checks it. */
async function consumerState(s: Started): Promise<string> {
  const body = expectMessage(
    await c.client.get(`/transfers/${s.consumerPid}`, s.callback),
    200,
    'TransferProcess',
  );
  expect(body.consumerPid).toBe(s.consumerPid);
  return String(body.state);
}

const to = (s: Started, path: string) => `${s.callback}/transfers/${s.consumerPid}/${path}`;
const send = {
  start: (s: Started) => c.client.postTo(to(s, 'start'), transfer.start(s, 'http://127.0.0.1:9/data/tck')),
  complete: (s: Started) => c.client.postTo(to(s, 'completion'), transfer.completion(s)),
  suspend: (s: Started) => c.client.postTo(to(s, 'suspension'), transfer.suspension(s)),
  terminate: (s: Started) => c.client.postTo(to(s, 'termination'), transfer.termination(s)),
};

function ok(r: NodeResponse): void {
  expect(r.status, r.text).toBe(200);
}

/** Sends a message the node must take, then checks where it stands (unless its script moves on at once). */
async function step(r: Promise<NodeResponse>, s: Started, state?: string): Promise<void> {
  ok(await r);
  if (state) expect(await consumerState(s)).toBe(state);
}

const paths: Record<string, string> = {
  TransferStartMessage: 'start',
  TransferCompletionMessage: 'completion',
  TransferSuspensionMessage: 'suspension',
  TransferTerminationMessage: 'termination',
};

/** The node's own messages to the provider, in order. */
async function received(s: Started, ...types: string[]): Promise<void> {
  for (const type of types) {
    const m = await c.peer.next(type, (x) => x.body.consumerPid === s.consumerPid);
    expect(m.path).toBe(`/transfers/${s.providerPid}/${paths[type]}`);
    expect(m.body.providerPid).toBe(s.providerPid);
  }
  const order = c.peer.inbox
    .filter((m) => m.body.consumerPid === s.consumerPid && m.type !== 'TransferRequestMessage')
    .map((m) => m.type);
  expect(order).toEqual(types);
}

async function refused(r: Promise<NodeResponse>, s: Started, state: string): Promise<void> {
  const error = expectRefusal(await r, 'TransferError');
  expect(error.consumerPid).toBe(s.consumerPid);
  expect(await consumerState(s)).toBe(state);
}

describe('TP_C_01: transfer request scenarios', () => {
  it('TP_C:01-01: Verify transfer request, provider started, provider terminated', async () => {
    const s = await initiate('ATPC0101');
    await step(send.start(s), s, 'STARTED');
    await step(send.terminate(s), s, 'TERMINATED');
  });

  it('TP_C:01-02: Verify transfer request, provider started, provider completed', async () => {
    const s = await initiate('ATPC0102');
    await step(send.start(s), s, 'STARTED');
    await step(send.complete(s), s, 'COMPLETED');
  });

  it('TP_C:01-03: Verify transfer request, provider started, provider suspended, provider terminated', async () => {
    const s = await initiate('ATPC0103');
    await step(send.start(s), s, 'STARTED');
    await step(send.suspend(s), s, 'SUSPENDED');
    await step(send.terminate(s), s, 'TERMINATED');
  });

  it('TP_C:01-04: Verify transfer request, provider started, provider suspended, provider started, provider completed', async () => {
    const s = await initiate('ATPC0104');
    await step(send.start(s), s, 'STARTED');
    await step(send.suspend(s), s, 'SUSPENDED');
    await step(send.start(s), s, 'STARTED');
    await step(send.complete(s), s, 'COMPLETED');
  });

  it('TP_C:01-05: Verify transfer request, provider terminated', async () => {
    const s = await initiate('ATPC0105');
    await step(send.terminate(s), s, 'TERMINATED');
  });
});

describe('TP_C_02: transfer request consumer scenarios', () => {
  it('TP_C:02-01: Verify transfer request, provider started, consumer terminated', async () => {
    const s = await initiate('ATPC0201');
    await step(send.start(s), s);
    await received(s, 'TransferTerminationMessage');
    expect(await consumerState(s)).toBe('TERMINATED');
  });

  it('TP_C:02-02: Verify transfer request, provider started, consumer completed', async () => {
    const s = await initiate('ATPC0202');
    await step(send.start(s), s);
    await received(s, 'TransferCompletionMessage');
    expect(await consumerState(s)).toBe('COMPLETED');
  });

  it('TP_C:02-03: Verify transfer request, provider started, consumer suspended, consumer terminated', async () => {
    const s = await initiate('ATPC0203');
    await step(send.start(s), s);
    await received(s, 'TransferSuspensionMessage', 'TransferTerminationMessage');
    expect(await consumerState(s)).toBe('TERMINATED');
  });

  it('TP_C:02-04: Verify transfer request, provider started, consumer suspended, consumer started, consumer completed', async () => {
    const s = await initiate('ATPC0204');
    await step(send.start(s), s);
    await received(s, 'TransferSuspensionMessage', 'TransferStartMessage', 'TransferCompletionMessage');
    expect(await consumerState(s)).toBe('COMPLETED');
  });

  it('TP_C:02-05: Verify transfer request, consumer terminated', async () => {
    const s = await initiate('ATPC0205', false);
    await received(s, 'TransferTerminationMessage');
    expect(await consumerState(s)).toBe('TERMINATED');
  });
});

describe('TP_C_03: transfer request consumer negative scenarios', () => {
  it('TP_C:03-01: Verify transfer request, provider completed', async () => {
    const s = await initiate('ATPC0301');
    await refused(send.complete(s), s, 'REQUESTED');
  });

  it('TP_C:03-02: Verify transfer request, provider suspended', async () => {
    const s = await initiate('ATPC0302');
    await refused(send.suspend(s), s, 'REQUESTED');
  });

  it('TP_C:03-03: Verify transfer request, provider started, provider suspended, provider completed', async () => {
    const s = await initiate('ATPC0303');
    await step(send.start(s), s, 'STARTED');
    await step(send.suspend(s), s, 'SUSPENDED');
    await refused(send.complete(s), s, 'SUSPENDED');
  });

  for (const [id, verb, act] of [
    ['04', 'started', send.start],
    ['05', 'suspended', send.suspend],
    ['06', 'completed', send.complete],
  ] as const) {
    it(`TP_C:03-${id}: Verify transfer request, provider started, provider terminated, provider ${verb}`, async () => {
      const s = await initiate(`ATPC03${id}`);
      await step(send.start(s), s, 'STARTED');
      await step(send.terminate(s), s, 'TERMINATED');
      await refused(act(s), s, 'TERMINATED');
    });
  }
});
