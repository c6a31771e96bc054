import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { type Company, company, ok, outboxReaches, own, supplierCell } from './support.js';

/** `musubi pcf …` against two nodes: the customer's side of the worked check, driven from the command line. */
describe('musubi pcf', () => {
  let a: Company;
  let b: Company;
  let dir: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([company(), company({ autoLink: true })]);
    await supplierCell(b, 'cell-01');
    dir = mkdtempSync(join(tmpdir(), 'musubi-pcf-'));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const pcf = (...args: string[]) => runCli(['pcf', ...args, '--node', a.node.url, '--api-key', a.apiKey]);

  it('puts parts, imports a Japanese BOM, links, asks and prints 80.5 with its data quality', async () => {
    writeFileSync(join(dir, 'own-a.json'), JSON.stringify(own('3.0', '20.0', '1', '100')));
    writeFileSync(join(dir, 'bom.csv'), '親品番,子品番,子品名,数量,単位\nA,A1,セル,5,kg\n');
    const put = await pcf(
      'part',
      'put',
      'A',
      '--name',
      '電池パック',
      '--unit',
      '個',
      '--own',
      join(dir, 'own-a.json'),
    );
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toBe('A\tpiece\t電池パック\n');
    const imported = await pcf('bom-import', join(dir, 'bom.csv'));
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe('imported 1 lines for A\n');
    const linked = await pcf(
      'link',
      'A1',
      '--supplier',
      b.did,
      '--address',
      b.node.url,
      '--part',
      'urn:pact:b.example:cell-01',
    );
    expect(linked.code, linked.stderr).toBe(0);
    const sent = await pcf('request', 'send', 'A1', '--message', '年度報告用', '--due', '2026-12-31');
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('\toutbox\trequested\turn:pact:b.example:cell-01\tA1\t');
    await outboxReaches(a, 'A1', 'answered');
    const results = await pcf('results', 'A');
    expect(results.code, results.stderr).toBe(0);
    expect(results.stdout.split('\n').slice(0, 4)).toEqual([
      'A\t80.5 kgCO2e/piece',
      '  pre  own 3 + components 7.5\tTeR 1.71429 GeR 1.71429 TiR 1.71429',
      '  main own 20 + components 50\tTeR 1.71429 GeR 1.71429 TiR 1.71429',
      '  primary data share 57.14 %',
    ]);
  }, 60_000);

  it('refuses a bad BOM file with one readable line and a non-zero exit; nothing is stored', async () => {
    writeFileSync(join(dir, 'bad.csv'), '親品番,子品番,数量,単位\nA,A2,1,kg\nA,A3,１０本,kg\n');
    const before = await ok(a, 'GET', '/footprint/bom');
    const r = await pcf('bom-import', join(dir, 'bad.csv'));
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('line 3: quantity "１０本" is not a number');
    expect(await ok(a, 'GET', '/footprint/bom')).toEqual(before);
  }, 60_000);
});
