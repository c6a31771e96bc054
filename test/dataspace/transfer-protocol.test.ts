import jsonld from 'jsonld';
// @ts-expect-error: an internal module of jsonld, without typings
import ContextResolver from 'jsonld/lib/ContextResolver.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessToken } from '../../src/dataspace/dataplane/index.js';
import { bundledContexts } from '../../src/dataspace/protocol/index.js';
import { dspAuthHeaders } from '../../src/node/counterparty.js';
import type { TestNode } from '../support/node.js';
import { assertTransfer, dspContext, recordingPeer, seedAgreement } from './transfer-support.js';
import { api, eventually, loopbackNode } from './two-node-support.js';

type Node = TestNode & { did: string };

/** Expanded JSON-LD of a compact message, with the bundled contexts only (no network). */
const expand = (doc: unknown) =>
  (jsonld.expand as unknown as (d: unknown, o: object) => Promise<unknown>)(doc, {
    contextResolver: new ContextResolver({ sharedCache: new Map() }),
    documentLoader: async (url: string) => {
      const document = bundledContexts[url];
      if (!document) throw new Error(`test tried to load ${url}`);
      return { contextUrl: null, documentUrl: url, document: structuredClone(document) };
    },
  });

/**
 * The transfer endpoints driven message by message: a real node on one side, a recording peer on the other
 * that signs as another real node's participant (so authentication is the real one).
 */
describe('transfer endpoints, provider side', () => {
  let provider: Node;
  let consumer: Node;
  let stranger: Node;
  let peer: Awaited<ReturnType<typeof recordingPeer>>;
  let seq = 0;

  beforeAll(async () => {
    [provider, consumer, stranger] = await Promise.all([loopbackNode(), loopbackNode(), loopbackNode()]);
    peer = await recordingPeer();
    await seedAgreement(provider, {
      id: 'urn:uuid:agreement-1',
      role: 'provider',
      counterpartyId: consumer.did,
    });
    await seedAgreement(provider, {
      id: 'urn:uuid:agreement-stranger',
      role: 'provider',
      counterpartyId: stranger.did,
    });
    await seedAgreement(provider, {
      id: 'urn:uuid:agreement-unfinished',
      role: 'provider',
      counterpartyId: consumer.did,
      finalized: false,
    });
  });
  afterAll(async () => {
    await peer?.close();
    await Promise.all([provider?.stop(), consumer?.stop(), stranger?.stop()]);
  });

  /** Sends a DSP message to the provider as `as`'s default participant (a real signed token). */
  async function dsp(path: string, body?: unknown, as: Node = consumer) {
    const ctx = as.node.context;
    const auth = await dspAuthHeaders(ctx, ctx.config.defaultParticipantId, provider.did);
    const res = await fetch(`${provider.node.url}/dsp/2025-1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  }

  const request = (consumerPid: string, extra: Record<string, unknown> = {}) => ({
    '@context': dspContext,
    '@type': 'TransferRequestMessage',
    consumerPid,
    agreementId: 'urn:uuid:agreement-1',
    format: 'HttpData-PULL',
    callbackAddress: peer.base,
    ...extra,
  });
  const message = (type: string, providerPid: unknown, consumerPid: string, extra = {}) => ({
    '@context': dspContext,
    '@type': type,
    providerPid,
    consumerPid,
    ...extra,
  });
  const sent = (type: string, consumerPid: string) =>
    eventually(
      `${type} for ${consumerPid}`,
      async () => peer.of(type).find((m) => m.body.consumerPid === consumerPid),
      Boolean,
    );

  /** Opens a transfer and waits for the provider's start; returns the pids. */
  async function started() {
    const cpid = `urn:uuid:consumer-${++seq}`;
    const res = await dsp('/transfers/request', request(cpid));
    expect(res.status).toBe(201);
    await sent('TransferStartMessage', cpid);
    return { cpid, ppid: res.body.providerPid as string };
  }

  it('answers a TransferRequestMessage with 201 REQUESTED, then starts it with a pull DataAddress', async () => {
    const cpid = `urn:uuid:consumer-${++seq}`;
    const msg = request(cpid);
    assertTransfer('transfer-request-message', msg);
    const res = await dsp('/transfers/request', msg);
    expect(res.status).toBe(201);
    assertTransfer('transfer-process', res.body);
    expect(res.body).toMatchObject({ consumerPid: cpid, state: 'REQUESTED' });
    const ppid = res.body.providerPid as string;
    const start = await sent('TransferStartMessage', cpid);
    assertTransfer('transfer-start-message', start?.body);
    expect(start?.path).toBe(`/dsp/2025-1/transfers/${encodeURIComponent(cpid)}/start`);
    const address = start?.body.dataAddress as { endpoint: string; endpointProperties: { name: string }[] };
    expect(address.endpoint).toBe(
      `${provider.node.context.publicUrl()}/data/transfers/${encodeURIComponent(ppid)}`,
    );
    expect(address.endpointProperties.map((p) => p.name)).toEqual([
      'authorization',
      'authType',
      'expiresIn',
      'refreshToken',
      'refreshEndpoint',
    ]);
    // the data plane finds the transfer by the token the consumer got; the store holds only its hash
    const token = (address.endpointProperties as unknown as { value: string }[])[0]?.value ?? '';
    const db = provider.node.context.db;
    const target = { participantId: 'default', transferId: ppid };
    expect((await checkAccessToken(db, token, new Date(), target)).transferId).toBe(ppid);
    await expect(checkAccessToken(db, `${token}x`, new Date(), target)).rejects.toThrow(/not known/);
    const stored = await db.selectFrom('transfers').selectAll().where('id', '=', ppid).executeTakeFirst();
    expect(JSON.stringify(stored)).not.toContain(token);
    const tokens = await db.selectFrom('dataplane_tokens').selectAll().execute();
    expect(JSON.stringify(tokens)).not.toContain(token);

    const got = await dsp(`/transfers/${encodeURIComponent(ppid)}`);
    expect(got.status).toBe(200);
    assertTransfer('transfer-process', got.body);
    expect(got.body).toMatchObject({ providerPid: ppid, consumerPid: cpid, state: 'STARTED' });
  });

  it('starts a push transfer without handing out a pull address, keeping the push target', async () => {
    const cpid = `urn:uuid:consumer-${++seq}`;
    const target = {
      '@type': 'DataAddress',
      endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
      endpoint: 'https://consumer.example/受信/bom',
      endpointProperties: [{ '@type': 'EndpointProperty', name: 'authorization', value: 'push-token' }],
    };
    const msg = request(cpid, { format: 'HttpData-PUSH', dataAddress: target });
    assertTransfer('transfer-request-message', msg);
    const res = await dsp('/transfers/request', msg);
    expect(res.status).toBe(201);
    const start = await sent('TransferStartMessage', cpid);
    assertTransfer('transfer-start-message', start?.body);
    expect(start?.body.dataAddress).toBeUndefined();
    // the push itself runs once the start was delivered; here neither the source nor the target is reachable
    const view = await eventually(
      'push ended',
      () => api(provider, 'GET', `/transfers/${encodeURIComponent(String(res.body.providerPid))}`),
      (v) => v.body.state === 'TERMINATED',
    );
    expect(view.body).toMatchObject({
      reasonCode: expect.stringMatching(/^push\./),
      format: 'HttpData-PUSH',
      dataAddress: {
        endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
        endpoint: 'https://consumer.example/受信/bom',
        endpointProperties: [{ name: 'authorization', value: 'push-token' }],
      },
    });
  });

  it('gives a repeated request, or a repeated consumerPid, the same transfer', async () => {
    const cpid = `urn:uuid:consumer-${++seq}`;
    const first = await dsp('/transfers/request', request(cpid));
    const again = await dsp('/transfers/request', request(cpid));
    expect(again).toEqual(first);
    const other = await dsp('/transfers/request', request(cpid, { format: 'HttpData-PUSH' }));
    expect(other.status).toBe(201);
    expect(other.body.providerPid).toBe(first.body.providerPid);
    await sent('TransferStartMessage', cpid);
    expect(peer.of('TransferStartMessage').filter((m) => m.body.consumerPid === cpid)).toHaveLength(1);
  });

  it('opens one transfer when two different requests with one consumerPid race', async () => {
    const cpid = `urn:uuid:consumer-${++seq}`;
    const push = { endpointType: 'https://w3id.org/idsa/v4.1/HTTP', endpoint: 'https://consumer.example/in' };
    const answers = await Promise.all([
      dsp('/transfers/request', request(cpid)),
      dsp('/transfers/request', request(cpid, { format: 'HttpData-PUSH', dataAddress: push })),
      dsp('/transfers/request', request(cpid, { callbackAddress: `${peer.base}/` })),
    ]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.providerPid)).size).toBe(1);
    const listed = await api<{ consumerPid: string }[]>(
      provider,
      'GET',
      '/transfers?role=provider&limit=1000',
    );
    expect(listed.body.filter((t) => t.consumerPid === cpid)).toHaveLength(1);
  });

  it('refuses unusable agreements, formats and bodies with a 400 TransferError, creating nothing', async () => {
    const cases: [string, unknown][] = [
      ['unknown agreement', request(`urn:uuid:c-${++seq}`, { agreementId: 'urn:uuid:nope' })],
      [
        "another consumer's agreement",
        request(`urn:uuid:c-${++seq}`, { agreementId: 'urn:uuid:agreement-stranger' }),
      ],
      [
        'agreement not finalized',
        request(`urn:uuid:c-${++seq}`, { agreementId: 'urn:uuid:agreement-unfinished' }),
      ],
      ['unknown format', request(`urn:uuid:c-${++seq}`, { format: 'Kafka-PUSH' })],
      ['push without a target', request(`urn:uuid:c-${++seq}`, { format: 'HttpData-PUSH' })],
      ['not a URL', request(`urn:uuid:c-${++seq}`, { callbackAddress: 'ftp://x' })],
      ['missing consumerPid', { ...request('x'), consumerPid: undefined }],
      ['wrong type', { ...request(`urn:uuid:c-${++seq}`), '@type': 'TransferStartMessage' }],
    ];
    for (const [what, body] of cases) {
      const res = await dsp('/transfers/request', body);
      expect(res.status, what).toBe(400);
      expect(res.body['@type'], what).toBe('TransferError');
      assertTransfer('transfer-error', res.body);
    }
    const malformed = await dsp('/transfers/request', '{"@context": [');
    expect(malformed.status).toBe(400);
    const listed = await api<unknown[]>(provider, 'GET', '/transfers?role=provider&limit=1000');
    expect(
      listed.body.every((t) => (t as { agreementId: string }).agreementId === 'urn:uuid:agreement-1'),
    ).toBe(true);
  });

  it('accepts a request in expanded JSON-LD', async () => {
    const cpid = `urn:uuid:consumer-${++seq}`;
    const expanded = await expand(request(cpid));
    expect(JSON.stringify(expanded)).not.toContain('"@context"');
    const res = await dsp('/transfers/request', expanded);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ consumerPid: cpid, state: 'REQUESTED' });
    const unknown = await dsp('/transfers/request', {
      ...request(cpid),
      '@context': ['https://example.com/他.jsonld'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.reason).toEqual([expect.stringContaining('https://example.com/他.jsonld')]);
  });

  it('refuses an invalid transition with 400 TransferError and leaves the state as it was', async () => {
    const { cpid, ppid } = await started();
    const path = `/transfers/${encodeURIComponent(ppid)}`;
    const res = await dsp(`${path}/start`, message('TransferStartMessage', ppid, cpid));
    // a consumer may restart only what was suspended
    expect(res.status).toBe(400);
    assertTransfer('transfer-error', res.body);
    expect(res.body).toMatchObject({
      code: 'transfer.invalid-transition',
      providerPid: ppid,
      consumerPid: cpid,
    });
    expect((await dsp(path)).body.state).toBe('STARTED');
    const wrongPid = await dsp(
      `${path}/completion`,
      message('TransferCompletionMessage', ppid, 'urn:uuid:other'),
    );
    expect(wrongPid.status).toBe(400);
    const wrongEndpoint = await dsp(`${path}/completion`, message('TransferSuspensionMessage', ppid, cpid));
    expect(wrongEndpoint.status).toBe(400);
    expect((await dsp(path)).body.state).toBe('STARTED');
  });

  it('moves through suspension, resumption and completion on the consumer’s messages, idempotently', async () => {
    const { cpid, ppid } = await started();
    const path = `/transfers/${encodeURIComponent(ppid)}`;
    const suspend = message('TransferSuspensionMessage', ppid, cpid, {
      code: '一時停止',
      reason: ['保守作業のため'],
    });
    assertTransfer('transfer-suspension-message', suspend);
    expect((await dsp(`${path}/suspension`, suspend)).status).toBe(200);
    expect((await dsp(`${path}/suspension`, suspend)).status).toBe(200); // the same message again
    expect((await dsp(path)).body.state).toBe('SUSPENDED');
    const view = await api(provider, 'GET', `/transfers/${encodeURIComponent(ppid)}`);
    expect(view.body).toMatchObject({ state: 'SUSPENDED', reasonCode: '一時停止', reason: '保守作業のため' });
    expect((await dsp(`${path}/start`, message('TransferStartMessage', ppid, cpid))).status).toBe(200);
    const done = message('TransferCompletionMessage', ppid, cpid);
    assertTransfer('transfer-completion-message', done);
    expect((await dsp(`${path}/completion`, done)).status).toBe(200);
    expect((await dsp(path)).body.state).toBe('COMPLETED');
    const late = await dsp(`${path}/termination`, message('TransferTerminationMessage', ppid, cpid));
    expect(late.status).toBe(400);
    expect((await dsp(path)).body.state).toBe('COMPLETED');
  });

  it('answers 404 for an unknown transfer and for one that belongs to another counterparty', async () => {
    const { cpid, ppid } = await started();
    const unknown = await dsp('/transfers/urn%3Auuid%3Anope');
    expect(unknown.status).toBe(404);
    assertTransfer('transfer-error', unknown.body);
    const path = `/transfers/${encodeURIComponent(ppid)}`;
    expect((await dsp(path, undefined, stranger)).status).toBe(404);
    const foreign = await dsp(
      `${path}/termination`,
      message('TransferTerminationMessage', ppid, cpid),
      stranger,
    );
    expect(foreign.status).toBe(404);
    expect((await dsp(path)).body.state).toBe('STARTED');
  });

  it('terminates from the management API and tells the consumer; the audit log has every step', async () => {
    const { cpid, ppid } = await started();
    const res = await api(provider, 'POST', `/transfers/${encodeURIComponent(ppid)}/terminate`, {
      reason: '契約違反の疑い',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'TERMINATED', reasonCode: 'terminated-by-user' });
    const termination = await sent('TransferTerminationMessage', cpid);
    assertTransfer('transfer-termination-message', termination?.body);
    expect(termination?.body.reason).toEqual(['契約違反の疑い']);
    const again = await api(provider, 'POST', `/transfers/${encodeURIComponent(ppid)}/terminate`, {});
    expect(again.status).toBe(400);
    const audit = await api<{ action: string; resourceId: string }[]>(provider, 'GET', '/audit?limit=1000');
    const actions = audit.body.filter((e) => e.resourceId === ppid).map((e) => e.action);
    expect(actions).toEqual(['transfer.requested', 'transfer.started', 'transfer.terminated']);
  });
});

describe('transfer endpoints, consumer side', () => {
  let consumer: Node;
  let providerIdentity: Node;
  let hasty: Node;
  let peer: Awaited<ReturnType<typeof recordingPeer>>;

  beforeAll(async () => {
    [consumer, providerIdentity, hasty] = await Promise.all([
      loopbackNode(),
      loopbackNode(),
      loopbackNode({ processDeadlineMs: 600 }),
    ]);
    peer = await recordingPeer('urn:uuid:peer-provider-pid');
    for (const t of [consumer, hasty])
      await seedAgreement(t, {
        id: 'urn:uuid:agreement-c',
        role: 'consumer',
        counterpartyId: providerIdentity.did,
        address: peer.base,
      });
  });
  afterAll(async () => {
    await peer?.close();
    await Promise.all([consumer?.stop(), providerIdentity?.stop(), hasty?.stop()]);
  });

  /** A message to the consumer's callback as the provider's participant. */
  async function callback(to: Node, path: string, body?: unknown) {
    const ctx = providerIdentity.node.context;
    const auth = await dspAuthHeaders(ctx, ctx.config.defaultParticipantId, to.did);
    const res = await fetch(`${to.node.url}/dsp/2025-1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  }

  it('requests a transfer from the management API with a schema-valid message, learns the providerPid, takes the start', async () => {
    const res = await api(consumer, 'POST', '/transfers', { agreementId: 'urn:uuid:agreement-c' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ role: 'consumer', state: 'REQUESTED', providerPid: null });
    const cpid = res.body.id as string;
    const req = await eventually(
      'request sent',
      async () => peer.of('TransferRequestMessage').find((m) => m.body.consumerPid === cpid),
      Boolean,
    );
    assertTransfer('transfer-request-message', req?.body);
    expect(req?.path).toBe('/dsp/2025-1/transfers/request');
    expect(req?.body.callbackAddress).toBe(`${consumer.node.context.publicUrl()}/dsp/2025-1`);
    await eventually(
      'providerPid learned',
      async () => (await api(consumer, 'GET', `/transfers/${encodeURIComponent(cpid)}`)).body.providerPid,
      (p) => p === 'urn:uuid:peer-provider-pid',
    );

    const ppid = 'urn:uuid:peer-provider-pid';
    const start = {
      '@context': dspContext,
      '@type': 'TransferStartMessage',
      providerPid: ppid,
      consumerPid: cpid,
      dataAddress: {
        '@type': 'DataAddress',
        endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
        endpoint: 'http://127.0.0.1:9/data/transfers/x',
        endpointProperties: [
          { '@type': 'EndpointProperty', name: 'authorization', value: 'トークン-1' },
          { '@type': 'EndpointProperty', name: 'authType', value: 'bearer' },
        ],
      },
    };
    assertTransfer('transfer-start-message', start);
    const path = `/transfers/${encodeURIComponent(cpid)}`;
    expect((await callback(consumer, `${path}/start`, start)).status).toBe(200);
    const got = await callback(consumer, path);
    assertTransfer('transfer-process', got.body);
    expect(got.body).toMatchObject({ providerPid: ppid, consumerPid: cpid, state: 'STARTED' });
    const view = await api(consumer, 'GET', `/transfers/${encodeURIComponent(cpid)}`);
    // the token is kept sealed apart from the transfer record; the EDR endpoint hands it to the local application
    expect(view.body.dataAddress).toEqual({
      endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
      endpoint: 'http://127.0.0.1:9/data/transfers/x',
      endpointProperties: [{ name: 'authType', value: 'bearer' }],
    });
    const edr = await api(consumer, 'GET', `/transfers/${encodeURIComponent(cpid)}/edr`);
    expect(edr.body).toMatchObject({
      endpoint: 'http://127.0.0.1:9/data/transfers/x',
      authorization: 'トークン-1',
    });

    // the consumer completes; the provider is told at its own pid
    const done = await api(consumer, 'POST', `/transfers/${encodeURIComponent(cpid)}/complete`, {});
    expect(done.body.state).toBe('COMPLETED');
    const completion = await eventually(
      'completion sent',
      async () => peer.of('TransferCompletionMessage').find((m) => m.body.consumerPid === cpid),
      Boolean,
    );
    assertTransfer('transfer-completion-message', completion?.body);
    expect(completion?.path).toBe(`/dsp/2025-1/transfers/${encodeURIComponent(ppid)}/completion`);
    expect(
      (await callback(consumer, `${path}/suspension`, { ...start, '@type': 'TransferSuspensionMessage' }))
        .status,
    ).toBe(400);
  });

  it('refuses a transfer on an agreement it does not hold, naming why', async () => {
    const res = await api(consumer, 'POST', '/transfers', { agreementId: 'urn:uuid:nope' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'transfer.agreement-not-usable' });
    const push = await api(consumer, 'POST', '/transfers', {
      agreementId: 'urn:uuid:agreement-c',
      format: 'HttpData-PUSH',
    });
    expect(push.body).toMatchObject({ code: 'transfer.push-target-missing' });
    const bad = await api(consumer, 'POST', '/transfers', {
      agreementId: 'urn:uuid:agreement-c',
      format: 'FTP',
    });
    expect(bad.status).toBe(400);
  });

  it('returns the same transfer for a repeated create with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'transfer-key-1' };
    const first = await api(consumer, 'POST', '/transfers', { agreementId: 'urn:uuid:agreement-c' }, headers);
    const again = await api(consumer, 'POST', '/transfers', { agreementId: 'urn:uuid:agreement-c' }, headers);
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('terminates a transfer the provider never starts when the deadline passes, and tells the provider', async () => {
    const res = await api(hasty, 'POST', '/transfers', { agreementId: 'urn:uuid:agreement-c' });
    const cpid = res.body.id as string;
    const ended = await eventually(
      'deadline',
      async () => (await api(hasty, 'GET', `/transfers/${encodeURIComponent(cpid)}`)).body,
      (t) => t.state === 'TERMINATED',
    );
    expect(ended).toMatchObject({ reasonCode: 'deadline-passed', deadlineAt: null });
    const told = await eventually(
      'termination sent',
      async () => peer.of('TransferTerminationMessage').find((m) => m.body.consumerPid === cpid),
      Boolean,
    );
    assertTransfer('transfer-termination-message', told?.body);
    expect(told?.body).toMatchObject({ providerPid: 'urn:uuid:peer-provider-pid', code: 'deadline-passed' });
  });
});
