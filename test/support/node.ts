import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { pino } from 'pino';
import { Agent, type RequestInit, fetch as undiciFetch } from 'undici';
import {
  type ConfigKey,
  loadConfig,
  type RunningNode,
  redactedPaths,
  startNode,
} from '../../src/node/index.js';
import { freshDatabase, testEngines } from './engines.js';
import { testCaDir, testCaFile } from './test-ca.js';

export { testCaDir, testCaFile } from './test-ca.js';

/** Overrides for a test node that serves HTTPS with a certificate from the shared test CA. */
export const overTls = { plainHttp: false, tlsLocalCaDir: testCaDir } as const;

let testAgent: Agent | undefined;

/** fetch that trusts the shared test CA (once a node made it), for nodes over HTTPS and plain HTTP alike. */
export function testFetch(url: string, init: RequestInit = {}) {
  if (!testAgent && existsSync(testCaFile)) {
    testAgent = new Agent({ connect: { ca: [...rootCertificates, readFileSync(testCaFile, 'utf8')] } });
  }
  return undiciFetch(url, { ...init, ...(testAgent ? { dispatcher: testAgent } : {}) });
}

export interface TestNode {
  readonly node: RunningNode;
  readonly apiKey: string;
  readonly store: string;
  /** Every log line the node wrote, as text. */
  readonly logs: () => string;
  readonly stop: () => Promise<void>;
}

/**
 * A real node on an ephemeral loopback port with its store in a temp dir; logs are captured, not printed.
 * Under `npm run test:postgres` its state lives in a fresh PostgreSQL database instead of SQLite.
 */
export async function startTestNode(overrides: Partial<Record<ConfigKey, unknown>> = {}): Promise<TestNode> {
  const store = mkdtempSync(join(tmpdir(), 'musubi-node-'));
  const pg = testEngines().includes('postgres') ? await freshDatabase('postgres') : undefined;
  if (pg && pg.target.engine === 'postgres') overrides = { databaseUrl: pg.target.url, ...overrides };
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: redactedPaths, censor: '[redacted]' } }, sink);
  const announced: string[] = [];
  // Plain HTTP unless a test asks for HTTPS: most suites talk to the node with the global fetch.
  const loaded = loadConfig({
    flags: { port: 0, store, logLevel: 'debug', plainHttp: true, ...overrides },
    env: {},
  });
  const node = await startNode(loaded, { announce: (l) => announced.push(l), logger });
  const apiKey = announced.join('\n').match(/msk_\S+/)?.[0];
  if (!apiKey) throw new Error(`no API key announced: ${announced.join(' | ')}`);
  return {
    node,
    apiKey,
    store,
    logs: () => lines.join(''),
    stop: async () => {
      await node.close();
      await pg?.dispose();
      rmSync(store, { recursive: true, force: true });
    },
  };
}
