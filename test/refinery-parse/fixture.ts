/** Reads a committed fixture and parses it through the public surface (detect → parserFor). */
import { readFileSync } from 'node:fs';
import type { Block, Document } from '../../src/refinery/document/index.js';
import { parseBytes } from '../../src/refinery/parse/index.js';

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url)));
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url), 'utf8');
}

export async function parseFixture(name: string): Promise<Document> {
  return parseBytes(fixtureBytes(name), name);
}

/** A compact view of the block tree for whole-structure assertions. */
export function outline(blocks: readonly Block[]): string[] {
  return blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
        return `h${b.level} ${b.text}`;
      case 'step':
        return `step ${b.number} ${b.text}`;
      case 'caution':
        return `caution:${b.level} ${b.text}`;
      case 'list-item':
        return `${b.ordered ? 'ol' : 'ul'}${b.depth} ${b.text}`;
      case 'table':
        return `table ${b.headerRows}h ${b.rows.length}r`;
      default:
        return `${b.kind} ${b.text}`;
    }
  });
}

export function byKind<K extends Block['kind']>(
  blocks: readonly Block[],
  kind: K,
): Extract<Block, { kind: K }>[] {
  return blocks.filter((b): b is Extract<Block, { kind: K }> => b.kind === kind);
}
