import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { auditFigures } from './audit.js';
import { dataplaneFigures } from './dataplane.js';
import { dataspaceFigures } from './dataspace.js';
import { footprintFigures } from './footprint.js';
import { footprintCascadeFigures } from './footprint-cascade.js';
import { foundationFigures } from './foundation.js';
import type { Figure } from './measure.js';
import { ouranosFigures } from './ouranos.js';
import { pactFigures } from './pact.js';
import { parserFigures } from './parsers.js';
import { policyFigures } from './policy.js';
import { qualityFigures } from './quality.js';
import { type BenchmarkRecord, figureLine, mergeRun, renderMarkdown } from './record.js';
import { refineryFigures } from './refinery.js';
import { trustFigures } from './trust.js';

/**
 * `npm run bench [-- --only <group>] [-- --json] [-- --record] [-- --quick]`: prints the figures, as text or
 * JSON; `--record` merges them into docs/benchmarks.json (replacing the rows of the groups that ran) and
 * regenerates docs/benchmarks.md from it. `--quick` runs the groups that take it at a small size (fewer
 * requests, a smaller file) to check that they work; such figures are not recorded.
 */
const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    record: { type: 'boolean' },
    quick: { type: 'boolean' },
    only: { type: 'string' },
    // the PACT floor is over 10,000 footprints; a smaller count checks the bench runs (nothing to record)
    'pact-footprints': { type: 'string', default: '10000' },
    datasets: {
      type: 'string',
      default: fileURLToPath(new URL('../../../shared/datasets', import.meta.url)),
    },
  },
});

const groups: Record<string, () => Promise<Figure[]>> = {
  foundation: foundationFigures,
  refinery: () => refineryFigures(values.datasets ?? ''),
  quality: () => qualityFigures(values.datasets ?? ''),
  parsers: () => parserFigures(values.datasets ?? ''),
  dataspace: () => dataspaceFigures(),
  dataplane: () => dataplaneFigures(values.quick ? { fileBytes: 64 * 2 ** 20, rounds: 1 } : {}),
  policy: policyFigures,
  audit: auditFigures,
  footprint: footprintFigures,
  trust: () => trustFigures({ quick: values.quick ?? false }),
  pact: () => pactFigures(Number(values['pact-footprints'])),
  'footprint-cascade': () => footprintCascadeFigures(values.quick ? 1 : 3),
  ouranos: () => ouranosFigures(),
};
if (values.quick && values.record) {
  process.stderr.write('bench: --quick figures are for checking a group runs, not for the record\n');
  process.exit(2);
}
const chosen = Object.keys(groups).filter((name) => !values.only || values.only === name);
if (chosen.length === 0) {
  process.stderr.write(`bench: no group ${values.only} (groups: ${Object.keys(groups).join(', ')})\n`);
  process.exit(2);
}

const figures: (Figure & { group: string })[] = [];
for (const name of chosen) {
  process.stderr.write(`bench: ${name}…\n`);
  for (const f of await (groups[name] as () => Promise<Figure[]>)()) figures.push({ ...f, group: name });
}
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);

if (values.json) {
  process.stdout.write(`${JSON.stringify({ machine, date, figures }, null, 2)}\n`);
} else {
  for (const f of figures) process.stdout.write(`${figureLine(f)}\n`);
}

if (values.record) {
  const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
  const recordFile = `${docs}benchmarks.json`;
  const record = mergeRun(JSON.parse(readFileSync(recordFile, 'utf8')) as BenchmarkRecord, chosen, {
    date,
    machine,
    figures,
  });
  writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(`${docs}benchmarks.md`, renderMarkdown(record));
  process.stderr.write(
    `bench: recorded ${figures.length} figures of ${chosen.join(', ')} in docs/benchmarks.{json,md}\n`,
  );
}
