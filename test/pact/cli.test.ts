import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { overTls, startTestNode, type TestNode } from '../support/node.js';
import { call, footprint } from './support.js';

/** `musubi pact client add|list|remove` and `musubi pact publish` against a node over HTTPS. */
describe('musubi pact', () => {
  let node: TestNode;
  let dir: string;
  const conn = () => ['--node', node.node.url, '--api-key', node.apiKey];

  beforeAll(async () => {
    node = await startTestNode(overTls);
    dir = mkdtempSync(join(tmpdir(), 'musubi-pact-cli-'));
  });
  afterAll(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds a client whose secret works once shown, lists it without the secret, and removes it', async () => {
    const add = await runCli(['pact', 'client', 'add', 'toyota-tsusho', ...conn()]);
    expect(add.code, add.stderr).toBe(0);
    const clientId = /Client for toyota-tsusho: (\S+)/.exec(add.stdout)?.[1] as string;
    const secret = /Secret \(shown once, keep it safe\): (\S+)/.exec(add.stdout)?.[1] as string;
    expect(clientId).toMatch(/^pact_/);
    const tokenOf = () =>
      call(`${node.node.url}/pact/auth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
    expect((await tokenOf()).status).toBe(200);

    const list = await runCli(['pact', 'client', 'list', ...conn()]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${clientId}\ttoyota-tsusho\tlive`);
    expect(list.stdout).not.toContain(secret);

    const remove = await runCli(['pact', 'client', 'remove', clientId, ...conn()]);
    expect(remove.code).toBe(0);
    expect((await tokenOf()).status).toBe(401);
    expect((await runCli(['pact', 'client', 'list', ...conn()])).stdout).toMatch(
      new RegExp(`${clientId}\\ttoyota-tsusho\\trevoked`),
    );
  });

  it('says in one line why an unknown client cannot be removed', async () => {
    const r = await runCli(['pact', 'client', 'remove', 'pact_nobody', ...conn()]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/pact_nobody/);
  });

  it('publishes a footprint file for a customer, and refuses one PACT would not accept', async () => {
    const file = join(dir, 'pf.json');
    writeFileSync(
      file,
      JSON.stringify(
        footprint('1d3b7a52-6c1e-4f0a-9b3e-2a4c6e8f0a1b', { product: 'urn:gtin:4901234567894' }),
      ),
    );
    const r = await runCli(['pact', 'publish', file, '--audience', 'toyota-tsusho', ...conn()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Published 1d3b7a52-6c1e-4f0a-9b3e-2a4c6e8f0a1b (version 1)\n');
    writeFileSync(file, JSON.stringify({ id: 'not-a-footprint' }));
    const bad = await runCli(['pact', 'publish', file, '--audience', '*', ...conn()]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
