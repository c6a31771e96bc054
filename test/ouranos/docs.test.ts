import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWalkThrough, shellBlock } from '../pact/walkthrough.js';
import { repoRoot } from '../support/cli.js';
import { overTls, startTestNode, type TestNode } from '../support/node.js';
import { documented, schemaErrors } from './support.js';

interface CfpRecord {
  traceId: string;
  cfpType: string;
  ghgEmission: number;
  dqrValue: { TeR: number; GeR: number; TiR: number };
}

const dqr = (x: number) => ({ TeR: x, GeR: x, TiR: x });

/** README's Ouranos section, run line for line over HTTPS: two operators of one node trade a CFP. */
describe('the Ouranos section of the README', () => {
  let node: TestNode;
  let dir: string;
  beforeAll(async () => {
    node = await startTestNode(overTls);
    dir = mkdtempSync(join(tmpdir(), 'musubi-ouranos-readme-'));
  });
  afterAll(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds a key and two operators, asks and answers, and reads the answer and the totals', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const lines = shellBlock(readme, /^## The Ouranos-compatible API$/m);
    expect(lines).toHaveLength(18);
    const { code, out, err } = await runWalkThrough({
      lines,
      node,
      cwd: dir,
      replace: [['docs/ouranos/', `${join(repoRoot, 'docs', 'ouranos')}/`]],
    });
    expect(code, err).toBe(0);
    // the supplier's view of the request is one line; curl's answer to the last line follows without a newline
    const [supplierView = '', read = ''] = out.split('\n');
    expect(JSON.parse(supplierView)).toMatchObject({ partsName: '電池セル', amountRequired: null });
    const body = JSON.parse(read) as CfpRecord[];
    const doc = await documented('GET', '/api/v1/datatransport?dataTarget=cfp&traceIds=x');
    expect(schemaErrors(doc.schema as object, body)).toEqual([]);
    const structure = JSON.parse(readFileSync(join(dir, 'structure.json'), 'utf8')) as {
      parentPartsModel: { traceId: string };
      childrenPartsModel: { traceId: string }[];
    };
    const of = (traceId: string | undefined) =>
      Object.fromEntries(body.filter((r) => r.traceId === traceId).map((r) => [r.cfpType, r]));
    const cell = of(structure.childrenPartsModel[0]?.traceId);
    expect(cell.preProductionResponse).toMatchObject({ ghgEmission: 2, dqrValue: dqr(2) });
    expect(cell.mainProductionResponse).toMatchObject({ ghgEmission: 8, dqrValue: dqr(1) });
    const unit = of(structure.parentPartsModel.traceId);
    expect(unit.preProductionTotal).toMatchObject({ ghgEmission: 3, dqrValue: dqr(1.625) });
    expect(unit.preComponentTotal).toMatchObject({ ghgEmission: 5, dqrValue: dqr(1.625) });
    expect(unit.mainProductionTotal).toMatchObject({ ghgEmission: 12, dqrValue: dqr(1.375) });
    expect(unit.mainComponentTotal).toMatchObject({ ghgEmission: 20, dqrValue: dqr(1.375) });
    expect(unit.preProductionResponse).toBeUndefined();
  });
});
