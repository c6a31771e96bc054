import { describe, expect, it } from 'vitest';
import { pumpManual } from '../../../test/refinery-chunk/fixtures.js';
import type { Block, Document } from '../document/index.js';
import { blockTree, toJson } from './json.js';

describe('blockTree', () => {
  it('nests blocks under their headings by level, in reading order', () => {
    const h = (id: string, level: number, text: string): Block => ({
      kind: 'heading',
      id,
      level,
      text,
      headingPath: [],
      location: {},
    });
    const p = (id: string): Block => ({
      kind: 'paragraph',
      id,
      text: `本文${id}。`,
      headingPath: [],
      location: {},
    });
    const doc: Document = {
      source: { uri: 'a.md', format: 'markdown', sha256: '0'.repeat(64), bytes: 0 },
      metadata: { title: '要領' },
      blocks: [
        p('b0'),
        h('b1', 1, '第1章'),
        p('b2'),
        h('b3', 2, '1.1'),
        p('b4'),
        h('b5', 1, '第2章'),
        p('b6'),
      ],
    };
    const ids = (nodes: readonly { id: string; children?: readonly unknown[] }[]): unknown =>
      nodes.map((n) => (n.children ? { [n.id]: ids(n.children as never) } : n.id));
    expect(ids(blockTree(doc).children)).toEqual(['b0', { b1: ['b2', { b3: ['b4'] }] }, { b5: ['b6'] }]);
  });

  it('serialises the tree with the source and metadata', () => {
    const parsed = JSON.parse(toJson(pumpManual()));
    expect(parsed.source.uri).toBe('manuals/pump-p101.md');
    expect(parsed.children.map((n: { text: string }) => n.text)).toEqual([
      '第1章 概要',
      '第2章 分解手順',
      '第3章 点検基準',
    ]);
    expect(parsed.children[1].children.filter((n: { kind: string }) => n.kind === 'step')).toHaveLength(3);
  });
});
