import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';

/** docs/conformance.md says which scenarios pass: it must say what the suite really runs. */
const doc = readFileSync(join(repoRoot, 'docs', 'conformance.md'), 'utf8');
const dir = join(repoRoot, 'test', 'conformance');
const read = (suffix: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
const running = read('.test.ts');
const pending = read('.pending.ts');

const rows = [
  ...doc.matchAll(/^\| ((?:MET|CAT|CN|CN_C|TP|TP_C):\d\d-\d\d) \|.*\| (passes|not yet passing: .+) \|$/gm),
];
/** A scenario is in a file when a test title there starts with its id (template titles are expanded). */
const titled = (text: string, id: string) => {
  const [group, n] = id.split(':') as [string, string];
  const [a, b] = n.split('-') as [string, string];
  return (
    text.includes(`'${id}:`) ||
    text.includes(`\`${id}:`) ||
    (new RegExp(`\`${group}:\\$\\{group\\}-${b}:`).test(text) && ['01', '02'].includes(a)) ||
    (new RegExp(`\`${group}:${a}-\\$\\{id\\}:`).test(text) && new RegExp(`\\['${b}',`).test(text))
  );
};

describe('docs/conformance.md', () => {
  it('lists all 67 TCK scenarios once', () => {
    const ids = rows.map((r) => r[1]);
    expect(ids).toHaveLength(67);
    expect(new Set(ids).size).toBe(67);
  });

  it('calls passing exactly the scenarios the suite runs, and names the reason for the others', () => {
    for (const [, id, status] of rows) {
      if (status === 'passes') expect(titled(running, id as string), `${id} runs`).toBe(true);
      else
        expect(titled(pending, id as string) && !titled(running, id as string), `${id} pending`).toBe(true);
    }
  });

  it('holds a TCK properties file with the standard keys and the seeded ids', () => {
    const props = doc.slice(
      doc.indexOf('```properties'),
      doc.indexOf('```', doc.indexOf('```properties') + 3),
    );
    for (const key of [
      'dataspacetck.dsp.connector.agent.id',
      'dataspacetck.dsp.connector.http.url=http://localhost:8080/dsp/2025-1',
      'dataspacetck.dsp.connector.http.base.url=http://localhost:8080',
      'dataspacetck.dsp.connector.http.headers.authorization=musubi-tck',
      'dataspacetck.dsp.connector.negotiation.initiate.url=http://localhost:8080/dsp/tck/negotiations/requests',
      'dataspacetck.dsp.connector.transfer.initiate.url=http://localhost:8080/dsp/tck/transfers/requests',
      'CN_01_01_OFFERID=CD123:ACN0101:456',
      'CN_03_04_DATASETID=ACN0304',
      'CN_C_03_06_DATASETID=ACNC0306',
      'TP_03_06_AGREEMENTID=ATP0306',
      'TP_C_01_01_FORMAT=HttpData-PULL',
    ])
      expect(props).toContain(key);
  });
});
