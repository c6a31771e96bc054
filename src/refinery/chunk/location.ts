import type { ChunkLocation } from './chunk.js';
import type { Unit } from './unit.js';

function range(values: readonly number[]): readonly [number, number] | undefined {
  return values.length ? [Math.min(...values), Math.max(...values)] : undefined;
}

function distinct(values: readonly (string | undefined)[]): readonly string[] | undefined {
  const out = [...new Set(values.filter((v): v is string => v !== undefined))];
  return out.length ? out : undefined;
}

/** The union of the units' block locations; a piece contributes only its own narrowed span. */
export function mergeLocations(units: readonly Unit[]): ChunkLocation {
  const located = units.flatMap((u) =>
    u.blocks.map((b) => ({ loc: b.location, span: u.span ?? b.location.span })),
  );
  const spans = located.flatMap((l) => (l.span ? [l.span] : []));
  const pages = range(located.flatMap((l) => (l.loc.page === undefined ? [] : [l.loc.page])));
  const lines = located.flatMap((l) => (l.loc.lines ? [...l.loc.lines] : []));
  const paragraphs = range(located.flatMap((l) => (l.loc.paragraph === undefined ? [] : [l.loc.paragraph])));
  const span = spans.length
    ? ([Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1]))] as const)
    : undefined;
  const sheets = distinct(located.map((l) => l.loc.sheet));
  const ranges = distinct(located.map((l) => l.loc.range));
  return {
    ...(pages ? { pages } : {}),
    ...(span ? { span } : {}),
    ...(lines.length ? { lines: range(lines)! } : {}),
    ...(paragraphs ? { paragraphs } : {}),
    ...(sheets ? { sheets } : {}),
    ...(ranges ? { ranges } : {}),
  };
}
