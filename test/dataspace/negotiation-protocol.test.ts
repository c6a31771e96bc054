import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsonld from 'jsonld';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledContexts } from '../../src/dataspace/protocol/index.js';
import { dspAuthHeaders } from '../../src/node/counterparty.js';
import { runCli } from '../support/cli.js';
import type { TestNode } from '../support/node.js';
import {
  api,
  assertDsp,
  eventually,
  loopbackNode,
  negotiationState,
  publishOffer,
  useOffer,
} from './two-node-support.js';

/** A consumer's callback endpoint that records every message and answers as told. */
async function recorder() {
  const received: { path: string; body: Record<string, unknown> }[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => {
      text += d;
    });
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      received.push({ path: req.url ?? '', body });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
          '@type': 'ContractNegotiation',
          providerPid: body.providerPid,
          consumerPid: body.consumerPid,
          state: 'AGREED',
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    received,
    answerWith: (s: number) => {
      status = s;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('negotiation endpoints, driven message by message', () => {
  let provider: TestNode & { did: string };
  let hasty: TestNode & { did: string };
  let consumer: TestNode & { did: string };
  let peer: Awaited<ReturnType<typeof recorder>>;
  let seq = 0;

  beforeAll(async () => {
    provider = await loopbackNode();
    hasty = await loopbackNode({ processDeadlineMs: 800 });
    consumer = await loopbackNode();
    await publishOffer(provider);
    await publishOffer(hasty);
    peer = await recorder();
  });
  afterAll(async () => {
    await peer?.close();
    await Promise.all([provider?.stop(), hasty?.stop(), consumer?.stop()]);
  });

  /** Posts a DSP message to `to` as the consumer node's participant (a real signed token). */
  async function dsp(
    to: TestNode & { did: string },
    path: string,
    body: unknown,
    method = 'POST',
    as = consumer,
  ) {
    const ctx = as.node.context;
    const auth = await dspAuthHeaders(ctx, ctx.config.defaultParticipantId, to.did);
    const res = await fetch(`${to.node.url}/dsp/2025-1${path}`, {
      method,
      headers: { ...auth, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const request = (consumerPid: string, offer: Record<string, unknown> = useOffer) => ({
    '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
    '@type': 'ContractRequestMessage',
    consumerPid,
    offer: { '@type': 'Offer', ...offer },
    callbackAddress: peer.url,
  });
  const pids = (providerPid: unknown, consumerPid: string) => ({
    '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
    providerPid,
    consumerPid,
  });
  const received = (type: string, consumerPid: string) =>
    peer.received.find((m) => m.body['@type'] === type && m.body.consumerPid === consumerPid);

  it('answers a ContractRequestMessage with 201 REQUESTED, then sends a schema-valid agreement to the callback', async () => {
    const cpid = `urn:uuid:consumer-${++seq}`;
    const msg = request(cpid);
    assertDsp('contract-request-message', msg);
    const res = await dsp(provider, '/negotiations/request', msg);
    expect(res.status).toBe(201);
    assertDsp('contract-negotiation', res.body);
    expect(res.body).toMatchObject({ consumerPid: cpid, state: 'REQUESTED' });
    const agreement = await eventually(
      'agreement sent',
      async () => received('ContractAgreementMessage', cpid),
      Boolean,
    );
    assertDsp('contract-agreement-message', agreement?.body);
    expect(agreement?.path).toBe(`/callback/negotiations/${encodeURIComponent(cpid)}/agreement`);

    const again = await dsp(provider, '/negotiations/request', msg);
    expect(again).toEqual(res); // a repeated message gets the same answer
    const view = await dsp(provider, `/negotiations/${res.body.providerPid}`, undefined, 'GET');
    expect(view.status).toBe(200);
    assertDsp('contract-negotiation', view.body);
    expect(view.body.state).toBe('AGREED');

    // verification → VERIFIED, and the provider finalizes
    const verified = await dsp(provider, `/negotiations/${res.body.providerPid}/agreement/verification`, {
      '@type': 'ContractAgreementVerificationMessage',
      ...pids(res.body.providerPid, cpid),
    });
    expect(verified.status).toBe(200);
    expect(verified.body.state).toBe('VERIFIED');
    const finalized = await eventually(
      'FINALIZED event sent',
      async () => received('ContractNegotiationEventMessage', cpid),
      Boolean,
    );
    assertDsp('contract-negotiation-event-message', finalized?.body);
    expect(finalized?.body.eventType).toBe('FINALIZED');
    expect((await dsp(provider, `/negotiations/${res.body.providerPid}`, undefined, 'GET')).body.state).toBe(
      'FINALIZED',
    );

    // nothing leaves a terminal state
    const late = await dsp(provider, `/negotiations/${res.body.providerPid}/termination`, {
      '@type': 'ContractNegotiationTerminationMessage',
      ...pids(res.body.providerPid, cpid),
      code: 'too-late',
    });
    expect(late.status).toBe(400);
    assertDsp('contract-negotiation-error', late.body);
    expect((await negotiationState(provider, String(res.body.providerPid))).state).toBe('FINALIZED');
  });

  it('refuses invalid transitions, wrong endpoints and bad bodies with 4xx ContractNegotiationError, changing nothing', async () => {
    const cpid = `urn:uuid:consumer-${++seq}`;
    const res = await dsp(provider, '/negotiations/request', request(cpid));
    const ppid = String(res.body.providerPid);
    await eventually(
      'AGREED',
      () => negotiationState(provider, ppid),
      (n) => n.state === 'AGREED',
    );
    const cases: [string, unknown, number][] = [
      // a consumer may not send FINALIZED
      [
        `/negotiations/${ppid}/events`,
        { '@type': 'ContractNegotiationEventMessage', ...pids(ppid, cpid), eventType: 'FINALIZED' },
        400,
      ],
      // a verification is not an event
      [
        `/negotiations/${ppid}/events`,
        { '@type': 'ContractAgreementVerificationMessage', ...pids(ppid, cpid) },
        400,
      ],
      // pids that do not belong together
      [
        `/negotiations/${ppid}/agreement/verification`,
        { '@type': 'ContractAgreementVerificationMessage', ...pids(ppid, 'urn:uuid:someone-else') },
        400,
      ],
      // malformed JSON and a schema-invalid message
      [`/negotiations/${ppid}/termination`, '{"@type": "ContractNegotiationTerminationMessage",', 400],
      [
        `/negotiations/${ppid}/termination`,
        { '@type': 'ContractNegotiationTerminationMessage', providerPid: ppid },
        400,
      ],
      // an unknown process
      [
        '/negotiations/urn:uuid:nobody/agreement/verification',
        { '@type': 'ContractAgreementVerificationMessage', ...pids('urn:uuid:nobody', cpid) },
        404,
      ],
    ];
    for (const [path, body, status] of cases) {
      const r = await dsp(provider, path, body);
      expect({ path, status: r.status }).toEqual({ path, status });
      assertDsp('contract-negotiation-error', r.body);
    }
    expect((await negotiationState(provider, ppid)).state).toBe('AGREED');

    // another counterparty's process is as unknown as a missing one
    const foreign = await dsp(provider, `/negotiations/${ppid}`, undefined, 'GET', hasty);
    expect(foreign.status).toBe(404);
    assertDsp('contract-negotiation-error', foreign.body);
  });

  it('refuses an offer that is unknown or differs from the published one, creating nothing', async () => {
    const before = (await api<unknown[]>(provider, 'GET', '/negotiations?limit=1000')).body.length;
    const unknown = await dsp(
      provider,
      '/negotiations/request',
      request(`urn:uuid:consumer-${++seq}`, { ...useOffer, '@id': 'no-such-offer' }),
    );
    expect(unknown.status).toBe(400);
    assertDsp('contract-negotiation-error', unknown.body);
    const altered = await dsp(
      provider,
      '/negotiations/request',
      request(`urn:uuid:consumer-${++seq}`, { ...useOffer, permission: [{ action: 'use' }] }),
    );
    expect(altered.status).toBe(400);
    expect(String((altered.body.reason as string[])[0])).toMatch(/rules differ/);
    expect((await api<unknown[]>(provider, 'GET', '/negotiations?limit=1000')).body.length).toBe(before);
  });

  it('terminates a negotiation whose consumer swallows the agreement when the deadline passes, and tells it', async () => {
    const cpid = `urn:uuid:consumer-${++seq}`;
    const res = await dsp(hasty, '/negotiations/request', request(cpid));
    const ppid = String(res.body.providerPid);
    const ended = await eventually(
      'deadline',
      () => negotiationState(hasty, ppid),
      (n) => n.state === 'TERMINATED',
    );
    expect(ended).toMatchObject({ reasonCode: 'deadline-passed', deadlineAt: null });
    const told = await eventually(
      'termination sent',
      async () => received('ContractNegotiationTerminationMessage', cpid),
      Boolean,
    );
    assertDsp('contract-negotiation-termination-message', told?.body);
    expect(told?.body).toMatchObject({ providerPid: ppid, code: 'deadline-passed' });
  });

  it('terminates when the consumer refuses our message, and by the provider participant through the management API', async () => {
    peer.answerWith(400);
    const cpid = `urn:uuid:consumer-${++seq}`;
    const res = await dsp(provider, '/negotiations/request', request(cpid));
    const ppid = String(res.body.providerPid);
    const ended = await eventually(
      'refused',
      () => negotiationState(provider, ppid),
      (n) => n.state === 'TERMINATED',
    );
    expect(ended.reasonCode).toBe('delivery-failed');
    peer.answerWith(200);

    const cpid2 = `urn:uuid:consumer-${++seq}`;
    const res2 = await dsp(provider, '/negotiations/request', request(cpid2));
    const ppid2 = String(res2.body.providerPid);
    await eventually(
      'AGREED',
      () => negotiationState(provider, ppid2),
      (n) => n.state === 'AGREED',
    );
    const t = await api(provider, 'POST', `/negotiations/${encodeURIComponent(ppid2)}/terminate`, {
      reason: '契約条件の見直し',
    });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({
      state: 'TERMINATED',
      reasonCode: 'terminated-by-user',
      reason: '契約条件の見直し',
    });
    const told = await eventually(
      'termination sent',
      async () => received('ContractNegotiationTerminationMessage', cpid2),
      Boolean,
    );
    assertDsp('contract-negotiation-termination-message', told?.body);
    expect(told?.body.reason).toEqual(['契約条件の見直し']);
  });

  it('opens a consumer-side negotiation from a provider offer (201 OFFERED), serves GET, and runs accept → agreement → verification → FINALIZED', async () => {
    const offer = {
      '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
      '@type': 'ContractOfferMessage',
      providerPid: `urn:uuid:provider-${++seq}`,
      offer: { '@type': 'Offer', ...useOffer },
      callbackAddress: peer.url,
    };
    assertDsp('contract-offer-message', offer);
    const res = await dsp(provider, '/negotiations/offers', offer);
    expect(res.status).toBe(201);
    assertDsp('contract-negotiation', res.body);
    expect(res.body.state).toBe('OFFERED');
    const view = await dsp(provider, `/negotiations/${res.body.consumerPid}`, undefined, 'GET');
    expect(view.body).toEqual(res.body);
    const local = await negotiationState(provider, String(res.body.consumerPid));
    expect(local).toMatchObject({ role: 'consumer', state: 'OFFERED', deadlineAt: null }); // a person decides

    // the person accepts; the (recorded) provider hears ACCEPTED, then agrees; the consumer verifies
    const cpid = String(res.body.consumerPid);
    const ppid = offer.providerPid;
    const accepted = await api(provider, 'POST', `/negotiations/${encodeURIComponent(cpid)}/accept`);
    expect(accepted.body).toMatchObject({ state: 'ACCEPTED' });
    const event = await eventually(
      'ACCEPTED sent',
      async () => received('ContractNegotiationEventMessage', cpid),
      Boolean,
    );
    assertDsp('contract-negotiation-event-message', event?.body);
    expect(event?.path).toBe(`/callback/negotiations/${encodeURIComponent(ppid)}/events`);
    const agreement = {
      '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
      '@type': 'ContractAgreementMessage',
      providerPid: ppid,
      consumerPid: cpid,
      agreement: {
        '@type': 'Agreement',
        '@id': `urn:uuid:agreement-${seq}`,
        target: 'bom-2026',
        assigner: 'did:web:provider.example',
        assignee: consumer.did,
        timestamp: new Date().toISOString(),
        permission: useOffer.permission,
      },
    };
    assertDsp('contract-agreement-message', agreement);
    const agreed = await dsp(provider, `/negotiations/${cpid}/agreement`, agreement);
    expect(agreed.status).toBe(200);
    expect(agreed.body.state).toBe('AGREED');
    const verification = await eventually(
      'verification sent',
      async () => received('ContractAgreementVerificationMessage', cpid),
      Boolean,
    );
    assertDsp('contract-agreement-verification-message', verification?.body);
    const fin = await dsp(provider, `/negotiations/${cpid}/events`, {
      '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
      '@type': 'ContractNegotiationEventMessage',
      providerPid: ppid,
      consumerPid: cpid,
      eventType: 'FINALIZED',
    });
    expect(fin.body.state).toBe('FINALIZED');
    const kept = await api(provider, 'GET', `/agreements/${encodeURIComponent(agreement.agreement['@id'])}`);
    expect(kept.body).toMatchObject({
      role: 'consumer',
      assetId: 'bom-2026',
      finalizedAt: expect.any(String),
    });
  });

  it('answers a provider offer with a counter-request (management API and CLI): schema-valid, to the provider pid, the negotiated target, the proposed rules only', async () => {
    const ppid = `urn:uuid:provider-${++seq}`;
    const offerMessage = (consumerPid?: string) => ({
      '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
      '@type': 'ContractOfferMessage',
      providerPid: ppid,
      ...(consumerPid ? { consumerPid } : { callbackAddress: peer.url }),
      offer: { '@type': 'Offer', ...useOffer, assigner: 'did:web:provider.example' },
    });
    const opened = await dsp(provider, '/negotiations/offers', offerMessage());
    expect(opened.status).toBe(201);
    const cpid = String(opened.body.consumerPid);
    const counter = (body: unknown) =>
      api(provider, 'POST', `/negotiations/${encodeURIComponent(cpid)}/counter`, body);

    // mistakes change nothing: another dataset, no rule at all, an unknown negotiation
    const elsewhere = await counter({ offer: { target: 'other-dataset', permission: [{ action: 'use' }] } });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toMatchObject({ code: 'negotiation.counter-offer-invalid' });
    expect((await counter({ offer: { obligation: [{ action: 'compensate' }] } })).status).toBe(400);
    expect(
      (
        await counter({
          offer: {
            permission: [
              {
                action: 'use',
                constraint: [{ leftOperand: 'purpose', operator: 'like', rightOperand: 'x' }],
              },
            ],
          },
        })
      ).status,
    ).toBe(400);
    const nobody = await api(provider, 'POST', '/negotiations/urn%3Auuid%3Anobody/counter', {
      offer: { permission: [{ action: 'use' }] },
    });
    expect(nobody.status).toBe(404);
    expect(await negotiationState(provider, cpid)).toMatchObject({ state: 'OFFERED' });

    // the CLI takes the proposed offer from a file, dropping what the node does not send (@type, assigner)
    const narrower = [
      { action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: '設計検証' }] },
    ];
    const file = join(tmpdir(), `musubi-counter-${process.pid}-${seq}.json`);
    writeFileSync(file, JSON.stringify({ '@type': 'Offer', assigner: 'did:web:x', permission: narrower }));
    const conn = ['--node', provider.node.url, '--api-key', provider.apiKey];
    const countered = await runCli(['negotiate', 'counter', cpid, '--offer-file', file, ...conn]);
    expect(countered.code, countered.stderr).toBe(0);
    expect(countered.stdout).toMatch(new RegExp(`^${cpid}\tREQUESTED\tconsumer\toffer-部品表\t`));

    const sent = await eventually(
      'counter-request sent',
      async () => received('ContractRequestMessage', cpid),
      Boolean,
    );
    assertDsp('contract-request-message', sent?.body);
    expect(sent?.path).toBe(`/callback/negotiations/${encodeURIComponent(ppid)}/request`);
    expect(sent?.body).toMatchObject({ providerPid: ppid, consumerPid: cpid });
    expect(sent?.body.callbackAddress).toBeUndefined();
    expect(sent?.body.offer).toEqual({
      '@type': 'Offer',
      '@id': 'offer-部品表',
      target: 'bom-2026',
      permission: narrower,
    });
    expect(await negotiationState(provider, cpid)).toMatchObject({
      state: 'REQUESTED',
      offer: { permission: narrower },
    });

    // not in OFFERED any more: a second counter is refused, in one line from the CLI
    const again = await runCli(['negotiate', 'counter', cpid, '--offer-file', file, ...conn]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(
      /^musubi: a consumer may not send ContractRequestMessage to a negotiation in state REQUESTED\n$/,
    );
    // the provider answers with another offer: back to OFFERED, where the consumer may counter again
    const reoffered = await dsp(provider, `/negotiations/${cpid}/offers`, offerMessage(cpid));
    expect(reoffered.body.state).toBe('OFFERED');
  }, 60_000);

  it('accepts the request as expanded JSON-LD too, and names an unknown @context in a 400', async () => {
    const cpid = `urn:uuid:consumer-${++seq}`;
    const documentLoader = async (url: string) => ({
      contextUrl: null,
      documentUrl: url,
      document: structuredClone(bundledContexts[url]),
    });
    const expanded = await (jsonld.expand as unknown as (d: unknown, o: unknown) => Promise<unknown>)(
      request(cpid),
      { documentLoader },
    );
    const res = await dsp(provider, '/negotiations/request', expanded);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ consumerPid: cpid, state: 'REQUESTED' });
    const unknownContext = await dsp(provider, '/negotiations/request', {
      ...request(`urn:uuid:consumer-${++seq}`),
      '@context': ['https://example.com/ctx.jsonld'],
    });
    expect(unknownContext.status).toBe(400);
    assertDsp('contract-negotiation-error', unknownContext.body);
    expect(JSON.stringify(unknownContext.body.reason)).toContain('https://example.com/ctx.jsonld');
  });
});
