import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { overTls, startTestNode, type TestNode } from '../support/node.js';
import { call } from './support.js';

/** `musubi ouranos …` against a node over HTTPS: an operator and an application key, then a login with them. */
let n: TestNode;
beforeAll(async () => {
  n = await startTestNode(overTls);
}, 60_000);
afterAll(() => n?.stop());

it('adds an operator and an API key that then log in; bad input is one line and a non-zero exit', async () => {
  const common = ['--node', n.node.url, '--api-key', n.apiKey];
  const key = await runCli(['ouranos', 'apikey', '--label', 'CFPアプリ', ...common]);
  expect(key.stderr).toBe('');
  expect(key.code).toBe(0);
  const apiKey = key.stdout.match(/(oak_\S+)/)?.[1] as string;
  expect(apiKey).toBeDefined();
  const added = await runCli([
    'ouranos',
    'operator',
    'add',
    '--name',
    '部品メーカーC',
    '--address',
    '大阪府大阪市xx',
    '--open-operator-id',
    '3000000000001',
    '--account',
    'c@example.jp',
    ...common,
  ]);
  expect(added.code).toBe(0);
  const password = added.stdout.match(/Password \(shown once, keep it safe\): (\S+)/)?.[1] as string;
  expect(password).toBeDefined();
  const login = await call(
    `${n.node.url}/ouranos`,
    'POST',
    '/auth/login',
    { apiKey },
    { operatorAccountId: 'c@example.jp', accountPassword: password },
  );
  expect(login.status).toBe(201);
  const again = await runCli([
    'ouranos',
    'operator',
    'add',
    '--name',
    '別名',
    '--address',
    'x',
    '--open-operator-id',
    '3000000000001',
    '--account',
    'd@example.jp',
    ...common,
  ]);
  expect(again.code).not.toBe(0);
  expect(again.stderr.trim().split('\n')).toHaveLength(1);
  expect(again.stderr).toMatch(/already exists/);
  expect(n.logs()).not.toContain(password);
  const list = await runCli(['ouranos', 'operator', 'list', '--json', ...common]);
  expect(JSON.parse(list.stdout)).toMatchObject([
    { openOperatorId: '3000000000001', accountId: 'c@example.jp', operatorName: '部品メーカーC' },
  ]);
});

it('registers a partner operator hosted elsewhere and lists it; a bad operator id is one line', async () => {
  const common = ['--node', n.node.url, '--api-key', n.apiKey];
  const operatorId = '6f1c2b9e-3c1a-4d55-9a0e-2b1f3c4d5e6f';
  const flags = (id: string, open: string) => [
    'ouranos',
    'partner',
    'add',
    '--operator-id',
    id,
    '--name',
    '素材メーカーD',
    '--address',
    '愛知県名古屋市xx',
    '--open-operator-id',
    open,
    '--did',
    'did:web:d.example',
    '--connector',
    'https://d.example/dsp',
    ...common,
  ];
  const added = await runCli(flags(operatorId, '4000000000001'));
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
  expect(added.stdout).toContain(`Registered partner ${operatorId} (did:web:d.example)`);
  const listed = await runCli(['ouranos', 'partner', 'list', '--json', ...common]);
  expect(JSON.parse(listed.stdout)).toMatchObject([
    {
      operator: { operatorId, openOperatorId: '4000000000001', operatorName: '素材メーカーD' },
      did: 'did:web:d.example',
      address: 'https://d.example/dsp',
    },
  ]);
  const table = await runCli(['ouranos', 'partner', 'list', ...common]);
  expect(table.stdout.trim()).toBe(
    `${operatorId}\t4000000000001\tdid:web:d.example\thttps://d.example/dsp\t素材メーカーD`,
  );
  const bad = await runCli(flags('not-a-uuid', '4000000000002'));
  expect(bad.code).not.toBe(0);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  // the 法人番号 of an operator hosted here cannot also name a partner
  const clash = await runCli(flags('7f1c2b9e-3c1a-4d55-9a0e-2b1f3c4d5e6f', '3000000000001'));
  expect(clash.code).not.toBe(0);
  expect(clash.stderr).toMatch(/already known/);
  const after = await runCli(['ouranos', 'partner', 'list', '--json', ...common]);
  expect(JSON.parse(after.stdout)).toHaveLength(1);
});
