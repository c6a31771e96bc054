import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { type ConfigKey, loadConfig, redactedPaths, startNode } from '../../src/node/index.js';
import { freePort } from '../dataspace/two-node-support.js';

/** A clock the test moves by hand: lifetimes and expiries are tested without waiting. */
export function testClock(start = Date.now()) {
  let t = start;
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/**
 * A real node on loopback (plain HTTP, SQLite in a temp dir) on the given clock, its logs captured (redacted as
 * in production) and its management API key known.
 */
export async function clockedNode(
  clock: { readonly now: () => Date },
  overrides: Partial<Record<ConfigKey, unknown>> = {},
) {
  const store = mkdtempSync(join(tmpdir(), 'musubi-clocked-'));
  const port = await freePort();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: redactedPaths, censor: '[redacted]' } }, sink);
  const loaded = loadConfig({
    flags: {
      port,
      store,
      host: `127.0.0.1:${port}`,
      plainHttp: true,
      outboundAllow: ['127.0.0.1'],
      logLevel: 'debug',
      ...overrides,
    },
    env: {},
  });
  const announced: string[] = [];
  let node = await startNode(loaded, { announce: (l) => announced.push(l), logger, now: clock.now });
  const apiKey = announced.join('\n').match(/msk_\S+/)?.[0];
  if (!apiKey) throw new Error('no API key announced');
  return {
    get node() {
      return node;
    },
    /** Stops the node and starts it again on the same store, port and clock (the API key stays valid). */
    restart: async () => {
      await node.close();
      node = await startNode(loaded, { announce: () => {}, logger, now: clock.now });
    },
    apiKey,
    store,
    did: `did:web:127.0.0.1%3A${port}`,
    logs: () => lines.join(''),
    stop: async () => {
      await node.close();
      rmSync(store, { recursive: true, force: true });
    },
  };
}
