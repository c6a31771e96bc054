import type { Block, StepBlock } from '../document/index.js';
import { blockUnits, type FitsAlone, wholeUnit } from './split.js';
import { joinUnits, type Unit } from './unit.js';

/** Runs of steps and their cautions (and the heading that introduces them): what must stay together. */
type Group = { readonly kind: 'procedure' | 'block'; readonly blocks: readonly Block[] };

/** At most this many notes, figures or tables between two steps still belong to the procedure. */
const MAX_GAP = 3;

/**
 * End (exclusive) of the procedure starting at `start`: leading cautions, then steps of one procedure whose
 * numbers keep rising, each with the blocks after it up to the next step (a short gap), and the cautions
 * after the last step. A heading, a step of another procedure or a restart at ① ends it.
 */
function procedureRunEnd(blocks: readonly Block[], start: number): number {
  let i = start;
  while (blocks[i]?.kind === 'caution') i++;
  let end = start;
  let last: StepBlock | undefined;
  let gap = 0;
  while (i < blocks.length && gap <= MAX_GAP) {
    const block = blocks[i]!;
    if (block.kind === 'heading') break;
    if (block.kind !== 'step') {
      if (!last) break;
      gap++;
      i++;
      continue;
    }
    if (last && (block.procedure !== last.procedure || block.number <= last.number)) break;
    last = block;
    gap = 0;
    i++;
    while (blocks[i]?.kind === 'caution') i++;
    end = i;
  }
  return last ? end : start;
}

/** Where the procedure a heading introduces starts: straight after it, or after a short explicit intro. */
function introducedRun(
  blocks: readonly Block[],
  heading: number,
): { start: number; end: number } | undefined {
  for (let from = heading + 1; from <= heading + 1 + MAX_GAP && from < blocks.length; from++) {
    const kind = blocks[from]!.kind;
    if (kind === 'heading') return undefined;
    if (kind !== 'step' && kind !== 'caution') continue;
    const end = procedureRunEnd(blocks, from);
    if (end === from) return undefined;
    const step = blocks.slice(from, end).find((b): b is StepBlock => b.kind === 'step');
    // Right after the heading any unnamed procedure belongs to it; past an intro only one that names it.
    const linked =
      step?.procedure === blocks[heading]!.id || (from === heading + 1 && step?.procedure === undefined);
    return linked ? { start: from, end } : undefined;
  }
  return undefined;
}

/** Context additions of several units (a procedure title, captions of tables inside), without repeats. */
function extrasOf(units: readonly Unit[]): string[] {
  return [...new Set(units.flatMap((u) => u.extras))];
}

function groups(blocks: readonly Block[]): Group[] {
  const out: Group[] = [];
  let i = 0;
  while (i < blocks.length) {
    const block = blocks[i]!;
    const run = block.kind === 'heading' ? introducedRun(blocks, i) : undefined;
    const end = run ? run.end : block.kind === 'heading' ? i : procedureRunEnd(blocks, i);
    if (end > i) {
      out.push({ kind: 'procedure', blocks: blocks.slice(i, end) });
      i = end;
    } else {
      out.push({ kind: 'block', blocks: [block] });
      i++;
    }
  }
  return out;
}

export interface SectionInput {
  readonly blocks: readonly Block[];
  readonly path: readonly string[];
  /** Heading texts by block id, to name a procedure whose heading sits outside this section. */
  readonly headings: ReadonlyMap<string, string>;
  readonly fits: FitsAlone;
}

function procedureTitle(blocks: readonly Block[], input: SectionInput): string | undefined {
  const step = blocks.find((b): b is StepBlock => b.kind === 'step');
  const title = step?.procedure === undefined ? undefined : input.headings.get(step.procedure)?.trim();
  return title && title !== input.path.at(-1) ? title : undefined;
}

/** A procedure too long for one chunk: split only between steps; each step keeps the blocks after it. */
function splitProcedure(blocks: readonly Block[], extras: readonly string[], fits: FitsAlone): Unit[] {
  const units: Unit[] = [];
  let i = 0;
  while (i < blocks.length && blocks[i]!.kind !== 'step') {
    const lead = blocks[i]!;
    units.push(...blockUnits(lead, extras, fits).map((u) => ({ ...u, keepWithNext: true })));
    i++;
  }
  while (i < blocks.length) {
    let end = i + 1;
    while (end < blocks.length && blocks[end]!.kind !== 'step') end++;
    const members = blocks.slice(i, end).map((b) => wholeUnit(b, extras));
    const together: Unit = {
      ...members[0]!,
      text: joinUnits(members),
      blocks: blocks.slice(i, end),
      extras: extrasOf(members),
    };
    if (fits([together])) units.push(together);
    else for (const b of blocks.slice(i, end)) units.push(...blockUnits(b, extras, fits));
    i = end;
  }
  return units;
}

/** The section's units: procedures whole when they fit, every other block whole or in sentence pieces. */
export function sectionUnits(input: SectionInput): Unit[] {
  return groups(input.blocks).flatMap((group) => {
    if (group.kind === 'block') return blockUnits(group.blocks[0]!, [], input.fits);
    const title = procedureTitle(group.blocks, input);
    const extras = title ? [title] : [];
    const members = group.blocks.map((b) => wholeUnit(b, extras));
    const whole: Unit = {
      text: joinUnits(members),
      blocks: group.blocks,
      startCut: 'block',
      keepWithNext: false,
      listLike: false,
      extras: extrasOf(members),
    };
    return input.fits([whole]) ? [whole] : splitProcedure(group.blocks, extras, input.fits);
  });
}
