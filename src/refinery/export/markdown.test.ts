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
    expect(toMarkdown(doc)).toBe('\\# 番号ではない\n\\1. これも本文\n\n````sh\necho ```\n````\n\n  - 項目\n');
  });
});
