import type { Document } from '../document/index.js';
import { type Budget, type ResolvedBudget, resolveBudget } from './budget.js';
import type { Chunk, ChunkCut } from './chunk.js';
import { shortenContext } from './context.js';
import { chunkId } from './identity.js';
import { mergeLocations } from './location.js';
import { fitsBudget, pack } from './pack.js';
import { sectionUnits } from './procedure.js';
import { sections, startsWith } from './section.js';
import { contextOf, finerCut, joinUnits, type Unit } from './unit.js';

/** The document's title, else the file name: the first part of every context header. */
export function documentTitle(doc: Document): string {
  const title = doc.metadata.title?.trim();
  return title || (doc.source.uri.split(/[\\/]/).at(-1) ?? doc.source.uri);
}

function contextBase(title: string, path: readonly string[]): string[] {
  return path[0] === title ? [...path] : [title, ...path];
}

interface Packed {
  readonly units: readonly Unit[];
  readonly base: readonly string[];
  readonly path: readonly string[];
  readonly sections?: Chunk['sections'];
}

function packDocument(doc: Document, budget: ResolvedBudget): Packed[] {
  const title = documentTitle(doc);
  const headings = new Map(doc.blocks.filter((b) => b.kind === 'heading').map((b) => [b.id, b.text]));
  // The header may take at most half the budget, so every section keeps room for its text.
  const baseOf = (path: readonly string[]) =>
    shortenContext(contextBase(title, path), budget.size / 2, budget.measure);
  const short = (units: readonly Unit[]) => budget.measure(joinUnits(units)) < budget.size / 5;
  const out: Packed[] = [];
  let run: { parent: readonly string[]; sections: Packed[] } | undefined;
  const flush = () => {
    if (run === undefined) return;
    const [first] = run.sections;
    if (run.sections.length === 1) {
      out.push(...pack(first!.units, first!.base, budget).map((units) => ({ ...first!, units })));
    } else {
      const units = run.sections.flatMap((s) => s.units);
      const starts: { start: number; headingPath: readonly string[] }[] = [];
      let before: Unit[] = [];
      for (const s of run.sections) {
        // Past the separator the section's first unit is joined with.
        const start = joinUnits([...before, ...s.units]).length - joinUnits(s.units).length;
        starts.push({ start, headingPath: s.path });
        before = [...before, ...s.units];
      }
      out.push({ units, base: baseOf(run.parent), path: run.parent, sections: starts });
    }
    run = undefined;
  };
  for (const section of sections(doc.blocks)) {
    const base = baseOf(section.path);
    const fits = (units: readonly Unit[]) => fitsBudget(base, units, budget);
    const units = sectionUnits({ blocks: section.blocks, path: section.path, headings, fits });
    // A short section (a titled item of a list, a heading over a line or two) shares a chunk with its
    // neighbours under one parent, under the parent's header, while they fit: alone, a chunk of a bare title
    // or one line finds nothing. Sections of some length keep chunks of their own.
    if (
      run !== undefined &&
      short(units) &&
      startsWith(section.path, run.parent) &&
      section.path.length > run.parent.length &&
      fitsBudget(baseOf(run.parent), [...run.sections.flatMap((s) => s.units), ...units], budget)
    ) {
      run.sections.push({ units, base, path: section.path });
      continue;
    }
    flush();
    run = { parent: section.path.slice(0, -1), sections: [{ units, base, path: section.path }] };
  }
  flush();
  return out;
}

function distinctInOrder<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** The text length of the overlap copies at the head of a chunk, separator to the first new unit included. */
function overlapLength(units: readonly Unit[]): number {
  const repeated = units.filter((u) => u.repeated).length;
  if (repeated === 0) return 0;
  return joinUnits(units).length - joinUnits(units.slice(repeated)).length;
}

/**
 * Chunks along the document's structure: sections packed up to the budget, procedures and their cautions
 * kept whole when they fit (else split between steps), long tables split between rows with the header
 * repeated, prose split only at sentence ends unless one sentence alone exceeds the budget.
 * Pure and synchronous; the same document and budget always yield the same chunks and ids.
 */
export function chunkByStructure(doc: Document, budget: Budget): Chunk[] {
  const resolved = resolveBudget(budget);
  const packed = packDocument(doc, resolved);
  const parts = new Map<string, number>();
  return packed.map(({ units, base, path, sections }, index): Chunk => {
    const blockIds = distinctInOrder(units.flatMap((u) => u.blocks.map((b) => b.id)));
    const key = blockIds.join(',');
    const part = parts.get(key) ?? 0;
    parts.set(key, part + 1);
    const following = packed[index + 1]?.units.find((u) => !u.repeated);
    const endCut: ChunkCut = following?.startCut ?? 'block';
    const startCut = units.find((u) => !u.repeated)?.startCut ?? 'block';
    return {
      id: chunkId(doc.source.sha256, blockIds, part),
      index,
      text: joinUnits(units),
      context: contextOf(base, units),
      overlap: overlapLength(units),
      blockIds,
      kinds: distinctInOrder(units.flatMap((u) => u.blocks.map((b) => b.kind))),
      headingPath: path,
      ...(sections === undefined ? {} : { sections }),
      location: mergeLocations(units),
      source: { uri: doc.source.uri, sha256: doc.source.sha256 },
      cut: finerCut(startCut, endCut),
    };
  });
}
