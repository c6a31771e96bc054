import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { didDocument } from '../../src/dataspace/identity/index.js';
import { publicKeysOf } from '../../src/node/participants.js';
import { openDatabase } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';

/** `musubi audit` end to end through the built CLI: store verify, export, offline verify, mistakes. */
describe('musubi audit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-audit-cli-'));
  const store = join(dir, 'store');
  const cli = (...args: string[]) => runCli(['--store', store, ...args]);
  const exported = join(dir, 'export.jsonl');
  const didFile = join(dir, 'did.json');
  const jwkFile = join(dir, 'keys.jwks.json');

  beforeAll(async () => {
    expect((await cli('participant', 'create', 'kyoto', '--name', '京都精機株式会社')).code).toBe(0);
    expect((await cli('participant', 'issue-key', 'kyoto', '--label', '保守担当')).code).toBe(0);
    const cp = await cli('audit', 'checkpoint', '--participant', 'kyoto');
    expect(cp.stdout).toMatch(/^checkpoint 3 signed/);
    expect((await cli('participant', 'issue-key', 'kyoto')).code).toBe(0);
    const out = await cli('audit', 'export', '--participant', 'kyoto');
    expect(out.code).toBe(0);
    writeFileSync(exported, out.stdout);
    const database = await openDatabase({ engine: 'sqlite', file: join(store, 'musubi.db') });
    const keys = await publicKeysOf(database.db, 'kyoto');
    await database.close();
    writeFileSync(didFile, JSON.stringify(didDocument('did:web:example.jp:p:kyoto', keys)));
    writeFileSync(jwkFile, JSON.stringify({ keys }));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies the store with one line and exit 0', async () => {
    const r = await cli('audit', 'verify', '--participant', 'kyoto');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('audit chain intact: 4 entries (1–4), 1 signed checkpoints, last at 3');
  });

  it('exports every entry as one JSON line each', () => {
    const lines = readFileSync(exported, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3, 4]);
    expect(JSON.parse(lines[2] ?? '{}').signature).toMatch(/^ey/);
  });

  it('verifies an export offline with a DID document file or a JWK Set', async () => {
    const byDid = await runCli(['audit', 'verify', '--file', exported, '--did', didFile]);
    expect([byDid.code, byDid.stdout.trim()]).toEqual([
      0,
      'audit chain intact: 4 entries (1–4), 1 signed checkpoints, last at 3',
    ]);
    const byJwk = await runCli(['audit', 'verify', '--file', exported, '--jwk', jwkFile, '--json']);
    expect(byJwk.code).toBe(0);
    expect(JSON.parse(byJwk.stdout)).toMatchObject({ intact: true, checkpoints: 1 });
  });

  it('names the edited line of a tampered export, exit 4, one line', async () => {
    const lines = readFileSync(exported, 'utf8').trim().split('\n');
    const second = JSON.parse(lines[1] ?? '{}');
    lines[1] = JSON.stringify({ ...second, actor: 'someone-else' });
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, `${lines.join('\n')}\n`);
    const r = await runCli(['audit', 'verify', '--file', tampered, '--did', didFile]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([
      'musubi: audit chain broken at entry 2 (edited): entry 2 was edited: its content no longer matches its hash',
    ]);
  });

  it('refuses a checkpoint made with another key', async () => {
    const other = didDocument('did:web:example.jp:p:other', [
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
        kid: keyIdOf(exported),
      },
    ]);
    const otherFile = join(dir, 'other.json');
    writeFileSync(otherFile, JSON.stringify(other));
    const r = await runCli(['audit', 'verify', '--file', exported, '--did', otherFile]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /entry 3 \(signature\): checkpoint 3 does not hold: its signature does not verify/,
    );
  });

  it('turns mistakes into one readable line and a non-zero exit', async () => {
    const cases: [string[], number, RegExp][] = [
      [['audit', 'verify', '--file', join(dir, 'none.jsonl'), '--did', didFile], 2, /cannot read/],
      [['audit', 'verify', '--file', exported], 2, /exactly one of --did/],
      [['audit', 'verify', '--file', exported, '--did', exported], 2, /is not JSON/],
      [['audit', 'verify', '--file', didFile, '--did', didFile], 2, /line 1 of the export/],
      [['--store', store, 'audit', 'verify', '--participant', '存在しない'], 3, /not found/],
      [['--store', store, 'audit', 'export', '--participant', 'kyoto', '--from', '昨日'], 2, /is not a date/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), code]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

function keyIdOf(file: string): string {
  const cp = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .find((e) => e.signature);
  return JSON.parse(Buffer.from(cp.signature.split('.')[0], 'base64url').toString()).kid;
}
