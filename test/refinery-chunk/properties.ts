import { expect } from 'vitest';
import {
  type Chunk,
  chunkByStructure,
  chunkContent,
  documentTitle,
  type Measure,
  renderTable,
} from '../../src/refinery/chunk/index.js';
import type { Block, Document } from '../../src/refinery/document/index.js';

/**
 * The chunker's properties, checked over any document: budget kept (header included), every block's text
 * covered exactly once and in order, cuts only at sentence ends unless a sentence alone is too long, a
 * table's header before its rows in every chunk, and procedures that fit kept in one chunk.
 */

export const utf8: Measure = (text) => Buffer.byteLength(text, 'utf8');
export const characters: Measure = (text) => text.length;

/** Sentence ends, written independently of the chunker: after 。！？ (and closers), or . ! ? before space. */
function isSentenceBoundary(text: string, at: number): boolean {
  const before = text.slice(0, at);
  // A closing bracket or a further end mark right after still belongs to the sentence.
  if (/^[」』）)"'”’〉》】〕。！？.!?\s]/u.test(text.slice(at))) return false;
  return /[。！？][」』）)"'”’〉》】〕]*\s*$/u.test(before) || /[.!?][)"'”’]*\s+$/u.test(before);
}

function sentenceAround(text: string, at: number): string {
  let start = at;
  while (start > 0 && !isSentenceBoundary(text, start)) start--;
  let end = at;
  while (end < text.length && !isSentenceBoundary(text, end)) end++;
  return text.slice(start, end);
}

interface Expected {
  readonly block: Block;
  readonly text: string;
  readonly header: string;
}

function expectedStream(doc: Document): Expected[] {
  return doc.blocks
    .filter((b) => (b.kind === 'table' ? b.rows.length > 0 : b.text.trim() !== ''))
    .map((block) => {
      if (block.kind !== 'table') return { block, text: block.text, header: '' };
      const { header, body } = renderTable(block);
      return { block, text: body.join('\n'), header: header.join('\n') };
    });
}

interface Cut {
  readonly expected: Expected;
  readonly at: number;
  readonly chunk: Chunk;
}

/**
 * Walks the chunks against the blocks in reading order: every character of every block must be consumed
 * exactly once (overlap prefixes aside), and a table's header must open each chunk's share of that table.
 */
function walk(doc: Document, chunks: readonly Chunk[], size: number, measure: Measure): Cut[] {
  const stream = expectedStream(doc);
  const cuts: Cut[] = [];
  const headersSeen = new Set<number>();
  let headerOff = 0;
  let bi = 0;
  let off = 0;
  for (const chunk of chunks) {
    const text = chunk.text.slice(chunk.overlap);
    let p = 0;
    let consumedTable = -1;
    while (p < text.length) {
      const exp = stream[bi];
      if (!exp)
        throw new Error(`chunk ${chunk.index} has text beyond the document: ${text.slice(p, p + 40)}`);
      if (p > 0 && off === 0) {
        expect(text[p], `separator before ${exp.block.id} in chunk ${chunk.index}`).toBe('\n');
        p += text[p + 1] === '\n' ? 2 : 1;
      }
      if (p === 0 && exp.block.kind === 'table' && exp.text[off] === '\n') off++;
      const rowStart = off === 0 || exp.text[off - 1] === '\n';
      if (exp.header && rowStart && consumedTable !== bi) {
        const row = exp.text.slice(off).split('\n')[0]!;
        const headerFits = measure(`${chunk.context}\n\n${exp.header}\n${row}`) <= size;
        const written =
          text.startsWith(exp.header, p) &&
          (p + exp.header.length === text.length || text[p + exp.header.length] === '\n');
        if (headerFits) expect(written, `header of ${exp.block.id} in chunk ${chunk.index}`).toBe(true);
        if (written) {
          headersSeen.add(bi);
          p += exp.header.length + 1;
        } else if (off === 0 && !headersSeen.has(bi)) {
          // A header no row could carry is written once ahead of the rows, possibly over several chunks.
          const rest = exp.header.slice(headerOff);
          let h = 0;
          while (p + h < text.length && h < rest.length && text[p + h] === rest[h]) h++;
          if (h > 0 && (p + h === text.length || text[p + h] === '\n')) {
            headerOff += h;
            p += h;
            if (headerOff >= exp.header.length) {
              headersSeen.add(bi);
              headerOff = 0;
              if (text[p] === '\n') p++;
            }
          }
        }
        if (p >= text.length) continue;
      }
      let n = 0;
      while (p + n < text.length && off + n < exp.text.length && text[p + n] === exp.text[off + n]) n++;
      if (n === 0)
        throw new Error(`chunk ${chunk.index} diverges at ${exp.block.id}: ${text.slice(p, p + 40)}`);
      p += n;
      off += n;
      consumedTable = exp.block.kind === 'table' ? bi : -1;
      if (off === exp.text.length) {
        bi++;
        off = 0;
      }
    }
    if (off > 0) cuts.push({ expected: stream[bi]!, at: off, chunk });
  }
  expect(bi, 'every block consumed').toBe(stream.length);
  // No text is lost: every table header is written at least once, even when no row could carry it.
  stream.forEach((exp, i) => {
    if (exp.header) expect(headersSeen.has(i), `header of ${exp.block.id} written`).toBe(true);
  });
  return cuts;
}

export function checkChunks(
  doc: Document,
  procedures: readonly (readonly string[])[],
  size: number,
  measure: Measure,
) {
  const chunks = chunkByStructure(doc, { size, measure });
  for (const chunk of chunks) expect(measure(chunkContent(chunk)), chunk.text).toBeLessThanOrEqual(size);

  for (const cut of walk(doc, chunks, size, measure)) {
    const { text, block } = cut.expected;
    if (block.kind === 'table') {
      const row = text.slice(text.lastIndexOf('\n', cut.at - 1) + 1).split('\n')[0]!;
      if (text[cut.at] !== '\n') expect(measure(`${cut.chunk.context}\n\n${row}`)).toBeGreaterThan(size);
    } else if (!isSentenceBoundary(text, cut.at)) {
      const sentence = sentenceAround(text, cut.at);
      expect(measure(`${cut.chunk.context}\n\n${sentence}`), `cut inside "${sentence}"`).toBeGreaterThan(
        size,
      );
      expect(['line', 'clause', 'character']).toContain(cut.chunk.cut);
    }
  }

  for (const ids of procedures) {
    const blocks = doc.blocks.filter((b) => ids.includes(b.id));
    const first = blocks[0]!;
    const path = first.kind === 'heading' ? [...first.headingPath, first.text] : first.headingPath;
    const title = documentTitle(doc);
    const context = (path[0] === title ? path : [title, ...path]).join(' › ');
    const fits = measure(`${context}\n\n${blocks.map((b) => b.text).join('\n\n')}`) <= size;
    if (!fits) continue;
    const holding = chunks.filter((c) => ids.some((id) => c.blockIds.includes(id)));
    expect(holding, `procedure ${path.join(' › ')} starting ${first.id} split`).toHaveLength(1);
  }
  return chunks;
}

/**
 * Procedures of a parsed document as block-id ranges: from the heading the steps name (or the first step)
 * through the last step and the cautions right after it. A run ends at a heading, another procedure, or a
 * restart of the numbering.
 */
export function proceduresOf(doc: Document): string[][] {
  const out: string[][] = [];
  const blocks = doc.blocks;
  let i = 0;
  while (i < blocks.length) {
    const first = blocks[i]!;
    if (first.kind !== 'step') {
      i++;
      continue;
    }
    let last = i;
    let number = first.number;
    for (let j = i + 1; j < blocks.length; j++) {
      const b = blocks[j]!;
      if (b.kind === 'heading') break;
      if (b.kind !== 'step') continue;
      if (b.procedure !== first.procedure || b.number <= number) break;
      last = j;
      number = b.number;
    }
    let end = last + 1;
    while (blocks[end]?.kind === 'caution') end++;
    const headingAt = blocks.findIndex((b) => b.id === first.procedure);
    const start = headingAt >= 0 && headingAt < i && i - headingAt <= 4 ? headingAt : i;
    out.push(blocks.slice(start, end).map((b) => b.id));
    i = last + 1;
  }
  return out;
}
