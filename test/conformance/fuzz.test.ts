import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutateText, pick, rng } from './fuzz/mutate.js';
import { type Conformance, startConformance } from './harness.js';
import { expectMessage } from './peer/client.js';
import { catalog, type Json, negotiation, type Pids, transfer } from './peer/messages.js';

/**
 * Bad input, at volume: thousands of mutated DSP messages (seeded, so a failure replays with
 * MUSUBI_FUZZ_SEED=<seed>) against the node's protocol endpoints. The node must never answer 5xx, and a
 * message it refuses must leave the process it names exactly as it was.
 */
const seed = Number(process.env.MUSUBI_FUZZ_SEED ?? 20250401);
const rounds = Number(process.env.MUSUBI_FUZZ_ROUNDS ?? 2000);

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
  c.peer.on(/^\/(negotiations|transfers)\//, () => ({ status: 200 }));
});
afterAll(async () => c?.stop());

interface Live {
  readonly kind: 'negotiations' | 'transfers';
  readonly pids: Pids;
  /** The dataset (negotiation) or agreement (transfer) it was opened on, to open a fresh one when it ends. */
  readonly on: string;
  state: string;
}

async function openNegotiation(dataset: string): Promise<Live> {
  const consumerPid = `urn:uuid:${randomUUID()}`;
  const m = negotiation.request({
    consumerPid,
    offerId: `CD123:${dataset}:456`,
    target: dataset,
    callbackAddress: c.peer.address,
  });
  const ack = expectMessage(await c.client.post('/negotiations/request', m), 201, 'ContractNegotiation');
  return {
    kind: 'negotiations',
    pids: { providerPid: String(ack.providerPid), consumerPid },
    on: dataset,
    state: '',
  };
}

async function openTransfer(agreementId: string): Promise<Live> {
  const consumerPid = `urn:uuid:${randomUUID()}`;
  const m = transfer.request({
    consumerPid,
    agreementId,
    format: 'HttpData-PULL',
    callbackAddress: c.peer.address,
  });
  const ack = expectMessage(await c.client.post('/transfers/request', m), 201, 'TransferProcess');
  return {
    kind: 'transfers',
    pids: { providerPid: String(ack.providerPid), consumerPid },
    on: agreementId,
    state: '',
  };
}

async function stateOf(l: Live): Promise<string> {
  const r = await c.client.get(`/${l.kind}/${l.pids.providerPid}`);
  expect(r.status, r.text).toBe(200);
  return String((r.body as Json).state);
}

/** Valid messages for a live process, each with the path it belongs at: the material the fuzzer mangles. */
function corpus(l: Live): { path: string; message: Json }[] {
  const p = l.pids;
  const at = (s: string) => `/${l.kind}/${p.providerPid}/${s}`;
  if (l.kind === 'negotiations')
    return [
      { path: at('events'), message: negotiation.accepted(p) },
      { path: at('agreement/verification'), message: negotiation.verification(p) },
      { path: at('termination'), message: negotiation.termination(p) },
      {
        path: at('request'),
        message: negotiation.request({
          ...p,
          offerId: `CD123:${l.on}:456`,
          target: l.on,
          callbackAddress: '',
        }),
      },
      {
        path: '/negotiations/request',
        message: negotiation.request({
          consumerPid: p.consumerPid,
          offerId: `CD123:${l.on}:456`,
          target: l.on,
          callbackAddress: c.peer.address,
        }),
      },
      { path: '/catalog/request', message: catalog.request() },
    ];
  return [
    { path: at('start'), message: transfer.start(p) },
    { path: at('completion'), message: transfer.completion(p) },
    { path: at('suspension'), message: transfer.suspension(p) },
    { path: at('termination'), message: transfer.termination(p) },
    {
      path: '/transfers/request',
      message: transfer.request({
        consumerPid: p.consumerPid,
        agreementId: l.on,
        format: 'HttpData-PULL',
        callbackAddress: c.peer.address,
      }),
    },
  ];
}

const terminal = new Set(['FINALIZED', 'TERMINATED', 'COMPLETED']);

/** One lane: a live process of its own, probed round after round; a process that ends is replaced. */
async function lane(
  k: number,
  open: () => Promise<Live>,
  rounds: number,
  statuses: Map<number, number>,
): Promise<void> {
  const r = rng(seed + k);
  let l = await open();
  l.state = await stateOf(l);
  for (let i = 0; i < rounds; i++) {
    const { path, message } = pick(r, corpus(l));
    const body = r() < 0.02 ? `{"pad":"${'x'.repeat(1_100_000)}"}` : mutateText(r, message);
    const target = r() < 0.05 ? path.replace(l.pids.providerPid, `urn:uuid:${randomUUID()}`) : path;
    const res = await c.client.postRaw(target, body, r() < 0.03 ? 'text/plain' : 'application/json');
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const where = `lane ${k} round ${i}: POST ${target} ${body.slice(0, 300)}`;
    if (res.status >= 500) throw new Error(`${where} → ${res.status}: ${res.text}`);
    const now = await stateOf(l);
    if (res.status >= 400 && now !== l.state)
      throw new Error(`${where} → refused (${res.status}) but ${l.state} became ${now}`);
    l.state = now;
    if (terminal.has(now)) {
      l = await open();
      l.state = await stateOf(l);
    }
  }
}

describe('bad input at volume', () => {
  it(`${rounds} mutated DSP messages: no 5xx, refused messages change nothing (seed ${seed})`, async () => {
    console.log(`fuzz seed ${seed} (replay with MUSUBI_FUZZ_SEED=${seed}), ${rounds} messages`);
    // Processes the scripts leave waiting on the counterparty, so most messages meet a live state; each
    // lane owns one, so lanes run side by side without racing each other's state checks.
    const opens: (() => Promise<Live>)[] = [
      () => openNegotiation('ACN0202'),
      () => openNegotiation('ACN0204'),
      () => openNegotiation('ACN0303'),
      () => openTransfer('ATP0301'),
      () => openTransfer('ATP0303'),
    ];
    const statuses = new Map<number, number>();
    const began = Date.now();
    await Promise.all(opens.map((o, k) => lane(k, o, Math.ceil(rounds / opens.length), statuses)));
    console.log(
      `fuzz: ${Date.now() - began} ms, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(rounds / 2);
  }, 240_000);
});
