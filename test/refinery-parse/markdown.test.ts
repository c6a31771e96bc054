import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/refinery/parse/index.js';
import { byKind, fixtureText, outline, parseFixture } from './fixture.js';

const source = { uri: 'x.md', format: 'markdown', sha256: '', bytes: 0 };
const parse = (text: string) => parseMarkdown(new TextEncoder().encode(text), source);

describe('Markdown parser', () => {
  it('reads headings, lists, ordered steps under 作業手順, ①② items, cautions, a GFM table and code', async () => {
    const doc = await parseFixture('procedure.md');
    expect(outline(doc.blocks)).toEqual([
      'h1 冷却ポンプ P-101 保守手順書',
      'paragraph 本書は冷却ポンプの分解点検の要領を定める。',
      'h2 1. 準備',
      'ul0 保護手袋',
      'ul0 スパナ（１７ｍｍ）',
      'ul1 予備のパッキン',
      'h2 2. 作業手順',
      'caution:caution 注意：作業前に必ず電源を遮断し、表示札を掛けること。',
      'step 1 制御盤のブレーカーを「切」にする。',
      'step 2 吐出弁と吸込弁を閉じる。',
      'step 3 ケーシングのボルトを外す。',
      'h3 2.1 組立',
      'step 1 ① インペラを取り付ける。',
      'step 2 ② ボルトを対角順に締める。',
      'caution:warning 試運転中は回転部に近づかないこと。',
      'h2 3. 点検記録',
      'table 1h 3r',
      'code musubi refine manual.md',
    ]);
    expect(doc.metadata.title).toBe('冷却ポンプ P-101 保守手順書');
  });

  it('links steps to their procedure heading and keeps the written marker', async () => {
    const doc = await parseFixture('procedure.md');
    const procedure = doc.blocks.find((b) => b.text === '2. 作業手順')!;
    const assembly = doc.blocks.find((b) => b.text === '2.1 組立')!;
    expect(byKind(doc.blocks, 'step').map((s) => [s.marker, s.number, s.procedure])).toEqual([
      ['1.', 1, procedure.id],
      ['2.', 2, procedure.id],
      ['3.', 3, procedure.id],
      ['①', 1, assembly.id],
      ['②', 2, assembly.id],
    ]);
    expect(byKind(doc.blocks, 'step')[3]!.headingPath).toEqual([
      '冷却ポンプ P-101 保守手順書',
      '2. 作業手順',
      '2.1 組立',
    ]);
  });

  it('keeps the table header row and cells', async () => {
    const [table] = byKind((await parseFixture('procedure.md')).blocks, 'table');
    expect(table!.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['項目', '基準値', '測定値'],
      ['振動', '2.8 mm/s 以下', '1.9 mm/s'],
      ['軸受温度', '70 ℃ 以下', '45 ℃'],
    ]);
    expect(table!.rows[0]!.every((c) => c.header === true)).toBe(true);
    expect(table!.rows[1]!.some((c) => c.header === true)).toBe(false);
  });

  it('records spans whose source slice contains the block text, with lines', async () => {
    const text = fixtureText('procedure.md');
    const doc = await parseFixture('procedure.md');
    for (const b of doc.blocks.filter((x) => x.kind !== 'table' && x.kind !== 'caution')) {
      expect(text.slice(...(b.location.span as [number, number]))).toContain(b.text.split('\n')[0]);
    }
    const firstStep = byKind(doc.blocks, 'step')[0]!;
    expect(text.slice(...(firstStep.location.span as [number, number]))).toBe(
      '1. 制御盤のブレーカーを「切」にする。',
    );
    expect(firstStep.location.lines).toEqual([15, 15]);
  });

  it('keeps an ordered list outside a procedure as ordered list items', async () => {
    const doc = await parse('## 概要\n\n1. 目的\n2. 範囲\n');
    expect(outline(doc.blocks)).toEqual(['h2 概要', 'ol0 目的', 'ol0 範囲']);
  });

  it('reads a paragraph starting with 警告： as a caution and an image as a figure', async () => {
    const doc = await parse('警告：高温部に触れないこと。\n\n![ポンプ外観](pump.png)\n');
    expect(outline(doc.blocks)).toEqual([
      'caution:warning 警告：高温部に触れないこと。',
      'figure ポンプ外観',
    ]);
  });

  it('takes the title from YAML front matter and keeps offsets into the original text', async () => {
    const text = '---\ntitle: 点検要領\nrev: 3\n---\n# 概要\n①確認する。\n';
    const doc = await parse(text);
    expect(doc.metadata.title).toBe('点検要領');
    expect(outline(doc.blocks)).toEqual(['h1 概要', 'step 1 ①確認する。']);
    expect(doc.blocks.map((b) => text.slice(...(b.location.span as [number, number])))).toEqual([
      '# 概要',
      '①確認する。',
    ]);
    expect(doc.blocks[0]!.location.lines).toEqual([5, 5]);
  });

  it('reads an ordered list after a lead sentence, or nested under a 手順 item, as steps; 注記 items as notes', async () => {
    const doc = await parse(
      '## 点検\n\n次の手順で点検する。\n\n1. 外観を見る。\n2. 異音を聞く。\n\n- **処置手順：**\n    1. 停止する。\n- **注記：** 記録を残す。\n',
    );
    expect(outline(doc.blocks)).toEqual([
      'h2 点検',
      'paragraph 次の手順で点検する。',
      'step 1 外観を見る。',
      'step 2 異音を聞く。',
      'ul0 処置手順：',
      'step 1 停止する。',
      'caution:note 注記： 記録を残す。',
    ]);
  });

  it('keeps footnote labels in the text of the references and of the notes, each note located by its definition', async () => {
    const doc = await parseFixture('notes.md');
    expect(doc.blocks.map((b) => b.text)).toEqual([
      '冷却水ポンプ仕様',
      '吐出量は毎分200リットルとする[1]。揚程は30 m[head]。',
      '保守は年1回行う。',
      '[1] 定格回転数1,750 min⁻¹における値。',
      '[head] 吸込側の損失を含む。',
    ]);
    const [from, to] = doc.blocks[3]!.location.span!;
    expect(fixtureText('notes.md').slice(from, to)).toBe('[^1]: 定格回転数1,750 min⁻¹における値。');
  });
});
