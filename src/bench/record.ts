import type { Figure } from './measure.js';

/** A figure as docs/benchmarks.json keeps it: with the group that measured it, and where and when. */
export interface RecordedFigure extends Figure {
  readonly group: string;
  readonly date: string;
  readonly machine: string;
  /** Set on rows carried over from a table written before figures were recorded per group. */
  readonly against?: string;
}

export interface BenchmarkRecord {
  readonly figures: readonly RecordedFigure[];
}

/**
 * The record after a run of `groups`: that run's figures replace every earlier figure of those groups (a
 * figure a group no longer emits disappears with it), other groups' rows stay as they were, in group order.
 */
export function mergeRun(
  record: BenchmarkRecord,
  groups: readonly string[],
  run: {
    readonly date: string;
    readonly machine: string;
    readonly figures: readonly (Figure & { group: string })[];
  },
): BenchmarkRecord {
  const replaced = new Set(groups);
  const kept = record.figures.filter((f) => !replaced.has(f.group));
  const fresh = run.figures.map((f) => ({ ...f, date: run.date, machine: run.machine }));
  const order = [...new Set([...record.figures.map((f) => f.group), ...groups])];
  const all = [...kept, ...fresh];
  return { figures: order.flatMap((g) => all.filter((f) => f.group === g)) };
}

const round = (v: number) => (v >= 100 ? Math.round(v) : Math.round(v * 100) / 100);

export function ratioText(f: Figure): string {
  return f.baseline
    ? `${round(f.value / f.baseline.value)}× of ${f.baseline.name} (${round(f.baseline.value)} ${f.unit})`
    : '';
}

export function figureLine(f: Figure): string {
  return `${f.name}: ${round(f.value)} ${f.unit} ${ratioText(f)}${f.note ? ` (${f.note})` : ''}`;
}

/** docs/benchmarks.md: one table per group, each headed by the machine and date it was measured on. */
export function renderMarkdown(record: BenchmarkRecord): string {
  const groups = [...new Set(record.figures.map((f) => f.group))];
  const sections = groups.flatMap((group) => {
    const rows = record.figures.filter((f) => f.group === group);
    const runs = [...new Set(rows.map((f) => `${f.date} on ${f.machine}`))];
    return [
      `## ${group}`,
      '',
      `Measured ${runs.join('; ')} — \`npm run bench -- --only ${group} --record\`.`,
      '',
      '| figure | value | against the same-run baseline |',
      '| --- | --- | --- |',
      ...rows.map(
        (f) =>
          `| ${f.name} | ${round(f.value)} ${f.unit} | ${f.against ?? ([ratioText(f), f.note ?? ''].filter(Boolean).join('; ') || '—')} |`,
      ),
      '',
    ];
  });
  return [
    '# Benchmarks',
    '',
    'Generated from docs/benchmarks.json by `npm run bench -- [--only <group>] --record`, which replaces the rows of',
    'the groups it ran and keeps the others; do not edit by hand. Timings vary with the machine: compare the',
    'ratio to the same-run baseline, not the absolute figure.',
    '',
    ...sections,
  ].join('\n');
}
