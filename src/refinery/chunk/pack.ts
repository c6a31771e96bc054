import type { ResolvedBudget } from './budget.js';
import { composed, GrowingChunk, joinUnits, type Unit } from './unit.js';

/** Whether units make a chunk within budget, header included. */
export function fitsBudget(base: readonly string[], units: readonly Unit[], budget: ResolvedBudget): boolean {
  return budget.measure(composed(base, units)) <= budget.size;
}

/**
 * The previous chunk's trailing sentences of the block the next chunk continues, as repeated copies, at most
 * `overlap` long. Only prose pieces overlap: repeating table rows or steps would blur what a chunk holds.
 */
function overlapTail(closed: readonly Unit[], next: Unit, budget: ResolvedBudget): Unit[] {
  if (budget.overlap <= 0 || next.pieceOf === undefined || next.blocks[0]?.kind === 'table') return [];
  const tail: Unit[] = [];
  for (let i = closed.length - 1; i >= 0; i--) {
    const unit = closed[i]!;
    if (unit.pieceOf !== next.pieceOf || unit.table || unit.repeated) break;
    const candidate = [{ ...unit, repeated: true }, ...tail];
    if (budget.measure(joinUnits(candidate)) > budget.overlap) break;
    tail.unshift(candidate[0]!);
  }
  return tail;
}

/**
 * Greedy packing in reading order. A unit that does not fit closes the chunk; trailing keep-with-next units
 * (headings, leading cautions) move on with it, and overlap copies are dropped before anything else is.
 */
export function pack(units: readonly Unit[], base: readonly string[], budget: ResolvedBudget): Unit[][] {
  const chunks: Unit[][] = [];
  const growing = (start: readonly Unit[]): GrowingChunk => {
    const chunk = new GrowingChunk(base);
    for (const u of start) chunk.add(u);
    return chunk;
  };
  let current = growing([]);
  for (const unit of units) {
    // Units are built to fit alone, so an empty chunk always takes the next one.
    if (current.units.length === 0 || budget.measure(current.composedWith(unit)) <= budget.size) {
      current.add(unit);
      continue;
    }
    const closed = [...current.units];
    const carried: Unit[] = [];
    while (closed.length > 1 && closed.at(-1)!.keepWithNext && !closed.at(-2)!.repeated) {
      carried.unshift(closed.pop()!);
    }
    chunks.push(closed);
    let start = [...carried, unit];
    if (carried.length > 0 && !fitsBudget(base, start, budget)) {
      chunks.push(carried);
      start = [unit];
    }
    let tail = carried.length === 0 ? overlapTail(closed, unit, budget) : [];
    while (tail.length > 0 && !fitsBudget(base, [...tail, ...start], budget)) tail = tail.slice(1);
    current = growing([...tail, ...start]);
  }
  if (current.units.length > 0) chunks.push(current.units);
  return chunks;
}
