import type { Block, TableBlock } from '../document/index.js';
import type { ChunkCut } from './chunk.js';
import { InvalidBudget } from './errors.js';
import { clauses, codePoints, lines, sentences } from './sentence.js';
import { renderTable } from './table.js';
import type { Unit } from './unit.js';

/** Whether a chunk of just these units stays within the budget (header included). */
export type FitsAlone = (units: readonly Unit[]) => boolean;

export function isListLike(block: Block): boolean {
  return block.kind === 'step' || block.kind === 'list-item';
}

/** A paragraph that ends in a colon ("次の表に示す：") introduces what follows and should not end a chunk. */
function introducesNext(block: Block): boolean {
  return block.kind === 'paragraph' && /[:：]\s*$/.test(block.text);
}

/** The whole block as one unit, tables rendered as pipe rows. */
export function wholeUnit(block: Block, extras: readonly string[]): Unit {
  const table = block.kind === 'table' ? renderTable(block) : undefined;
  return {
    text: table ? [...table.header, ...table.body].join('\n') : block.text,
    blocks: [block],
    startCut: 'block',
    keepWithNext: block.kind === 'heading' || introducesNext(block),
    listLike: isListLike(block),
    extras: [...extras, ...(block.kind === 'table' && block.caption ? [block.caption] : [])],
  };
}

/** The block as units that each fit alone: whole if possible, else rows, sentences, clauses, characters. */
export function blockUnits(block: Block, extras: readonly string[], fits: FitsAlone): Unit[] {
  const whole = wholeUnit(block, extras);
  if (fits([whole])) return [whole];
  if (block.kind === 'table') return tableRowUnits(block, whole.extras, fits);
  return pieceUnits(block, block.text, 0, whole.extras, fits);
}

function tableRowUnits(block: TableBlock, extras: readonly string[], fits: FitsAlone): Unit[] {
  const { header, body } = renderTable(block);
  const table = { id: block.id, header: header.join('\n') };
  const base = { blocks: [block], keepWithNext: false, listLike: false, extras, pieceOf: block.id } as const;
  const headerCount = block.rows.length - body.length;
  const rows = body.flatMap((row, r): Unit[] => {
    const unit: Unit = {
      ...base,
      text: row,
      table,
      row: headerCount + r,
      startCut: r === 0 ? 'block' : 'row',
    };
    if (fits([unit])) return [unit];
    // A row longer than the budget on its own: its line is cut like prose, the header cannot come along.
    return pieceUnits(block, row, -1, extras, fits).map((piece, i) => ({
      ...piece,
      pieceOf: `${block.id}#${r}`,
      row: headerCount + r,
      ...(i === 0 ? { startCut: r === 0 ? 'block' : 'row' } : {}),
    }));
  });
  if (table.header === '' || rows.some((u) => u.table)) return rows;
  // No row could carry the header: it is written once, ahead of the rows, so its text is never lost.
  const lead = pieceUnits(block, table.header, -1, extras, fits).map((piece) => ({
    ...piece,
    pieceOf: `${block.id}#header`,
    row: 0,
  }));
  return [...lead, ...rows.map((u, i) => (i === 0 ? { ...u, startCut: 'row' as const } : u))];
}

/** Span of `text.slice(offset, offset + length)` when the block's span covers exactly its text. */
function narrowedSpan(block: Block, offset: number, length: number): readonly [number, number] | undefined {
  const span = block.location.span;
  if (!span || offset < 0 || span[1] - span[0] !== block.text.length) return undefined;
  return [span[0] + offset, span[0] + offset + length];
}

interface Level {
  readonly split: (text: string) => string[];
  /** The cut a boundary between two of these pieces makes. */
  readonly cut: ChunkCut;
}

/**
 * Prose: sentences; a sentence too long for the budget breaks at line ends (lists and tables pasted as text
 * have no 。), then at clauses, then between characters. Code: lines, then clauses.
 */
const PROSE_LEVELS: readonly Level[] = [
  { split: sentences, cut: 'sentence' },
  { split: lines, cut: 'line' },
  { split: clauses, cut: 'clause' },
];
const CODE_LEVELS: readonly Level[] = [
  { split: lines, cut: 'sentence' },
  { split: clauses, cut: 'clause' },
];

/**
 * Sentence units of `text` (a block's text, or a table row at offset -1), falling back to clauses and then
 * to the longest character runs that fit, for a sentence longer than the budget.
 */
function pieceUnits(
  block: Block,
  text: string,
  offset: number,
  extras: readonly string[],
  fits: FitsAlone,
): Unit[] {
  const units: Unit[] = [];
  let at = offset;
  const piece = (part: string, startCut: ChunkCut): Unit => {
    const span = narrowedSpan(block, at, part.length);
    return {
      text: part,
      blocks: [block],
      pieceOf: block.id,
      startCut: units.length === 0 ? 'block' : startCut,
      keepWithNext: false,
      listLike: isListLike(block),
      extras,
      ...(span ? { span } : {}),
    };
  };
  const push = (unit: Unit): void => {
    units.push(unit);
    if (at >= 0) at += unit.text.length;
  };
  const cascade = (part: string, levels: readonly Level[], entry: ChunkCut): void => {
    const [level, ...finer] = levels;
    if (!level) {
      const runs = characterRuns(part, (run) => fits([piece(run, entry)]));
      for (const [k, run] of runs.entries()) push(piece(run, k === 0 ? entry : 'character'));
      return;
    }
    for (const [i, sub] of level.split(part).entries()) {
      const cut = i === 0 ? entry : level.cut;
      const unit = piece(sub, cut);
      if (fits([unit])) push(unit);
      else cascade(sub, finer, cut);
    }
  };
  cascade(text, block.kind === 'code' ? CODE_LEVELS : PROSE_LEVELS, 'sentence');
  return units;
}

/** Greedy longest runs of whole code points that fit; throws when not even one character fits. */
function characterRuns(text: string, fits: (run: string) => boolean): string[] {
  const runs: string[] = [];
  let run = '';
  for (const ch of codePoints(text)) {
    if (fits(run + ch)) run += ch;
    else if (run === '') throw new InvalidBudget('the context header leaves no room for text', { text: ch });
    else {
      runs.push(run);
      run = fits(ch) ? ch : '';
      if (run === '') throw new InvalidBudget('the context header leaves no room for text', { text: ch });
    }
  }
  if (run) runs.push(run);
  return runs;
}
