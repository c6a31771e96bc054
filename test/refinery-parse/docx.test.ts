import { describe, expect, it } from 'vitest';
import { byKind, outline, parseFixture } from './fixture.js';

describe('DOCX parser', () => {
  it('reads Heading styles, a 注意 paragraph, ①②③ numbering as steps, a bullet, a table and text boxes', async () => {
    const doc = await parseFixture('procedure.docx');
    expect(outline(doc.blocks)).toEqual([
      'h1 冷却ポンプ P-101 保守手順書',
      'paragraph 本書は冷却ポンプの分解点検の要領を定める。',
      'h2 1. 作業手順',
      'caution:caution 注意：作業前に必ず電源を遮断し、表示札を掛けること。',
      'step 1 制御盤のブレーカーを「切」にする。',
      'step 2 吐出弁と吸込弁を閉じる。',
      'step 3 ケーシングのボルトを外す。',
      'ul0 工具',
      'h2 2. 点検記録',
      'table 2h 4r',
      'paragraph 運転中は必ず保護具を着用する。',
      'paragraph 図：',
      'caution:warning 警告：回転部に手を入れないこと。',
    ]);
    expect(doc.metadata).toEqual({
      title: '冷却ポンプ保守手順書',
      documentNumber: 'MP-P101-001',
      revision: '3',
      date: '2026-11-01',
      classification: '社外秘',
    });
  });

  it('renders numbering markers, links steps to their heading and records paragraph indexes', async () => {
    const doc = await parseFixture('procedure.docx');
    const heading = doc.blocks.find((b) => b.text === '1. 作業手順')!;
    const steps = byKind(doc.blocks, 'step');
    expect(steps.map((s) => [s.marker, s.number, s.procedure, s.location.paragraph])).toEqual([
      ['①', 1, heading.id, 4],
      ['②', 2, heading.id, 5],
      ['③', 3, heading.id, 6],
    ]);
    expect(steps[0]!.headingPath).toEqual(['冷却ポンプ P-101 保守手順書', '1. 作業手順']);
  });

  it('keeps vMerge and gridSpan merges as spans on the anchor cells under a two-row header', async () => {
    const [table] = byKind((await parseFixture('procedure.docx')).blocks, 'table');
    expect(table!.location).toEqual({ paragraph: 10 });
    expect(table!.headerRows).toBe(2);
    expect(table!.rows).toEqual([
      [
        { text: '設備', rowSpan: 2, header: true },
        { text: '点検項目', rowSpan: 2, header: true },
        { text: '測定値', colSpan: 2, header: true },
      ],
      [
        { text: '基準', header: true },
        { text: '実測', header: true },
      ],
      [{ text: 'P-101', rowSpan: 2 }, { text: '振動' }, { text: '2.8 mm/s 以下' }, { text: '1.9 mm/s' }],
      [{ text: '軸受温度' }, { text: '70 ℃ 以下' }, { text: '45 ℃' }],
    ]);
  });

  it('keeps ruby readings (furigana) out of the text and still finds a typed ① step', async () => {
    const doc = await parseFixture('ruby.docx');
    expect(outline(doc.blocks)).toEqual(['paragraph 軸受の温度を確認する。', 'step 1 ①弁を閉じる。']);
    expect(doc.blocks.some((b) => /じくうけ|おんど|べん/.test(b.text))).toBe(false);
  });

  it('reads signs typed in Symbol and Wingdings, inserted (w:sym) or set as a run in the font', async () => {
    const doc = await parseFixture('symbols.docx');
    expect(doc.blocks.map((b) => b.text)).toEqual([
      '軸受すきまは0.05 mm±0.01 mm、表面粗さは0.8 μm以下とする。',
      '☑ 点検済み①を確認',
    ]);
  });

  it('keeps footnote and endnote marks in the text and puts each note after what refers to it', async () => {
    const doc = await parseFixture('notes.docx');
    expect(outline(doc.blocks)).toEqual([
      'h1 冷却水ポンプ仕様',
      'paragraph 吐出量は毎分200リットルとする[1]。',
      'paragraph [1] 定格回転数1,750 min⁻¹における値。',
      'table 1h 3r',
      'paragraph [2] 吸込側の損失を含む。',
      'paragraph 材質はSUS304とする※。',
      'paragraph ※　海水用はSUS316Lとする。',
      'paragraph 保守は年1回行う[i]。',
      'paragraph [i] 点検記録は5年間保存する。',
    ]);
    const note = doc.blocks.find((b) => b.text.startsWith('[2]'))!;
    const table = byKind(doc.blocks, 'table')[0]!;
    expect(table.rows[1]!.map((c) => c.text)).toEqual(['揚程', '30 m[2]']);
    // a note is located where it is referred to, under the same headings
    expect(note.location).toEqual(table.location);
    expect(note.headingPath).toEqual(['冷却水ポンプ仕様']);
  });

  it('reads caution boxes drawn as one-row tables, typed ・ bullets, unstyled 第N章 headings and style numbering 手順N', async () => {
    const doc = await parseFixture('boxes.docx');
    expect(outline(doc.blocks)).toEqual([
      'h1 第1章　点検の準備',
      'ul0 ・保護手袋',
      'ul0 ・スパナ',
      'caution:caution 【注意】高温部に触れないこと。',
      'h1 第2章　分解',
      'caution:warning ⚠警告\n回転部に手を入れないこと。',
      'step 1 電源を切る。',
      'step 2 カバーを外す。',
    ]);
    const steps = byKind(doc.blocks, 'step');
    expect(steps.map((s) => [s.marker, s.procedure])).toEqual([
      ['手順1', doc.blocks[4]!.id],
      ['手順2', doc.blocks[4]!.id],
    ]);
  });
});
