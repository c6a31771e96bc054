import type { Block } from '../document/index.js';
import type { ChunkLocation } from './chunk.js';
import { boundingBox, type CellBox, formatRange, parseRange } from './sheet-range.js';
import type { Unit } from './unit.js';

function range(values: readonly number[]): readonly [number, number] | undefined {
  return values.length ? [Math.min(...values), Math.max(...values)] : undefined;
}

/** A table row's own cells when the table's range has exactly one sheet row per table row. */
function cellRange(block: Block, row: number | undefined): string | undefined {
  const raw = block.location.range;
  if (raw === undefined || row === undefined || block.kind !== 'table') return raw;
  const box = parseRange(raw);
  if (!box || box.row1 - box.row0 + 1 !== block.rows.length) return raw;
  return formatRange({ ...box, row0: box.row0 + row, row1: box.row0 + row });
}

/** One rectangle per sheet (in reading order) when every range parses; otherwise the ranges as given. */
function sheetRanges(
  cells: readonly { sheet?: string; range?: string }[],
): Pick<ChunkLocation, 'sheets' | 'ranges'> {
  const withRange = cells.filter((c) => c.range !== undefined || c.sheet !== undefined);
  if (withRange.length === 0) return {};
  const sheets = [...new Set(withRange.map((c) => c.sheet ?? ''))];
  const ranges = sheets.flatMap((sheet) => {
    const raw = withRange
      .filter((c) => (c.sheet ?? '') === sheet && c.range !== undefined)
      .map((c) => c.range!);
    const boxes = raw.map(parseRange);
    if (boxes.every((b): b is CellBox => b !== undefined)) {
      const box = boundingBox(boxes);
      return box ? [formatRange(box)] : [];
    }
    return [...new Set(raw)];
  });
  const named = sheets.filter((s) => s !== '');
  return { ...(named.length ? { sheets: named } : {}), ...(ranges.length ? { ranges } : {}) };
}

/**
 * The union of the units' block locations. A piece contributes only its own narrowed span, a row of a split
 * table only its own sheet row; ranges merge into one rectangle per sheet (`ranges[i]` lies in `sheets[i]`).
 */
export function mergeLocations(units: readonly Unit[]): ChunkLocation {
  const located = units.flatMap((u) =>
    u.blocks.map((b) => ({ loc: b.location, span: u.span ?? b.location.span, range: cellRange(b, u.row) })),
  );
  const spans = located.flatMap((l) => (l.span ? [l.span] : []));
  const pages = range(located.flatMap((l) => (l.loc.page === undefined ? [] : [l.loc.page])));
  const lines = located.flatMap((l) => (l.loc.lines ? [...l.loc.lines] : []));
  const paragraphs = range(located.flatMap((l) => (l.loc.paragraph === undefined ? [] : [l.loc.paragraph])));
  const span = spans.length
    ? ([Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1]))] as const)
    : undefined;
  const cells = located.map((l) => ({
    ...(l.loc.sheet !== undefined ? { sheet: l.loc.sheet } : {}),
    ...(l.range !== undefined ? { range: l.range } : {}),
  }));
  return {
    ...(pages ? { pages } : {}),
    ...(span ? { span } : {}),
    ...(lines.length ? { lines: range(lines)! } : {}),
    ...(paragraphs ? { paragraphs } : {}),
    ...sheetRanges(cells),
  };
}
