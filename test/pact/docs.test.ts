import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';
import { overTls, startTestNode, type TestNode } from '../support/node.js';
import { pactSchemas, type Received, startReceiver } from './support.js';
import { runWalkThrough, shellBlock } from './walkthrough.js';

/** docs/pact.md's walk-through, run line for line against a node over HTTPS (only its URL and paths steered). */
describe('the PACT walk-through in docs/pact.md', () => {
  let node: TestNode;
  let dir: string;
  beforeAll(async () => {
    node = await startTestNode(overTls);
    dir = mkdtempSync(join(tmpdir(), 'musubi-pact-docs-'));
  });
  afterAll(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a client, publishes, gets a token and reads the footprint over v3 and v2.3', async () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'pact.md'), 'utf8');
    const lines = shellBlock(doc, /^## Walk-through$/m);
    expect(lines).toHaveLength(6);
    const { code, out, err } = await runWalkThrough({
      lines,
      node,
      cwd: dir,
      replace: [['docs/pact/', `${join(repoRoot, 'docs', 'pact')}/`]],
    });
    expect(code, err).toBe(0);
    // curl prints no newline: the two answers follow each other on one line
    const [published, answers = ''] = out.split('\n');
    const second = answers.indexOf('{"data":', 1);
    const v3 = answers.slice(0, second);
    const v2 = answers.slice(second);
    expect(published).toBe('Published 3f1a2b4c-5d6e-4f70-8a91-b2c3d4e5f607 (version 1)');
    expect(JSON.parse(v3).data[0]).toMatchObject({
      id: '3f1a2b4c-5d6e-4f70-8a91-b2c3d4e5f607',
      specVersion: '3.0.0',
    });
    expect(JSON.parse(v2).data).toMatchObject({ specVersion: '2.3.0', productCategoryCpc: '46410' });
  });
});

/** README's PACT section, run line for line: a RequestCreatedEvent answered through the exchange, then read. */
describe('the PACT section of the README', () => {
  let node: TestNode;
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    node = await startTestNode({ ...overTls, outboundAllow: ['127.0.0.1'] });
    receiver = await startReceiver('cells-at-maker', 's3cret');
    dir = mkdtempSync(join(tmpdir(), 'musubi-pact-readme-'));
  });
  afterAll(async () => {
    await node?.stop();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds a client to its DID, asks with an event, gets the answer at its host and reads the footprint', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const lines = shellBlock(readme, /^## Footprints for LCA tools and customers: PACT$/m);
    expect(lines).toHaveLength(11);
    const fulfilled = (e: Received) =>
      e.body.type === 'org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3' &&
      (e.body.data as { requestEventId?: string }).requestEventId === 'ask-1';
    const { code, out, err } = await runWalkThrough({
      lines,
      node,
      cwd: dir,
      replace: [
        ['docs/pact/', `${join(repoRoot, 'docs', 'pact')}/`],
        ['https://lca.maker.example', receiver.url],
      ],
      // the reader waits for the answer at the customer's host before listing
      pauses: [{ after: /\/pact\/3\/events$/, until: () => receiver.next(fulfilled) }],
    });
    expect(code, err).toBe(0);
    const answer = receiver.received.find(fulfilled);
    const [sent] = (answer?.body.data as { pfs: { id: string }[] } | undefined)?.pfs ?? [];
    // the CLI lines print their results; the last line is the footprint read at /3/footprints/{id}
    const read = JSON.parse(out.slice(out.lastIndexOf('{"data":'))) as {
      data: { id: string; productIds: string[]; pcf: { pcfExcludingBiogenicUptake: string } };
    };
    expect(read.data.id).toBe(sent?.id);
    expect(read.data.productIds).toEqual(['urn:pact:cells.example:pack-50ah']);
    expect(read.data.pcf.pcfExcludingBiogenicUptake).toBe('80.5');
    const v3 = await pactSchemas('openapi_v3_0.yaml');
    expect(v3.get(read)).toEqual([]);
    expect(v3.schema('RequestFulfilledEvent')(answer?.body)).toEqual([]);
  });
});
