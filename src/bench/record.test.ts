import { describe, expect, it } from 'vitest';
import { mergeRun, renderMarkdown } from './record.js';

const old = (group: string, name: string, value: number) => ({
  group,
  name,
  value,
  unit: 'ops/s',
  date: '2026-11-25',
  machine: 'old machine',
});

describe('benchmark record', () => {
  it('replaces only the groups that ran, keeps group order, and drops figures a group no longer emits', () => {
    const record = {
      figures: [
        old('foundation', 'store: writes', 1),
        old('audit', 'audit: append', 2),
        old('audit', 'audit: gone', 3),
      ],
    };
    const merged = mergeRun(record, ['audit', 'footprint'], {
      date: '2026-12-06',
      machine: 'new machine',
      figures: [
        { group: 'footprint', name: 'footprint: 10,000-part BOM', value: 0.2, unit: 's' },
        {
          group: 'audit',
          name: 'audit: append',
          value: 5100,
          unit: 'ops/s',
          baseline: { name: 'alone', value: 6000 },
        },
      ],
    });
    expect(merged.figures.map((f) => [f.group, f.name, f.value, f.date])).toEqual([
      ['foundation', 'store: writes', 1, '2026-11-25'],
      ['audit', 'audit: append', 5100, '2026-12-06'],
      ['footprint', 'footprint: 10,000-part BOM', 0.2, '2026-12-06'],
    ]);
    const md = renderMarkdown(merged);
    expect(md).toContain('## audit\n\nMeasured 2026-12-06 on new machine');
    expect(md).toContain('| audit: append | 5100 ops/s | 0.85× of alone (6000 ops/s) |');
    expect(md).toContain('| store: writes | 1 ops/s | — |');
    expect(md).not.toContain('audit: gone');
  });
});
