import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Conformance, startConformance } from './harness.js';
import { expectMessage, expectRefusal } from './peer/client.js';
import { type Json, negotiation, type Pids } from './peer/messages.js';

/**
 * CN: the node is the provider, the conformance peer the consumer. Each scenario uses the dataset the TCK
 * is configured with (CN_xx_yy_DATASETID = ACNxxyy), whose script decides what the node does.
 */
let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => c?.stop());
afterEach(() => {
  expect(c.peer.violations).toEqual([]);
  c.peer.reset();
  acceptCallbacks();
});

/** The consumer callbacks answer 200 (DSP 2025-1 leaves their body unspecified). */
function acceptCallbacks(): void {
  c.peer.on(/^\/negotiations\/[^/]+\/(offers|agreement|events|termination)$/, () => ({ status: 200 }));
}
beforeAll(() => acceptCallbacks());

const offerOf = (dataset: string) => `CD123:${dataset}:456`;

/** TCK->>CUT: ContractRequestMessage, CUT-->>TCK: ContractNegotiation (201, REQUESTED). */
async function request(dataset: string): Promise<Pids> {
  const consumerPid = `urn:uuid:${randomUUID()}`;
  const message = negotiation.request({
    consumerPid,
    offerId: offerOf(dataset),
    target: dataset,
    callbackAddress: c.peer.address,
  });
  const ack = expectMessage(
    await c.client.post('/negotiations/request', message),
    201,
    'ContractNegotiation',
  );
  expect(ack.consumerPid).toBe(consumerPid);
  expect(ack.state).toBe('REQUESTED');
  return { providerPid: String(ack.providerPid), consumerPid };
}

/** The node's own account of the negotiation: GET /negotiations/:providerPid. */
async function providerState(p: Pids): Promise<string> {
  const body = expectMessage(
    await c.client.get(`/negotiations/${p.providerPid}`),
    200,
    'ContractNegotiation',
  );
  expect(body.providerPid).toBe(p.providerPid);
  expect(body.consumerPid).toBe(p.consumerPid);
  return String(body.state);
}

/** Waits for the node's next message of `type` about this negotiation, sent to its consumer callback. */
async function received(type: string, p: Pids, path: string): Promise<Json> {
  const m = await c.peer.next(type, (x) => x.body.consumerPid === p.consumerPid);
  expect(m.path).toBe(`/negotiations/${p.consumerPid}/${path}`);
  expect(m.body.providerPid).toBe(p.providerPid);
  return m.body;
}

const send = {
  terminate: (p: Pids) =>
    c.client.post(`/negotiations/${p.providerPid}/termination`, negotiation.termination(p)),
  accept: (p: Pids) => c.client.post(`/negotiations/${p.providerPid}/events`, negotiation.accepted(p)),
  verify: (p: Pids) =>
    c.client.post(`/negotiations/${p.providerPid}/agreement/verification`, negotiation.verification(p)),
  counter: (p: Pids, dataset: string) =>
    c.client.post(
      `/negotiations/${p.providerPid}/request`,
      negotiation.request({
        ...p,
        offerId: offerOf(dataset),
        target: dataset,
        callbackAddress: c.peer.address,
      }),
    ),
};

function ok(r: { status: number; text: string }): void {
  expect(r.status, r.text).toBe(200);
}

async function offered(p: Pids, dataset: string, settled = true): Promise<void> {
  const m = await received('ContractOfferMessage', p, 'offers');
  expect((m.offer as Json).target).toBe(dataset);
  // A script that moves on by itself (ACN0205 terminates after offering) leaves no OFFERED to observe.
  if (settled) expect(await providerState(p)).toBe('OFFERED');
}

async function agreed(p: Pids, dataset: string): Promise<void> {
  const m = await received('ContractAgreementMessage', p, 'agreement');
  const agreement = m.agreement as Json;
  expect(agreement.target).toBe(dataset);
  expect(agreement.assignee).toBe('TCK_PARTICIPANT');
  expect(await providerState(p)).toBe('AGREED');
}

async function finalized(p: Pids): Promise<void> {
  const m = await received('ContractNegotiationEventMessage', p, 'events');
  expect(m.eventType).toBe('FINALIZED');
  expect(await providerState(p)).toBe('FINALIZED');
}

async function terminatedByNode(p: Pids): Promise<void> {
  await received('ContractNegotiationTerminationMessage', p, 'termination');
  expect(await providerState(p)).toBe('TERMINATED');
}

async function terminatedByPeer(p: Pids): Promise<void> {
  ok(await send.terminate(p));
  expect(await providerState(p)).toBe('TERMINATED');
}

async function refused(
  r: Promise<Awaited<ReturnType<typeof send.verify>>>,
  p: Pids,
  state: string,
): Promise<void> {
  const error = expectRefusal(await r, 'ContractNegotiationError');
  expect(error.providerPid).toBe(p.providerPid);
  expect(await providerState(p)).toBe(state);
}

describe('CN_01: contract request scenarios', () => {
  it('CN:01-01: Verify contract request, offer received, consumer terminated', async () => {
    const p = await request('ACN0101');
    await offered(p, 'ACN0101');
    await terminatedByPeer(p);
  });

  it('CN:01-02: Verify contract request, offer received, consumer counter-offer, provider terminated', async () => {
    const p = await request('ACN0102');
    await offered(p, 'ACN0102');
    ok(await send.counter(p, 'ACN0102'));
    await terminatedByNode(p);
  });

  it('CN:01-03: Verify contract request, offer received, consumer accepted, provider agreement, consumer verified, provider finalized', async () => {
    const p = await request('ACN0103');
    await offered(p, 'ACN0103');
    ok(await send.accept(p));
    await agreed(p, 'ACN0103');
    ok(await send.verify(p));
    await finalized(p);
  });

  it('CN:01-04: Verify contract request, provider agreement, consumer verified, provider finalized', async () => {
    const p = await request('ACN0104');
    await agreed(p, 'ACN0104');
    ok(await send.verify(p));
    await finalized(p);
  });
});

describe('CN_02: provider test scenarios', () => {
  it('CN:02-01: Verify contract request, provider terminated', async () => {
    const p = await request('ACN0201');
    await terminatedByNode(p);
  });

  it('CN:02-02: Verify contract request, consumer terminated', async () => {
    const p = await request('ACN0202');
    await terminatedByPeer(p);
  });

  it('CN:02-03: Verify contract request, provider agreement, consumer terminated', async () => {
    const p = await request('ACN0203');
    await agreed(p, 'ACN0203');
    await terminatedByPeer(p);
  });

  it('CN:02-04: Verify contract request, offer received, consumer terminated', async () => {
    const p = await request('ACN0204');
    await offered(p, 'ACN0204');
    await terminatedByPeer(p);
  });

  it('CN:02-05: Verify contract request, offer received, provider terminated', async () => {
    const p = await request('ACN0205');
    await offered(p, 'ACN0205', false);
    await terminatedByNode(p);
  });

  it('CN:02-06: Verify contract request, offer received, consumer accepted, provider terminated', async () => {
    const p = await request('ACN0206');
    await offered(p, 'ACN0206');
    ok(await send.accept(p));
    await terminatedByNode(p);
  });

  it('CN:02-07: Verify contract request, provider agreement, consumer verified, provider terminated', async () => {
    const p = await request('ACN0207');
    await agreed(p, 'ACN0207');
    ok(await send.verify(p));
    await terminatedByNode(p);
  });
});

describe('CN_03: provider negative test scenarios', () => {
  it('CN:03-01: Verify contract request, provider agreement, consumer verified, provider finalized, invalid consumer terminated', async () => {
    const p = await request('ACN0301');
    await agreed(p, 'ACN0301');
    ok(await send.verify(p));
    await finalized(p);
    await refused(send.terminate(p), p, 'FINALIZED');
  });

  it('CN:03-02: Verify contract request, offer received, invalid consumer verified', async () => {
    const p = await request('ACN0302');
    await offered(p, 'ACN0302');
    await refused(send.verify(p), p, 'OFFERED');
  });

  it('CN:03-03: Verify contract request, offer received, consumer accepted, illegal consumer verified', async () => {
    const p = await request('ACN0303');
    await offered(p, 'ACN0303');
    ok(await send.accept(p));
    expect(await providerState(p)).toBe('ACCEPTED');
    await refused(send.verify(p), p, 'ACCEPTED');
  });

  it('CN:03-04: Verify contract request, offer received, consumer counter-offer (x2), provider terminated', async () => {
    const p = await request('ACN0304');
    await offered(p, 'ACN0304');
    ok(await send.counter(p, 'ACN0304'));
    expect(await providerState(p)).toBe('REQUESTED');
    await refused(send.counter(p, 'ACN0304'), p, 'REQUESTED');
  });
});
