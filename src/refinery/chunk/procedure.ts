import type { Block, StepBlock } from '../document/index.js';
import { blockUnits, type FitsAlone, wholeUnit } from './split.js';
import { joinUnits, type Unit } from './unit.js';

/** Runs of steps and their cautions (and the heading that introduces them): what must stay together. */
type Group = { readonly kind: 'procedure' | 'block'; readonly blocks: readonly Block[] };

function procedureRunEnd(blocks: readonly Block[], start: number): number {
  let end = start;
  let procedure: string | undefined;
  let steps = 0;
  while (end < blocks.length) {
    const block = blocks[end]!;
    if (block.kind === 'step') {
      if (steps > 0 && block.procedure !== procedure) break;
      procedure = block.procedure;
      steps++;
    } else if (block.kind !== 'caution') break;
    end++;
  }
  return steps > 0 ? end : start;
}

function groups(blocks: readonly Block[]): Group[] {
  const out: Group[] = [];
  let i = 0;
  while (i < blocks.length) {
    const block = blocks[i]!;
    const from = block.kind === 'heading' ? i + 1 : i;
    const end = procedureRunEnd(blocks, from);
    const firstStep = blocks.slice(from, end).find((b): b is StepBlock => b.kind === 'step');
    if (
      end > from &&
      (from === i || firstStep?.procedure === undefined || firstStep.procedure === block.id)
    ) {
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

/** A procedure too long for one chunk: split only between steps; each step keeps the cautions after it. */
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
    while (end < blocks.length && blocks[end]!.kind === 'caution') end++;
    const members = blocks.slice(i, end).map((b) => wholeUnit(b, extras));
    const together: Unit = { ...members[0]!, text: joinUnits(members), blocks: blocks.slice(i, end) };
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
      extras,
    };
    return input.fits([whole]) ? [whole] : splitProcedure(group.blocks, extras, input.fits);
  });
}
