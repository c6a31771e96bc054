import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dspAuthHeaders, ownDids } from '../../src/node/counterparty.js';
import { loadConfig, type RunningNode, startNode } from '../../src/node/index.js';
import { freshDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { startTestNode, type TestNode } from '../support/node.js';
import { freePort } from './two-node-support.js';

/**
 * The jti replay guard lives in the store: a token accepted before a restart is still refused after it.
 * Node B restarts on the same store (and port, so its did:web stays the same).
 */
describe('a replayed DSP token after the receiving node restarted', () => {
  const loopback = { plainHttp: true, outboundAllow: ['127.0.0.1'] };
  let a: TestNode;
  let b: RunningNode | undefined;
  let store: string;
  let pg: TestDatabase | undefined;
  let port: number;

  // Started directly: a restarted node announces no API key, which startTestNode insists on.
  const startB = () =>
    startNode(
      loadConfig({
        flags: {
          ...loopback,
          port,
          host: `127.0.0.1:${port}`,
          store,
          logLevel: 'silent',
          ...(pg?.target.engine === 'postgres' ? { databaseUrl: pg.target.url } : {}),
        },
        env: {},
      }),
      { announce: () => {} },
    );

  beforeAll(async () => {
    store = mkdtempSync(join(tmpdir(), 'musubi-replay-'));
    if (testEngines().includes('postgres')) pg = await freshDatabase('postgres');
    port = await freePort();
    [a, b] = await Promise.all([startTestNode(loopback), startB()]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.close()]);
    await pg?.dispose();
    rmSync(store, { recursive: true, force: true });
  });

  /** One request on its own connection: a kept-alive socket would not survive B's restart. */
  const call = (authorization: string | undefined) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        `http://127.0.0.1:${port}/dsp/2025-1/anything`,
        {
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });

  it('is refused, while a fresh token of the same sender is accepted', async () => {
    const audience = `did:web:127.0.0.1%3A${port}`;
    expect(ownDids(b?.context ?? a.node.context, 'default')).toContain(audience);
    const { authorization } = await dspAuthHeaders(a.node.context, 'default', audience);
    expect(await call(authorization)).toBe(404); // authenticated; nothing at that path
    expect(await call(authorization)).toBe(401); // replayed, same process

    await b?.close();
    b = await startB();
    expect(await call(authorization)).toBe(401); // replayed across the restart
    const fresh = await dspAuthHeaders(a.node.context, 'default', audience);
    expect(await call(fresh.authorization)).toBe(404);
  });
});
