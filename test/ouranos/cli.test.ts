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
