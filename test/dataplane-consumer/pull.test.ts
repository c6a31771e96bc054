import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEdr } from '../../src/dataspace/dataplane/consumer/index.js';
import { revokeTransferAccess } from '../../src/node/scopes/dataplane.js';
import { api, eventually } from '../dataspace/two-node-support.js';
import { cleanEnv, cliPath, runCli } from '../support/cli.js';
import {
  type Clock,
  clockedNode,
  type Node,
  negotiated,
  providerSide,
  publishFile,
  testClock,
  transferOf,
} from './support.js';

interface EdrView {
  transferId: string;
  endpoint: string;
  authType: string;
  authorization: string;
  expiresAt: string;
}

/** About 1.2 MB of Japanese CSV: several chunks on the wire, so streaming and ranges matter. */
const rows = Array.from({ length: 20_000 }, (_, i) => `${i},ボルト M8 × ${i % 7},鋼,ロット-${i}\n`);
const content = `番号,品名,材質,ロット\n${rows.join('')}`;

describe('pull between two nodes: EDR kept sealed, reused, refreshed, revoked; the CLI pulls with it', () => {
  // one clock for both: DSP tokens carry times too, and a skewed consumer would be refused by the provider
  let clock: Clock;
  let provider: Node;
  let consumer: Node;
  let root: string;
  let out: string;
  let agreementId: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'musubi-dpc-files-'));
    out = mkdtempSync(join(tmpdir(), 'musubi-dpc-out-'));
    writeFileSync(join(root, 'parts.csv'), content);
    clock = testClock();
    [provider, consumer] = await Promise.all([
      clockedNode(clock, {
        dataPlaneFileRoots: [root],
        dataPlaneTokenTtlS: 300,
        dataPlaneRefreshTtlS: 3600,
      }),
      clockedNode(clock),
    ]);
    const offer = await publishFile(provider, 'parts-2026', 'parts.csv');
    agreementId = await negotiated(consumer, provider, offer);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([consumer?.stop(), provider?.stop()]);
    rmSync(root, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  const cli = (...args: string[]) =>
    runCli(['transfer', ...args, '--node', consumer.node.url, '--api-key', consumer.apiKey]);
  /** `transfer pull` to stdout, its output kept as bytes (a string per chunk would split characters). */
  async function cliBytes(id: string) {
    const child = spawn(
      process.execPath,
      [cliPath, 'transfer', 'pull', id, '--node', consumer.node.url, '--api-key', consumer.apiKey],
      { env: cleanEnv() },
    );
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stdout: Buffer.concat(chunks), stderr };
  }
  const edr = (id: string) => api<EdrView>(consumer, 'GET', `/transfers/${encodeURIComponent(id)}/edr`);
  const pullWith = (e: { endpoint: string; authorization: string }) =>
    fetch(e.endpoint, { headers: { authorization: `Bearer ${e.authorization}` } });

  async function startedPull(): Promise<string> {
    const requested = await cli('request', agreementId, '--wait', '--json');
    expect(requested.code, requested.stderr).toBe(0);
    const t = JSON.parse(requested.stdout) as { id: string; state: string; reasonCode?: string };
    expect(t.state, `${t.reasonCode}`).toBe('STARTED');
    return t.id;
  }

  it('pulls through the CLI to a file and to stdout, reusing one EDR; the token is never stored or logged in clear', async () => {
    const id = await startedPull();
    const first = await edr(id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ transferId: id, authType: 'bearer' });
    expect(first.body.endpoint).toMatch(/\/data\/transfers\//);
    // the provider's expiresIn (300 s) became an instant on the consumer's clock
    const lifetime = Date.parse(first.body.expiresAt) - clock.now().getTime();
    expect(lifetime).toBeGreaterThan(250_000);
    expect(lifetime).toBeLessThanOrEqual(300_000);

    const file = join(out, '部品表.csv');
    const pulled = await cli('pull', id, '-o', file);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(pulled.stderr).toContain(`pulled ${Buffer.byteLength(content)} bytes to ${file}`);
    expect(existsSync(`${file}.part`)).toBe(false);

    const again = await cliBytes(id);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.equals(Buffer.from(content))).toBe(true);

    // repeated pulls reused the EDR: no refresh happened
    expect((await edr(id)).body.authorization).toBe(first.body.authorization);

    const token = first.body.authorization;
    const view = await transferOf(consumer, id);
    expect(JSON.stringify(view)).not.toContain(token);
    const rows = await consumer.node.context.db.selectFrom('transfers').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    const sealed = await consumer.node.context.db
      .withTables<{ edrs: { tokens_sealed: string; transfer_id: string } }>()
      .selectFrom('edrs')
      .selectAll()
      .execute();
    expect(sealed.map((r) => r.transfer_id)).toContain(id);
    expect(JSON.stringify(sealed)).not.toContain(token);
    expect(consumer.logs()).not.toContain(token);
    expect(provider.logs()).not.toContain(token);
  }, 120_000);

  it('resumes a pull that left a .part file with a byte range', async () => {
    const id = await startedPull();
    const file = join(out, 'resumed.csv');
    const head = Buffer.from(content).subarray(0, 100_000);
    writeFileSync(`${file}.part`, head);
    const pulled = await cli('pull', id, '-o', file);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stderr).toContain(`resuming ${file} at 100000 bytes`);
    expect(readFileSync(file, 'utf8')).toBe(content);
  }, 60_000);

  it('refreshes the token before it expires, one refresh for concurrent callers; the old token stops working', async () => {
    const id = await startedPull();
    const before = (await edr(id)).body;
    // 280 s later the token expires within the consumer's 30 s margin, and still works at the provider
    clock.advance(280_000);
    const answers = await Promise.all(Array.from({ length: 6 }, () => edr(id)));
    for (const a of answers) expect(a.status).toBe(200);
    const tokens = new Set(answers.map((a) => a.body.authorization));
    expect(tokens.size).toBe(1);
    const after = answers[0]!.body;
    expect(after.authorization).not.toBe(before.authorization);
    expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.parse(before.expiresAt));
    // the provider rotated: the old token is refused, the new one serves
    const old = await pullWith(before);
    expect([401, 403]).toContain(old.status);
    await old.body?.cancel();
    const fresh = await pullWith(after);
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toBe(content);
    // and it is reused again until it nears expiry
    expect((await edr(id)).body.authorization).toBe(after.authorization);
    const pulled = await cliBytes(id);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout.equals(Buffer.from(content))).toBe(true);
  }, 60_000);

  it('marks the EDR dead with the reason when the provider refuses the refresh', async () => {
    const id = await startedPull();
    const t = await transferOf(consumer, id);
    await revokeTransferAccess(provider.node.context, String(t.providerPid), 'membership.revoked');
    clock.advance(280_000);
    const refused = await edr(id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'edr.dead' });
    // dead stays dead, without asking the provider again
    const still = await edr(id);
    expect(still.body).toMatchObject({ code: 'edr.dead' });
    const kept = await findEdr(
      consumer.node.context.db,
      consumer.node.context.config.defaultParticipantId,
      id,
      consumer.node.context.participants.nodeSecret,
    );
    expect(kept).toMatchObject({ state: 'dead', reasonCode: 'invalid_grant' });
    const pulled = await cli('pull', id);
    expect(pulled.code).not.toBe(0);
    expect(pulled.stderr.trim().split('\n')).toHaveLength(1);
    expect(pulled.stderr).toMatch(/^musubi: the data access of .+ ended: invalid_grant/);
  }, 60_000);

  it('refuses pulls once the provider terminates: the old token 401/403, its refresh invalid_grant, the CLI one line', async () => {
    const id = await startedPull();
    const e = (await edr(id)).body;
    const kept = await findEdr(
      consumer.node.context.db,
      consumer.node.context.config.defaultParticipantId,
      id,
      consumer.node.context.participants.nodeSecret,
    );
    const theirs = await eventually(
      'provider STARTED',
      () => providerSide(provider, id),
      (p) => p?.state === 'STARTED',
    );
    const terminated = await api(
      provider,
      'POST',
      `/transfers/${encodeURIComponent(String(theirs?.id))}/terminate`,
      {
        reason: '契約解除',
      },
    );
    expect(terminated.status).toBe(200);
    await eventually(
      'consumer TERMINATED',
      () => transferOf(consumer, id),
      (t) => t.state === 'TERMINATED',
    );

    const direct = await pullWith(e);
    expect([401, 403]).toContain(direct.status);
    await direct.body?.cancel();
    const refresh = await fetch(String(kept?.refreshEndpoint), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${kept?.refreshToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: String(kept?.refreshToken),
      }).toString(),
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');

    const viaNode = await edr(id);
    expect(viaNode.status).toBe(409);
    expect(viaNode.body).toMatchObject({ code: 'edr.transfer-not-started' });
    const pulled = await cli('pull', id, '-o', join(out, 'never.csv'));
    expect(pulled.code).not.toBe(0);
    expect(pulled.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^musubi: transfer .+ is TERMINATED, not STARTED$/),
    ]);
    expect(existsSync(join(out, 'never.csv'))).toBe(false);
  }, 60_000);

  it('answers an unknown transfer with 404 and the CLI with one line and a non-zero exit', async () => {
    expect((await edr('urn:uuid:unknown')).status).toBe(404);
    const pulled = await cli('pull', 'urn:uuid:unknown');
    expect(pulled.code).not.toBe(0);
    expect(pulled.stderr.trim().split('\n')).toHaveLength(1);
    expect(pulled.stdout).toBe('');
  });
});
