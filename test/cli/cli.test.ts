import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, runCli, spawnCli } from '../support/cli.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'musubi-cli-'));

/** A single readable line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^musubi: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('musubi CLI', () => {
  it('has --help on every command', async () => {
    for (const args of [
      [],
      ['node'],
      ['node', 'start'],
      ['participant'],
      ['participant', 'create'],
      ['participant', 'list'],
      ['config'],
    ]) {
      const r = await runCli([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: musubi/);
    }
  });

  it('exits 2 with one line for an unknown command or option', async () => {
    const r = await runCli(['nodes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'nodes'/);
    expect((await runCli(['config', '--colour'])).code).toBe(2);
  });

  it('prints every config key with value and source, honouring flags > env > file', async () => {
    const dir = tempDir();
    const file = join(dir, 'musubi.json');
    writeFileSync(
      file,
      JSON.stringify({ port: 7000, bind: '0.0.0.0', defaultParticipantName: '結び製作所' }),
    );
    const r = await runCli(['config', '--json', '--config', file, '--store', dir], {
      env: { MUSUBI_BIND: '127.0.0.9' },
    });
    expect(r.code, r.stderr).toBe(0);
    const rows = Object.fromEntries(JSON.parse(r.stdout).map((x: { key: string }) => [x.key, x]));
    expect(rows.port).toMatchObject({ value: 7000, source: 'file' });
    expect(rows.bind).toMatchObject({ value: '127.0.0.9', source: 'env' });
    expect(rows.store).toMatchObject({ value: dir, source: 'flag' });
    expect(rows.defaultParticipantName).toMatchObject({ value: '結び製作所' });
    expect(rows.logLevel).toMatchObject({ source: 'default' });
    expect(
      Object.values(rows).every((x) => typeof (x as { description: string }).description === 'string'),
    ).toBe(true);
  });

  it('names a bad config value or key in one line and exits 2', async () => {
    const r = await runCli(['config'], { env: { MUSUBI_PORT: 'http' } });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /MUSUBI_PORT: port must be an integer/);
    const file = join(tempDir(), 'bad.json');
    writeFileSync(file, '{"storeDir": "x"}');
    const r2 = await runCli(['config', '--config', file]);
    expect(r2.code).toBe(2);
    expectOneLine(r2.stderr, /unknown key storeDir/);
  });

  it('says in one line that a port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['node', 'start', '--port', String(port), '--store', tempDir()]);
      expect(r.code).toBe(4);
      expectOneLine(r.stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    } finally {
      blocker.close();
    }
  });

  it('says in one line that the store directory cannot be written', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const r = await runCli(['node', 'start', '--port', '0', '--store', join(file, 'store')]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /store directory .* is not writable \(ENOTDIR\)/);
  });

  it('says in one line that the database file is corrupt, and leaves it untouched', async () => {
    const store = tempDir();
    const garbage = 'これはデータベースではありません'.repeat(200);
    writeFileSync(join(store, 'musubi.db'), garbage);
    const r = await runCli(['node', 'start', '--port', '0', '--store', store]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /database file .*musubi\.db is not a valid SQLite database/);
    expect(readFileSync(join(store, 'musubi.db'), 'utf8')).toBe(garbage);
  });

  it('creates participants offline, refusing a bad corporate number and a duplicate id', async () => {
    const store = tempDir();
    const ok = await runCli([
      'participant',
      'create',
      'musubi-seisakusho',
      '--name',
      '結び製作所',
      '--corporate-number',
      '7000012050002',
      '--json',
      '--store',
      store,
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      id: 'musubi-seisakusho',
      apiKey: expect.stringMatching(/^msk_musubi-seisakusho_/),
    });
    const dup = await runCli(['participant', 'create', 'musubi-seisakusho', '--name', 'x', '--store', store]);
    expect(dup.code).toBe(4);
    expectOneLine(dup.stderr, /already exists/);
    const bad = await runCli([
      'participant',
      'create',
      'other',
      '--name',
      'x',
      '--corporate-number',
      '1234567890123',
      '--store',
      store,
    ]);
    expect(bad.code).toBe(2);
    expectOneLine(bad.stderr, /not a valid 13-digit 法人番号/);
    const missing = await runCli(['participant', 'issue-key', 'nobody', '--store', store]);
    expect(missing.code).toBe(3);
    const list = await runCli(['participant', 'list', '--json', '--store', store]);
    expect(JSON.parse(list.stdout).map((p: { id: string }) => p.id)).toEqual(['musubi-seisakusho']);
  });

  it('finishes an in-flight request on SIGTERM, then closes the store and exits 0', async () => {
    const store = tempDir();
    const node = spawnCli(process.execPath, [cliPath, 'node', 'start', '--port', '0', '--store', store]);
    const [, key] = await node.waitFor(/API key \(shown once, keep it safe\): (\S+)/);
    // HTTPS by default, with a certificate from the local CA the node made in its store.
    const [, url] = await node.waitFor(/listening on (https:\/\/\S+)/);
    const [, caFile] = await node.waitFor(/Local CA \(curl --cacert, musubi --ca\): (\S+)/);
    expect(caFile).toBe(join(store, 'ca', 'ca.pem'));
    const ca = readFileSync(caFile!, 'utf8');
    const cert = readFileSync(join(store, 'tls', 'server.pem'), 'utf8');
    const body = JSON.stringify({
      id: 'during-shutdown',
      title: '停止中の登録',
      dataAddress: { type: 'HttpData' },
    });
    const { request } = await import('node:https');
    const req = request(`${url}/management/v1/assets`, {
      ca,
      method: 'POST',
      headers: {
        'x-api-key': key!,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    const half = Buffer.from(body).subarray(0, 20);
    req.write(half);
    // The node logs each request as it routes it: from then on the request is in flight.
    await node.waitFor(/"msg":"incoming request"/, 30_000, 'stderr');
    node.signal('SIGTERM');
    await node.waitFor(/Shutting down \(SIGTERM\)/);
    req.end(Buffer.from(body).subarray(20));
    const answer = await response;
    expect(answer.status, answer.text).toBe(201);
    expect(await node.exited).toBe(0);
    expect(node.stdout()).toMatch(/Stopped\./);

    const again = spawnCli(process.execPath, [cliPath, 'node', 'start', '--port', '0', '--store', store]);
    const [, url2] = await again.waitFor(/listening on (https:\/\/\S+)/);
    expect(again.stdout()).not.toMatch(/API key/);
    // A restart keeps the CA and the certificate: what clients trust stays trusted.
    expect(readFileSync(caFile!, 'utf8')).toBe(ca);
    expect(readFileSync(join(store, 'tls', 'server.pem'), 'utf8')).toBe(cert);
    const shown = await runCli([
      'asset',
      'show',
      'during-shutdown',
      '--node',
      url2!,
      '--api-key',
      key!,
      '--ca',
      caFile!,
    ]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('停止中の登録');
    again.signal('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
