import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcesses } from '../../src/node/processes.js';
import type { TestNode } from '../support/node.js';
import { eventually, loopbackNode, publishOffer, useOffer } from './two-node-support.js';

/**
 * Progress is event-driven: with many negotiations open and nothing due, the node runs no query at all; the
 * one armed timer still fires when the earliest deadline comes.
 */
describe('an idle node with open negotiations', () => {
  let provider: TestNode & { did: string };
  let swallow: Server;
  const open = 100;
  const deadlineMs = 12_000;

  beforeAll(async () => {
    provider = await loopbackNode({ processDeadlineMs: deadlineMs });
    await publishOffer(provider);
    // a consumer that acknowledges every agreement and never verifies: each negotiation stays AGREED
    swallow = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
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

  it('runs no database query while nothing is due, then expires them all at the deadline', async () => {
    const ctx = provider.node.context;
    const { negotiations } = nodeProcesses(ctx);
    const callbackAddress = `http://127.0.0.1:${(swallow.address() as { port: number }).port}/cb`;
    const started = Date.now();
    for (let i = 0; i < open; i++) {
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
      () => ctx.db.selectFrom('outbox').select('id').execute(),
      (rows) => rows.length === 0,
    );
    // Skip the last run's bookkeeping (it re-arms the timer for the earliest deadline), then measure.
    await eventually(
      'quiet',
      queries,
      (() => {
        let last = -1;
        return (n: number) => {
          const same = n === last;
          last = n;
          return same;
        };
      })(),
    );
    const before = await queries();
    const idleUntil = started + deadlineMs - 1_500;
    expect(idleUntil - Date.now()).toBeGreaterThan(1_000); // the window measured is at least a second
    await new Promise((r) => setTimeout(r, idleUntil - Date.now()));
    expect(await queries()).toBe(before);

    const expired = await eventually(
      'deadlines',
      () => ctx.db.selectFrom('negotiations').select('state').where('state', '=', 'TERMINATED').execute(),
      (rows) => rows.length === open,
      20_000,
    );
    expect(expired).toHaveLength(open);
    expect(await queries()).toBeGreaterThan(before);
  });
});
