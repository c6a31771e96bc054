import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { overTls, type TestNode } from '../support/node.js';
import {
  api,
  eventually,
  loopbackNode,
  negotiationState,
  publishOffer,
  useOffer,
} from './two-node-support.js';

describe('contract negotiation between two nodes on loopback', () => {
  let provider: TestNode & { did: string };
  let consumer: TestNode & { did: string };
  let hook: Server;
  const events: { type: string; negotiation: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    // the consumer's application listens for negotiations that ended
    hook = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => {
        text += d;
      });
      req.on('end', () => {
        events.push(JSON.parse(text));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    provider = await loopbackNode(overTls);
    consumer = await loopbackNode({
      ...overTls,
      eventWebhookUrl: `http://127.0.0.1:${(hook.address() as { port: number }).port}/events`,
    });
    await publishOffer(provider);
  });
  afterAll(async () => {
    await consumer?.stop();
    await provider?.stop();
    await new Promise<void>((r) => hook?.close(() => r()));
  });

  const start = (extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    api(
      consumer,
      'POST',
      '/negotiations',
      { counterpartyAddress: provider.node.url, counterpartyId: provider.did, offer: useOffer, ...extra },
      headers,
    );

  it('runs request → agreement → verification → FINALIZED on both sides, with the same agreement', async () => {
    const created = await start({ force: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'consumer', state: 'REQUESTED', offerId: 'offer-部品表' });
    const id = String(created.body.id);
    const done = await eventually(
      'consumer FINALIZED',
      () => negotiationState(consumer, id),
      (n) => n.state === 'FINALIZED',
    );
    expect(done.providerPid).toMatch(/^urn:uuid:/);
    const mirrored = await eventually(
      'provider FINALIZED',
      () => negotiationState(provider, String(done.providerPid)),
      (n) => n.state === 'FINALIZED',
    );
    expect(mirrored).toMatchObject({ role: 'provider', consumerPid: id, counterpartyId: consumer.did });
    expect(mirrored.agreementId).toBe(done.agreementId);

    const ours = await api(consumer, 'GET', `/agreements/${encodeURIComponent(String(done.agreementId))}`);
    const theirs = await api(provider, 'GET', `/agreements/${encodeURIComponent(String(done.agreementId))}`);
    expect(ours.body.policy).toEqual(theirs.body.policy);
    expect(ours.body.policy).toMatchObject({
      target: 'bom-2026',
      assigner: provider.did,
      assignee: consumer.did,
      permission: useOffer.permission,
    });
    expect(ours.body.finalizedAt).toEqual(expect.any(String));
    expect(theirs.body.finalizedAt).toEqual(expect.any(String));
    const event = await eventually(
      'webhook',
      async () => events.find((e) => e.negotiation.id === id),
      Boolean,
    );
    expect(event).toMatchObject({
      type: 'negotiation.finalized',
      negotiation: { id, state: 'FINALIZED', agreementId: done.agreementId, role: 'consumer' },
    });
  });

  it('reuses a FINALIZED agreement for the same offer instead of negotiating again, unless forced', async () => {
    const reused = await start();
    expect(reused.status).toBe(200);
    expect(reused.body).toMatchObject({ reused: true, state: 'FINALIZED' });
    const forced = await start({ force: true });
    expect(forced.status).toBe(201);
    expect(forced.body.id).not.toBe(reused.body.id);
  });

  it('answers a retried create with the same Idempotency-Key with the negotiation it created', async () => {
    const headers = { 'idempotency-key': 'order-42' };
    const first = await start({ force: true }, headers);
    const again = await start({ force: true }, headers);
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('refuses to terminate a FINALIZED negotiation', async () => {
    const created = await start({ force: true });
    const id = String(created.body.id);
    await eventually(
      'FINALIZED',
      () => negotiationState(consumer, id),
      (n) => n.state === 'FINALIZED',
    );
    const refused = await api(consumer, 'POST', `/negotiations/${encodeURIComponent(id)}/terminate`, {});
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('negotiation.invalid-transition');
    expect((await negotiationState(consumer, id)).state).toBe('FINALIZED');
  });

  it('lists negotiations by state with keyset pages', async () => {
    const all = await api<Record<string, unknown>[]>(consumer, 'GET', '/negotiations?limit=2');
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(2);
    const next = await api<Record<string, unknown>[]>(
      consumer,
      'GET',
      `/negotiations?limit=100&after=${encodeURIComponent(String(all.body[1]?.id))}`,
    );
    expect(next.body.map((n) => n.id)).not.toContain(all.body[0]?.id);
    const finalized = await api<Record<string, unknown>[]>(consumer, 'GET', '/negotiations?state=FINALIZED');
    expect(finalized.body.length).toBeGreaterThan(0);
    expect(finalized.body.every((n) => n.state === 'FINALIZED')).toBe(true);
    const bad = await api(consumer, 'GET', '/negotiations?state=DONE');
    expect(bad.status).toBe(400);
  });

  it('is driven from the CLI: musubi negotiate start --wait, show, list, agreements; mistakes exit non-zero in one line', async () => {
    const offerFile = join(tmpdir(), `musubi-offer-${process.pid}.json`);
    writeFileSync(offerFile, JSON.stringify(useOffer));
    const conn = ['--node', consumer.node.url, '--api-key', consumer.apiKey];
    const started = await runCli([
      'negotiate',
      'start',
      ...conn,
      '--provider',
      provider.node.url,
      '--provider-id',
      provider.did,
      '--offer-file',
      offerFile,
      '--force',
      '--wait',
      '--json',
    ]);
    expect(started.code, started.stderr).toBe(0);
    const n = JSON.parse(started.stdout) as { id: string; state: string; agreementId: string };
    expect(n.state).toBe('FINALIZED');
    const shown = await runCli(['negotiate', 'show', n.id, ...conn]);
    expect(shown.stdout).toContain(`${n.id}\tFINALIZED\tconsumer\toffer-部品表\t${n.agreementId}`);
    const listed = await runCli(['negotiate', 'list', ...conn, '--state', 'FINALIZED']);
    expect(listed.stdout).toContain(n.id);
    const agreements = await runCli(['negotiate', 'agreements', ...conn, '--finalized']);
    expect(agreements.stdout).toContain(`${n.agreementId}\tconsumer\toffer-部品表\tbom-2026\tFINALIZED`);

    const noOffer = await runCli([
      'negotiate',
      'start',
      ...conn,
      '--provider',
      provider.node.url,
      '--provider-id',
      provider.did,
    ]);
    expect(noOffer.code).not.toBe(0);
    expect(noOffer.stderr.trim().split('\n')).toEqual([
      'musubi: give --offer-id with --dataset, or --offer-file',
    ]);
    const unknown = await runCli(['negotiate', 'terminate', 'urn:uuid:nobody', ...conn]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/^musubi: negotiation "urn:uuid:nobody" not found\n$/);
    const noPeer = await runCli([
      'negotiate',
      'start',
      ...conn,
      '--provider',
      'http://127.0.0.1:9',
      '--provider-id',
      'did:web:nowhere',
      '--offer-file',
      offerFile,
      '--force',
    ]);
    expect(noPeer.code).not.toBe(0);
    expect(noPeer.stderr).toMatch(
      /^musubi: counterparty at http:\/\/127\.0\.0\.1:9 cannot be negotiated with: .*dspace-version did not answer/,
    );
  }, 180_000);

  describe('with a provider that waits for a person to approve', () => {
    let approver: TestNode & { did: string };
    beforeAll(async () => {
      approver = await loopbackNode({ ...overTls, negotiationAutoAgree: false });
      await publishOffer(approver);
    });
    afterAll(async () => {
      await approver?.stop();
    });

    const ask = async () => {
      const created = await api(consumer, 'POST', '/negotiations', {
        counterpartyAddress: approver.node.url,
        counterpartyId: approver.did,
        offer: useOffer,
        force: true,
      });
      const id = String(created.body.id);
      // the consumer learns the provider's pid from the provider's answer to its request
      const n = await eventually(
        'providerPid',
        () => negotiationState(consumer, id),
        (x) => Boolean(x.providerPid),
      );
      const providerPid = String(n.providerPid);
      expect(await negotiationState(approver, providerPid)).toMatchObject({
        state: 'REQUESTED',
        deadlineAt: null,
      });
      return { id, providerPid };
    };

    it('terminates from the consumer side, and the provider is told', async () => {
      const { id, providerPid } = await ask();
      const t = await api(consumer, 'POST', `/negotiations/${encodeURIComponent(id)}/terminate`, {
        reason: '発注取消',
      });
      expect(t.body).toMatchObject({ state: 'TERMINATED', reasonCode: 'terminated-by-user' });
      const ended = await eventually(
        'webhook',
        async () => events.find((e) => e.negotiation.id === id),
        Boolean,
      );
      expect(ended).toMatchObject({ type: 'negotiation.terminated', negotiation: { reason: '発注取消' } });
      const told = await eventually(
        'provider TERMINATED',
        () => negotiationState(approver, providerPid),
        (n) => n.state === 'TERMINATED',
      );
      expect(told).toMatchObject({ reasonCode: 'terminated-by-user', reason: '発注取消' });
    });

    it('terminates from the provider side, and the consumer is told', async () => {
      const { id, providerPid } = await ask();
      const t = await api(approver, 'POST', `/negotiations/${encodeURIComponent(providerPid)}/terminate`, {
        reason: '在庫なし',
      });
      expect(t.status).toBe(200);
      const told = await eventually(
        'consumer TERMINATED',
        () => negotiationState(consumer, id),
        (n) => n.state === 'TERMINATED',
      );
      expect(told).toMatchObject({ reasonCode: 'terminated-by-user', reason: '在庫なし' });
    });

    it('agrees when the person approves, and both sides reach FINALIZED', async () => {
      const { id, providerPid } = await ask();
      const wrongSide = await api(consumer, 'POST', `/negotiations/${encodeURIComponent(id)}/agree`);
      expect(wrongSide.status).toBe(400); // a consumer cannot agree
      const ok = await api(approver, 'POST', `/negotiations/${encodeURIComponent(providerPid)}/agree`);
      expect(ok.body.state).toBe('AGREED');
      await eventually(
        'consumer FINALIZED',
        () => negotiationState(consumer, id),
        (n) => n.state === 'FINALIZED',
      );
      await eventually(
        'provider FINALIZED',
        () => negotiationState(approver, providerPid),
        (n) => n.state === 'FINALIZED',
      );
    });
  });
});
