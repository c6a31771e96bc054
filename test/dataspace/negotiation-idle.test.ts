import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcesses } from '../../src/node/processes.js';
import { receiptsSettled } from '../../src/node/receipts.js';
import { clockedNode, testClock } from '../support/clocked-node.js';
import { eventually, publishOffer, useOffer } from './two-node-support.js';

/**
 * Progress is event-driven: with many negotiations open and nothing due, the node's one timer is armed for the
 * earliest deadline and nothing sooner, so no query runs until then. The node runs on a hand clock; when the
 * clock reaches a deadline the test fires the armed timer's run itself instead of waiting for it.
 */
describe('an idle node with open negotiations', () => {
  const t0 = Date.parse('2026-04-01T00:00:00Z');
  const clock = testClock(t0);
  const deadlineMs = 3_600_000;
  const open = 100;
  let provider: Awaited<ReturnType<typeof clockedNode>>;
  let swallow: Server;
  const received: { path: string; type: string; code?: string }[] = [];

  beforeAll(async () => {
    provider = await clockedNode(clock, { processDeadlineMs: deadlineMs });
    await publishOffer(provider);
    // a consumer that acknowledges every message and never verifies: each negotiation stays AGREED
    swallow = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += String(c);
      });
      req.on('end', () => {
        const m = JSON.parse(body) as { '@type': string; code?: string };
        received.push({ path: req.url ?? '', type: m['@type'], ...(m.code ? { code: m.code } : {}) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => swallow.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await provider?.stop();
    await new Promise<void>((r) => swallow?.close(() => r()));
  });

  const queries = async () => {
    const text = await (await fetch(`${provider.node.url}/metrics`)).text();
    return Number(/^musubi_db_queries_total (\d+)/m.exec(text)?.[1]);
  };
  const states = async () => {
    const rows = await provider.node.context.db.selectFrom('negotiations').select('state').execute();
    const count: Record<string, number> = {};
    for (const { state } of rows) count[state] = (count[state] ?? 0) + 1;
    return count;
  };

  it('arms its one timer for the earliest deadline and runs no query before it, then expires in order and tells the peer', async () => {
    const ctx = provider.node.context;
    const { negotiations, runtime } = nodeProcesses(ctx);
    const callbackAddress = `http://127.0.0.1:${(swallow.address() as { port: number }).port}/cb`;
    for (let i = 0; i < open; i++) {
      if (i === open / 2) clock.advance(1_000); // the second half's deadlines come a second later
      await negotiations.receive({
        participantId: ctx.config.defaultParticipantId,
        sender: 'did:web:consumer.example',
        endpoint: 'request',
        body: {
          '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
          '@type': 'ContractRequestMessage',
          consumerPid: `urn:uuid:idle-${i}`,
          offer: { '@type': 'Offer', ...useOffer },
          callbackAddress,
        },
      });
    }
    await eventually(
      'agreements delivered',
      async () => received.filter((m) => m.type === 'ContractAgreementMessage').length,
      (n) => n === open,
    );
    await runtime.settled();
    await receiptsSettled(ctx); // audit receipts for the delivered agreements, exchanged after delivery
    expect(await states()).toEqual({ AGREED: open });

    // Quiet: the one timer names the earliest deadline — not, say, the lease of a message delivered long ago.
    const before = await queries();
    expect(runtime.nextWake()).toEqual(new Date(t0 + deadlineMs));
    clock.advance(deadlineMs - 1_001); // a second before the first deadline
    await runtime.settled();
    expect(await queries()).toBe(before);
    expect(runtime.nextWake()).toEqual(new Date(t0 + deadlineMs));

    // The first deadline comes: the armed run expires the first half only and re-arms for the second.
    clock.advance(1);
    runtime.wake(clock.now());
    await runtime.settled();
    expect(await states()).toEqual({ AGREED: open / 2, TERMINATED: open / 2 });
    expect(runtime.nextWake()).toEqual(new Date(t0 + 1_000 + deadlineMs));
    clock.advance(1_000);
    runtime.wake(clock.now());
    await runtime.settled();
    expect(await states()).toEqual({ TERMINATED: open });
    expect(runtime.nextWake()).toBeUndefined(); // nothing left to wait for

    // the peer was told each time, with the reason code
    const terminations = received.filter((m) => m.type === 'ContractNegotiationTerminationMessage');
    expect(terminations).toHaveLength(open);
    expect(new Set(terminations.map((m) => m.path))).toHaveProperty('size', open);
    expect(terminations[0]?.path).toMatch(/^\/cb\/negotiations\/urn%3Auuid%3Aidle-\d+\/termination$/);
    expect(terminations.every((m) => m.code === terminations[0]?.code && m.code)).toBe(true);
    await receiptsSettled(ctx);
    const quietAgain = await queries();
    clock.advance(deadlineMs);
    expect(await queries()).toBe(quietAgain);
  });
});
