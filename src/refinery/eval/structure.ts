/**
 * Structure quality: a parsed document (or the tree `musubi show --json` prints) scored against a
 * human-written golden — headings (level-aware precision/recall), procedure-step numbering, table cells
 * (merged cells and header flags included) and reading order. Pure functions over plain data; the results
 * are counts so fixtures can be summed before rates are taken.
 */
import type { Block, Document, TableCell } from '../document/index.js';
import { InvalidDataset } from './errors.js';

/** `[level, text]`. */
export type GoldenHeading = readonly [number, string];
/** `[number, text prefix, procedure heading text or null when the step stands under no heading]`. */
export type GoldenStep = readonly [number, string, string | null];
/** Cells written `*text{r2}{c3}`: `*` marks a header cell, `{rN}`/`{cN}` the spans of a merged anchor cell. */
export interface GoldenTable {
  readonly caption?: string;
  readonly rows: readonly (readonly string[])[];
}

export interface StructureGolden {
  /** Path under test/fixtures/, e.g. `pdf/two-column.pdf`. */
  readonly fixture: string;
  /** What a human checked, and where the expectation differs from what the parser does. */
  readonly note?: string;
  /** The error code the file must be refused with (a corrupt, empty or encrypted file). */
  readonly error?: string;
  /** Each field left out is not scored; an empty array means none are expected (any found is wrong). */
  readonly headings?: readonly GoldenHeading[];
  readonly steps?: readonly GoldenStep[];
  readonly tables?: readonly GoldenTable[];
  /** Text snippets in reading order (each unique in the document). */
  readonly order?: readonly string[];
}

/** What the scorer reads from a parse: blocks in reading order, or the error it failed with. */
export interface ObservedStructure {
  readonly headings: readonly { readonly level: number; readonly text: string }[];
  readonly steps: readonly { readonly number: number; readonly text: string; readonly procedure?: string }[];
  readonly tables: readonly { readonly caption?: string; readonly rows: readonly (readonly TableCell[])[] }[];
  /** All block text in reading order, folded (see `fold`). */
  readonly text: string;
  readonly error?: string;
}

export interface StructureScore {
  readonly headings: {
    readonly golden: number;
    readonly found: number;
    readonly textMatched: number;
    readonly levelMatched: number;
  };
  readonly steps: { readonly golden: number; readonly extra: number; readonly correct: number };
  readonly cells: { readonly compared: number; readonly correct: number };
  readonly order: { readonly pairs: number; readonly correct: number };
  readonly errors: { readonly expected: number; readonly matched: number };
  /** One line per difference, for test messages and reports. */
  readonly gaps: readonly string[];
}

/** A tree as `musubi show --json` prints it: nodes with optional children, in reading order. */
interface TreeNode {
  readonly children?: readonly TreeNode[];
}

/** NFKC without whitespace: spacing is checked on its own (the CJK-gap check), not by the structure score. */
export function fold(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

/** Blocks of a Document, or of a `show --json` tree flattened back into reading order. */
export function blocksOf(input: Document | { readonly children: readonly TreeNode[] }): Block[] {
  if ('blocks' in input) return [...input.blocks];
  const out: Block[] = [];
  const walk = (nodes: readonly TreeNode[]): void => {
    for (const node of nodes) {
      out.push(node as unknown as Block);
      if (node.children) walk(node.children);
    }
  };
  walk(input.children);
  return out;
}

/** The structure a parse produced, from a Document or a `show --json` tree. */
export function observe(input: Document | { readonly children: readonly TreeNode[] }): ObservedStructure {
  const blocks = blocksOf(input);
  const byId = new Map(blocks.map((b) => [b.id, b]));
  const headings = [];
  const steps = [];
  const tables = [];
  for (const b of blocks) {
    if (b.kind === 'heading') headings.push({ level: b.level, text: b.text });
    if (b.kind === 'step') {
      const procedure = b.procedure === undefined ? undefined : byId.get(b.procedure)?.text;
      steps.push({ number: b.number, text: b.text, ...(procedure === undefined ? {} : { procedure }) });
    }
    if (b.kind === 'table') tables.push({ ...(b.caption ? { caption: b.caption } : {}), rows: b.rows });
  }
  const text = blocks.map((b) => fold(b.kind === 'table' && b.caption ? `${b.caption}${b.text}` : b.text));
  return { headings, steps, tables, text: text.join('') };
}

/** A failed parse, observed as its error code. */
export function observeError(code: string): ObservedStructure {
  return { headings: [], steps: [], tables: [], text: '', error: code };
}

/** Checks a golden read from JSON; throws `InvalidDataset` naming the file and the field. */
export function parseGolden(file: string, json: unknown): StructureGolden {
  const g = json as StructureGolden;
  const bad = (detail: string) => new InvalidDataset(file, detail);
  if (typeof g !== 'object' || g === null || typeof g.fixture !== 'string') throw bad('no "fixture"');
  if (g.error !== undefined) return g;
  const fields = ['headings', 'steps', 'tables', 'order'] as const;
  if (!fields.some((f) => g[f] !== undefined)) throw bad(`nothing to score (${fields.join(', ')})`);
  for (const field of fields)
    if (g[field] !== undefined && !Array.isArray(g[field])) throw bad(`"${field}" must be an array`);
  if (
    !(g.headings ?? []).every((h) => Array.isArray(h) && typeof h[0] === 'number' && typeof h[1] === 'string')
  )
    throw bad('a heading is [level, text]');
  if (!(g.steps ?? []).every((s) => Array.isArray(s) && typeof s[0] === 'number' && typeof s[1] === 'string'))
    throw bad('a step is [number, text prefix, procedure | null]');
  if (!(g.tables ?? []).every((t) => Array.isArray(t.rows))) throw bad('a table has "rows"');
  if (g.order !== undefined && new Set(g.order.map(fold)).size !== g.order.length)
    throw bad('"order" snippets must be unique');
  return g;
}

/** Scores one parse against its golden. */
export function scoreStructure(golden: StructureGolden, seen: ObservedStructure): StructureScore {
  const gaps: string[] = [];
  const errors = {
    expected: golden.error ? 1 : 0,
    matched: golden.error && seen.error === golden.error ? 1 : 0,
  };
  if (golden.error !== seen.error)
    gaps.push(`error: expected ${golden.error ?? 'none'}, got ${seen.error ?? 'none'}`);
  return {
    headings: golden.headings
      ? scoreHeadings(golden.headings, seen.headings, gaps)
      : { golden: 0, found: 0, textMatched: 0, levelMatched: 0 },
    steps: golden.steps ? scoreSteps(golden.steps, seen.steps, gaps) : { golden: 0, extra: 0, correct: 0 },
    cells: golden.tables ? scoreTables(golden.tables, seen.tables, gaps) : { compared: 0, correct: 0 },
    order: scoreOrder(golden.order ?? [], seen.text, gaps),
    errors,
    gaps,
  };
}

/**
 * Headings match by folded text, in order. Levels are compared as dense ranks over the matched headings on
 * each side, so a constant offset (a title the parser kept as metadata, say) costs only the missing title,
 * while chapters put level with the title, or sections level with their chapter, count as wrong.
 */
function scoreHeadings(
  golden: readonly GoldenHeading[],
  seen: ObservedStructure['headings'],
  gaps: string[],
): StructureScore['headings'] {
  const pairs: [GoldenHeading, { level: number; text: string }][] = [];
  const used = new Set<number>();
  for (const g of golden) {
    const i = seen.findIndex((h, j) => !used.has(j) && fold(h.text) === fold(g[1]));
    if (i < 0) {
      gaps.push(`heading missing: h${g[0]} ${g[1]}`);
      continue;
    }
    used.add(i);
    pairs.push([g, seen[i]!]);
  }
  seen.forEach((h, j) => {
    if (!used.has(j)) gaps.push(`heading not expected: h${h.level} ${h.text}`);
  });
  const goldenRank = denseRank(pairs.map(([g]) => g[0]));
  const seenRank = denseRank(pairs.map(([, h]) => h.level));
  let levelMatched = 0;
  pairs.forEach(([g, h], i) => {
    if (goldenRank[i] === seenRank[i]) levelMatched++;
    else
      gaps.push(
        `heading level: ${g[1]} is h${g[0]} (rank ${goldenRank[i]}), got h${h.level} (rank ${seenRank[i]})`,
      );
  });
  return { golden: golden.length, found: seen.length, textMatched: pairs.length, levelMatched };
}

function denseRank(levels: readonly number[]): number[] {
  const distinct = [...new Set(levels)].sort((a, b) => a - b);
  return levels.map((l) => distinct.indexOf(l) + 1);
}

/** A golden step is found by its text prefix among the step blocks; it is correct when number and procedure match. */
function scoreSteps(
  golden: readonly GoldenStep[],
  seen: ObservedStructure['steps'],
  gaps: string[],
): StructureScore['steps'] {
  const used = new Set<number>();
  let correct = 0;
  for (const [number, prefix, procedure] of golden) {
    const i = seen.findIndex((s, j) => !used.has(j) && fold(s.text).includes(fold(prefix)));
    if (i < 0) {
      gaps.push(`step missing: ${number} ${prefix}`);
      continue;
    }
    used.add(i);
    const s = seen[i]!;
    const sameProcedure = fold(s.procedure ?? '') === fold(procedure ?? '');
    if (s.number === number && sameProcedure) correct++;
    else
      gaps.push(
        `step ${prefix}: expected ${number} under ${procedure ?? '(none)'}, got ${s.number} under ${s.procedure ?? '(none)'}`,
      );
  }
  const extra = seen.filter((s, j) => {
    if (!used.has(j)) gaps.push(`step not expected: ${s.number} ${s.text}`);
    return !used.has(j);
  }).length;
  return { golden: golden.length, extra, correct };
}

/** One slot of a table grid after spans are laid out: the anchor cell's text, header flag and position. */
type Grid = Map<string, string>;

/** Lays rows of anchor cells out on a grid the way HTML does (a spanned slot is taken by its anchor). */
export function tableGrid(rows: readonly (readonly TableCell[])[]): Grid {
  const grid: Grid = new Map();
  rows.forEach((row, r) => {
    let c = 0;
    for (const cell of row) {
      while (grid.has(`${r},${c}`)) c++;
      const value = `${cell.header ? '*' : ''}${fold(cell.text)}@${r},${c}`;
      for (let dr = 0; dr < (cell.rowSpan ?? 1); dr++)
        for (let dc = 0; dc < (cell.colSpan ?? 1); dc++) grid.set(`${r + dr},${c + dc}`, value);
      c += cell.colSpan ?? 1;
    }
  });
  return grid;
}

/** Reads the golden cell syntax `*text{r2}{c2}` into a TableCell. */
export function goldenCell(written: string): TableCell {
  const m = /^(\*)?(.*?)(?:\{r(\d+)\})?(?:\{c(\d+)\})?$/s.exec(written)!;
  return {
    text: m[2] ?? '',
    ...(m[1] ? { header: true } : {}),
    ...(m[3] ? { rowSpan: Number(m[3]) } : {}),
    ...(m[4] ? { colSpan: Number(m[4]) } : {}),
  };
}

function compareGrids(a: Grid, b: Grid): { compared: number; correct: number } {
  const slots = new Set([...a.keys(), ...b.keys()]);
  let correct = 0;
  for (const s of slots) if (a.has(s) && a.get(s) === b.get(s)) correct++;
  return { compared: slots.size, correct };
}

/**
 * Each golden table is paired with the unused parsed table sharing the most slots; a slot is right when the
 * same anchor cell (text, header flag, position) covers it on both sides. Unpaired tables count in full.
 */
function scoreTables(
  golden: readonly GoldenTable[],
  seen: ObservedStructure['tables'],
  gaps: string[],
): StructureScore['cells'] {
  const grids = seen.map((t) => tableGrid(t.rows));
  const used = new Set<number>();
  let compared = 0;
  let correct = 0;
  for (const [t, table] of golden.entries()) {
    const want = tableGrid(table.rows.map((row) => row.map(goldenCell)));
    let best = { i: -1, compared: want.size, correct: 0 };
    grids.forEach((g, i) => {
      const c = used.has(i) ? undefined : compareGrids(want, g);
      if (c && c.correct > best.correct) best = { i, ...c };
    });
    if (best.i >= 0) used.add(best.i);
    compared += best.compared;
    correct += best.correct;
    if (best.correct < best.compared)
      gaps.push(
        `table ${t + 1}: ${best.correct}/${best.compared} slots right${best.i < 0 ? ' (not found)' : ''}`,
      );
  }
  grids.forEach((g, i) => {
    if (used.has(i)) return;
    compared += g.size;
    gaps.push(`table not expected: ${g.size} slots`);
  });
  return { compared, correct };
}

/** The share of snippet pairs whose order the parse keeps; a snippet not found (or cut apart) loses all its pairs. */
function scoreOrder(order: readonly string[], text: string, gaps: string[]): StructureScore['order'] {
  const at = order.map((s) => text.indexOf(fold(s)));
  at.forEach((p, i) => {
    if (p < 0) gaps.push(`order: not found as one piece: ${order[i]}`);
  });
  let pairs = 0;
  let correct = 0;
  for (let i = 0; i < at.length; i++)
    for (let j = i + 1; j < at.length; j++) {
      pairs++;
      if (at[i]! >= 0 && at[j]! >= 0 && at[i]! < at[j]!) correct++;
    }
  if (correct < pairs) gaps.push(`order: ${correct}/${pairs} pairs in order`);
  return { pairs, correct };
}

/** Adds scores of several fixtures (micro-average: every heading, step, slot and pair weighs the same). */
export function sumScores(scores: readonly StructureScore[]): StructureScore {
  const zero: StructureScore = {
    headings: { golden: 0, found: 0, textMatched: 0, levelMatched: 0 },
    steps: { golden: 0, extra: 0, correct: 0 },
    cells: { compared: 0, correct: 0 },
    order: { pairs: 0, correct: 0 },
    errors: { expected: 0, matched: 0 },
    gaps: [],
  };
  const add = <T extends Record<string, number>>(a: T, b: T): T =>
    Object.fromEntries(Object.keys(a).map((k) => [k, a[k]! + b[k]!])) as T;
  return scores.reduce(
    (acc, s) => ({
      headings: add(acc.headings, s.headings),
      steps: add(acc.steps, s.steps),
      cells: add(acc.cells, s.cells),
      order: add(acc.order, s.order),
      errors: add(acc.errors, s.errors),
      gaps: [...acc.gaps, ...s.gaps],
    }),
    zero,
  );
}

export interface StructureRates {
  /** Level-aware: text and level rank both right. */
  readonly headingPrecision: number;
  readonly headingRecall: number;
  /** Text only, to tell a missed heading from a misplaced one. */
  readonly headingTextRecall: number;
  /** Steps with the right number and procedure over golden steps plus steps that should not be there. */
  readonly stepAccuracy: number;
  readonly cellAccuracy: number;
  /** Share of snippet pairs in the right order (Kendall's tau is 2·x − 1). */
  readonly orderAccuracy: number;
}

/** Rates in [0, 1]; an empty denominator counts as perfect (nothing expected, nothing found). */
export function structureRates(s: StructureScore): StructureRates {
  const rate = (n: number, d: number) => (d === 0 ? 1 : n / d);
  return {
    headingPrecision: rate(s.headings.levelMatched, s.headings.found),
    headingRecall: rate(s.headings.levelMatched, s.headings.golden),
    headingTextRecall: rate(s.headings.textMatched, s.headings.golden),
    stepAccuracy: rate(s.steps.correct, s.steps.golden + s.steps.extra),
    cellAccuracy: rate(s.cells.correct, s.cells.compared),
    orderAccuracy: rate(s.order.correct, s.order.pairs),
  };
}

/**
 * Han, kana (half-width too), CJK punctuation and full-width forms. Written independently of the PDF
 * parser's own class so the check does not share its blind spots; U+3000 is whitespace here, not CJK.
 */
const cjk = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3001-\u303F\u30FB\u30FC\uFF01-\uFF60\uFF61-\uFF9F\uFFE0-\uFFEE`;
// The second character is a lookahead so that 「目 次 は」 reports both gaps.
const cjkGapPattern = new RegExp(`[${cjk}]\\s+(?=([${cjk}]))`, 'gu');

export interface SpacingGap {
  readonly block: string;
  readonly kind: string;
  readonly page?: number;
  /** Up to 12 characters either side, the gap shown as ⟦…⟧. */
  readonly context: string;
}

/** Every whitespace run between two CJK characters left in block text, table cells, captions and heading paths. */
export function cjkSpacingGaps(blocks: readonly Block[]): SpacingGap[] {
  const out: SpacingGap[] = [];
  for (const b of blocks) {
    const texts = [b.text, ...b.headingPath];
    if (b.kind === 'table') texts.push(b.caption ?? '', ...b.rows.flat().map((c) => c.text));
    for (const text of texts)
      for (const m of text.matchAll(cjkGapPattern)) {
        const from = m.index;
        const to = from + m[0].length + (m[1]?.length ?? 0);
        const context = `${text.slice(Math.max(0, from - 12), from)}⟦${text.slice(from, to)}⟧${text.slice(to, to + 12)}`;
        out.push({
          block: b.id,
          kind: b.kind,
          ...(b.location.page ? { page: b.location.page } : {}),
          context: context.replace(/\n/g, '⏎'),
        });
      }
  }
  return out;
}
