import type { Block } from '../document/index.js';
import type { ChunkCut } from './chunk.js';

/**
 * The atoms the packer moves: a whole block, a whole procedure, a table row, or a sentence / clause /
 * character run of a block too long for the budget. Units never get cut; only the boundaries between them
 * become chunk boundaries.
 */
export interface Unit {
  readonly text: string;
  /** Blocks whose text this unit holds, in reading order. */
  readonly blocks: readonly Block[];
  /** Set when the unit is a piece of one block: pieces of the same block join with nothing between them. */
  readonly pieceOf?: string;
  /** What a chunk boundary just before this unit would cut. */
  readonly startCut: ChunkCut;
  /** Headings and leading cautions: never the last unit of a chunk that has other units. */
  readonly keepWithNext: boolean;
  /** Steps and list items join with a single newline. */
  readonly listLike: boolean;
  /** Narrowed source span of a piece, when the block's span maps 1:1 onto its text. */
  readonly span?: readonly [number, number];
  /** Context header additions: table captions, the title of a split procedure outside the heading path. */
  readonly extras: readonly string[];
  /** A row of a split table: its header lines are written before the first row of the table in each chunk. */
  readonly table?: { readonly id: string; readonly header: string };
  /** 0-based row of a table row unit in its table (header rows counted), to narrow a sheet range. */
  readonly row?: number;
  /** A copy of the previous chunk's tail, present only because the budget asked for overlap. */
  readonly repeated?: boolean;
}

const CUT_ORDER: readonly ChunkCut[] = ['block', 'row', 'sentence', 'line', 'clause', 'character'];

export function finerCut(a: ChunkCut, b: ChunkCut): ChunkCut {
  return CUT_ORDER.indexOf(a) >= CUT_ORDER.indexOf(b) ? a : b;
}

function separator(prev: Unit, next: Unit): string {
  if (prev.pieceOf !== undefined && prev.pieceOf === next.pieceOf && !prev.table) return '';
  // Rows of one table (whole rows or pieces of an over-long row) stay one line apart.
  const table = prev.blocks.length === 1 && prev.blocks[0]!.kind === 'table' ? prev.blocks[0] : undefined;
  if (table && next.blocks.length === 1 && next.blocks[0] === table) return '\n';
  if (prev.listLike && next.listLike) return '\n';
  return '\n\n';
}

/** `text` (the joined units up to `prev`) followed by `unit`, as `joinUnits` writes it. */
function appendUnit(text: string, prev: Unit | undefined, unit: Unit): string {
  let out = text;
  if (prev) out += separator(prev, unit);
  if (unit.table?.header && prev?.table?.id !== unit.table.id) out += `${unit.table.header}\n`;
  return out + unit.text;
}

/** The chunk text of consecutive units; a split table's header precedes its first row in the chunk. */
export function joinUnits(units: readonly Unit[]): string {
  let out = '';
  units.forEach((unit, i) => {
    out = appendUnit(out, units[i - 1], unit);
  });
  return out;
}

function addExtras(parts: string[], unit: Unit): void {
  for (const extra of unit.extras) if (!parts.includes(extra)) parts.push(extra);
}

/** Document title › heading path › extras (captions, procedure titles), without repeats. */
export function contextOf(base: readonly string[], units: readonly Unit[]): string {
  const parts = [...base];
  for (const unit of units) addExtras(parts, unit);
  return parts.join(' › ');
}

function withContext(context: string, text: string): string {
  return context ? `${context}\n\n${text}` : text;
}

/** Exactly what `chunkContent` yields for a chunk made of these units (before any LLM context). */
export function composed(base: readonly string[], units: readonly Unit[]): string {
  return withContext(contextOf(base, units), joinUnits(units));
}

/**
 * A chunk being filled one unit at a time: its joined text and header parts are extended, never rebuilt,
 * so filling a chunk of n units costs O(n) string work instead of O(n²) (`composed` on every prefix).
 */
export class GrowingChunk {
  readonly units: Unit[] = [];
  #parts: string[];
  #text = '';

  constructor(readonly base: readonly string[]) {
    this.#parts = [...base];
  }

  /** `composed(base, [...units, unit])`, without adding `unit`. */
  composedWith(unit: Unit): string {
    const parts = [...this.#parts];
    addExtras(parts, unit);
    return withContext(parts.join(' › '), appendUnit(this.#text, this.units.at(-1), unit));
  }

  add(unit: Unit): void {
    this.#text = appendUnit(this.#text, this.units.at(-1), unit);
    addExtras(this.#parts, unit);
    this.units.push(unit);
  }
}
