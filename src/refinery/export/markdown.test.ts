import { fromMarkdown } from 'mdast-util-from-markdown';
import { describe, expect, it } from 'vitest';
import { pumpManual } from '../../../test/refinery-chunk/fixtures.js';
import type { Document } from '../document/index.js';
import { toMarkdown } from './markdown.js';

describe('toMarkdown', () => {
  it('writes headings, steps as an ordered list, cautions as block quotes and tables as pipe tables', () => {
    expect(toMarkdown(pumpManual())).toBe(
      [
        '# 第1章 概要',
        '',
        '本書は遠心ポンプＰ－１０１の保守手順を定める。作業は資格を持つ者が行うこと。不明な点は保守課に問い合わせる。',
        '',
        '# 第2章 分解手順',
        '',
        '> **警告** 作業前に必ず電源を遮断し、ロックアウトすること。',
        '',
        '1. 吸込弁と吐出弁を全閉にする。',
        '2. ケーシング内の圧力を抜き、ドレンを排出する。',
        '3. カップリングボルトを外し、モータを切り離す。',
        '',
        '> **注意** メカニカルシールの摺動面に触れないこと。',
        '',
        '# 第3章 点検基準',
        '',
        '**表1 点検基準**',
        '',
        '| 点検項目 | 基準値 | 周期 |',
        '| --- | --- | --- |',
        '| 振動 | 4.5mm/s以下 | 毎月 |',
        '| 軸受温度 | 70℃以下 | 毎月 |',
        '| グランド漏れ | 10滴/分以下 | 毎週 |',
        '',
      ].join('\n'),
    );
  });

  it('escapes paragraph line starts that Markdown would read as structure, and fences code safely', () => {
    const doc: Document = {
      source: { uri: 'x.txt', format: 'text', sha256: '0'.repeat(64), bytes: 0 },
      metadata: {},
      blocks: [
        { kind: 'paragraph', id: 'b0', text: '# 番号ではない\n1. これも本文', headingPath: [], location: {} },
        { kind: 'code', id: 'b1', text: 'echo ```', language: 'sh', headingPath: [], location: {} },
        {
          kind: 'list-item',
          id: 'b2',
          text: '・項目',
          depth: 1,
          ordered: false,
          headingPath: [],
          location: {},
        },
      ],
    };
    expect(toMarkdown(doc)).toBe('\\# 番号ではない\n1\\. これも本文\n\n````sh\necho ```\n````\n\n  - 項目\n');
  });

  it('reads back every paragraph line as written, escaping only what Markdown would take as structure', () => {
    // Chart labels and figures come out of PDFs as bare lines: "29.5" must stay "29.5", not "\\29.5".
    const lines = [
      '本文の始まり',
      '29.5',
      '# 見出しではない',
      '## これも',
      '#5 は番号',
      '1. 手順ではない',
      '3) 括弧',
      '- 項目ではない',
      '+ 足す',
      '* 星',
      '---',
      '=',
      '> 引用ではない',
      '2024.4 改訂',
      '-0.09',
    ];
    const doc: Document = {
      source: { uri: 'x.txt', format: 'text', sha256: '0'.repeat(64), bytes: 0 },
      metadata: {},
      blocks: [{ kind: 'paragraph', id: 'b0', text: lines.join('\n'), headingPath: [], location: {} }],
    };
    const markdown = toMarkdown(doc);
    const tree = fromMarkdown(markdown);
    expect(tree.children.map((n) => n.type)).toEqual(['paragraph']);
    const textOf = (node: { value?: string; children?: unknown[] }): string =>
      node.value ?? (node.children ?? []).map((c) => textOf(c as typeof node)).join('');
    expect(textOf(tree.children[0] as never)).toBe(lines.join('\n'));
    // Lines that cannot be read as structure are written unchanged.
    for (const plain of ['29.5', '#5 は番号', '2024.4 改訂', '-0.09'])
      expect(markdown).toContain(`\n${plain}\n`);
  });
});
