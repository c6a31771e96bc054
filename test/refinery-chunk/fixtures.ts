import type { Block, Document } from '../../src/refinery/document/index.js';

/** A block before the fixture builder numbers and locates it (Omit distributed over the union). */
type Unplaced<T> = T extends unknown ? Omit<T, 'id' | 'location'> : never;
export type BlockInput = Unplaced<Block>;

/** A small Japanese maintenance manual: headings, prose, a procedure with ①②③ steps and cautions, a table. */
export function pumpManual(): Document {
  const blocks: Block[] = [];
  let offset = 0;
  const add = (block: BlockInput): void => {
    const span = [offset, offset + block.text.length] as const;
    offset += block.text.length + 2;
    blocks.push({
      ...block,
      id: `b${blocks.length}`,
      location: { span, page: 1 },
    } as Block);
  };
  add({ kind: 'heading', level: 1, text: '第1章 概要', headingPath: [] });
  add({
    kind: 'paragraph',
    text: '本書は遠心ポンプＰ－１０１の保守手順を定める。作業は資格を持つ者が行うこと。不明な点は保守課に問い合わせる。',
    headingPath: ['第1章 概要'],
  });
  add({ kind: 'heading', level: 1, text: '第2章 分解手順', headingPath: [] });
  add({
    kind: 'caution',
    level: 'warning',
    label: '警告',
    text: '警告 作業前に必ず電源を遮断し、ロックアウトすること。',
    headingPath: ['第2章 分解手順'],
  });
  for (const [n, marker, text] of [
    [1, '①', '①吸込弁と吐出弁を全閉にする。'],
    [2, '②', '②ケーシング内の圧力を抜き、ドレンを排出する。'],
    [3, '③', '③カップリングボルトを外し、モータを切り離す。'],
  ] as const) {
    add({ kind: 'step', number: n, marker, procedure: 'b2', text, headingPath: ['第2章 分解手順'] });
  }
  add({
    kind: 'caution',
    level: 'caution',
    label: '注意',
    text: '注意 メカニカルシールの摺動面に触れないこと。',
    headingPath: ['第2章 分解手順'],
  });
  add({ kind: 'heading', level: 1, text: '第3章 点検基準', headingPath: [] });
  add({
    kind: 'table',
    text: '点検項目 基準値 周期',
    caption: '表1 点検基準',
    headerRows: 1,
    headerColumns: 0,
    rows: [
      [
        { text: '点検項目', header: true },
        { text: '基準値', header: true },
        { text: '周期', header: true },
      ],
      [{ text: '振動' }, { text: '4.5mm/s以下' }, { text: '毎月', rowSpan: 2 }],
      [{ text: '軸受温度' }, { text: '70℃以下' }],
      [{ text: 'グランド漏れ' }, { text: '10滴/分以下' }, { text: '毎週' }],
    ],
    headingPath: ['第3章 点検基準'],
  });
  return {
    source: { uri: 'manuals/pump-p101.md', format: 'markdown', sha256: 'a'.repeat(64), bytes: offset },
    metadata: { title: 'ポンプ保守マニュアル', language: 'ja' },
    blocks,
  };
}
