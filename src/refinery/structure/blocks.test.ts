import { describe, expect, it } from 'vitest';
import { type BlockDraft, buildBlocks } from './blocks.js';

const at = { span: [0, 1] as const };

describe('buildBlocks', () => {
  const drafts: BlockDraft[] = [
    { kind: 'heading', level: 1, text: '第1章 ポンプの保守', location: at },
    { kind: 'paragraph', text: '本章は保守の要領を定める。', location: at },
    { kind: 'heading', level: 2, text: '1.1 分解手順', location: at },
    { kind: 'caution', level: 'caution', label: '注意', text: '注意：電源を切ること。', location: at },
    { kind: 'step', number: 1, marker: '①', text: '①カバーを外す。', location: at },
    { kind: 'step', number: 2, marker: '②', text: '②ボルトを外す。', location: at },
    { kind: 'heading', level: 1, text: '第2章　記録', location: at },
    { kind: 'paragraph', text: '点検結果を記録する。', location: at },
  ];
  const blocks = buildBlocks(drafts);

  it('numbers blocks b0… in reading order', () => {
    expect(blocks.map((b) => b.id)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7']);
  });

  it('gives each block the titles of its enclosing headings, its own excluded', () => {
    expect(blocks.map((b) => b.headingPath)).toEqual([
      [],
      ['第1章 ポンプの保守'],
      ['第1章 ポンプの保守'],
      ['第1章 ポンプの保守', '1.1 分解手順'],
      ['第1章 ポンプの保守', '1.1 分解手順'],
      ['第1章 ポンプの保守', '1.1 分解手順'],
      [],
      ['第2章　記録'],
    ]);
  });

  it('links steps to the heading they sit under', () => {
    const steps = blocks.filter((b) => b.kind === 'step');
    expect(steps.map((s) => s.procedure)).toEqual(['b2', 'b2']);
  });

  it('prepends a root path and continues numbering from firstId', () => {
    const more = buildBlocks([{ kind: 'paragraph', text: '値', location: at }], {
      rootPath: ['Sheet1'],
      firstId: 8,
    });
    expect(more[0]).toMatchObject({ id: 'b8', headingPath: ['Sheet1'] });
  });

  it('leaves procedure unset on steps outside any heading', () => {
    const [s] = buildBlocks([{ kind: 'step', number: 1, marker: '①', text: '①開始', location: at }]);
    expect(s).not.toHaveProperty('procedure');
  });
});
