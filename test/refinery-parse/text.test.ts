import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/refinery/parse/index.js';
import { byKind, fixtureText, outline, parseFixture } from './fixture.js';

const source = { uri: 'x.txt', format: 'text', sha256: '', bytes: 0 };
const parse = (text: string) => parseText(new TextEncoder().encode(text), source);

describe('TXT parser', () => {
  it('reads chapters, a multi-line 注意 callout, ①②③ steps and (１)(２) steps into a block tree', async () => {
    const doc = await parseFixture('procedure.txt');
    expect(outline(doc.blocks)).toEqual([
      'h1 冷却ポンプ P-101 保守手順書',
      'h2 第1章　総則',
      'paragraph 本書は冷却ポンプの分解点検の要領を定める。\n作業は有資格者が行う。',
      'h2 第2章　作業手順',
      'caution:caution 【注意】作業前に必ず電源を遮断し、\n　　　　表示札を掛けること。',
      'step 1 ①制御盤のブレーカーを「切」にする。',
      'step 2 ②吐出弁と吸込弁を閉じる。',
      'step 3 ③ケーシングのボルトを外す。\n　ボルトは対角順に緩める。',
      'h3 2.1　組立',
      'step 1 （１）インペラを取り付ける。',
      'step 2 （２）ボルトを対角順に締める。',
      'caution:warning 警告：試運転中は回転部に近づかないこと。',
      'h2 第3章　記録',
      'paragraph 点検結果を記録表に記入する。',
    ]);
  });

  it('gives heading paths and links steps to the heading they sit under', async () => {
    const doc = await parseFixture('procedure.txt');
    const steps = byKind(doc.blocks, 'step');
    const chapter2 = doc.blocks.find((b) => b.text === '第2章　作業手順')!;
    const assembly = doc.blocks.find((b) => b.text === '2.1　組立')!;
    expect(steps.map((s) => [s.marker, s.procedure])).toEqual([
      ['①', chapter2.id],
      ['②', chapter2.id],
      ['③', chapter2.id],
      ['（１）', assembly.id],
      ['（２）', assembly.id],
    ]);
    expect(steps[3]!.headingPath).toEqual(['冷却ポンプ P-101 保守手順書', '第2章　作業手順', '2.1　組立']);
  });

  it('puts a title line above chapters at the top of the outline, but leaves a titled note without headings flat', async () => {
    const doc = await parseFixture('procedure.txt');
    expect(doc.metadata.title).toBe('冷却ポンプ P-101 保守手順書');
    const title = doc.blocks[0]!;
    expect(doc.blocks.filter((b) => b.kind === 'heading' && b.level === 1)).toEqual([title]);
    expect(doc.blocks.find((b) => b.text === '第3章　記録')?.headingPath).toEqual([title.text]);
    const note = await parse('打合せメモ\n\n弁の交換は来週に行う。\n');
    expect(note.metadata.title).toBe('打合せメモ');
    expect(outline(note.blocks)).toEqual(['paragraph 打合せメモ', 'paragraph 弁の交換は来週に行う。']);
  });

  it('records spans that slice back to each block text, and 1-based lines', async () => {
    const text = fixtureText('procedure.txt');
    const doc = await parseFixture('procedure.txt');
    for (const b of doc.blocks) {
      const [start, end] = b.location.span!;
      expect(text.slice(start, end)).toBe(b.text);
    }
    const caution = byKind(doc.blocks, 'caution')[0]!;
    expect(caution.location.lines).toEqual([8, 9]);
  });

  it('reads a bare "1." list under a procedure heading as steps but "1. 概要" at top level as a heading', async () => {
    const doc = await parse('1. 概要\n本書の目的を示す。\n\n2. 作業手順\n1. 電源を切る\n2. 弁を閉じる\n');
    expect(outline(doc.blocks)).toEqual([
      'h1 1. 概要',
      'paragraph 本書の目的を示す。',
      'h1 2. 作業手順',
      'step 1 1. 電源を切る',
      'step 2 2. 弁を閉じる',
    ]);
  });

  it('keeps CRLF files’ spans exact', async () => {
    const text = '第1章 総則\r\n①電源を切る。\r\n②弁を閉じる。\r\n';
    const doc = await parse(text);
    expect(doc.blocks.map((b) => text.slice(...(b.location.span as [number, number])))).toEqual([
      '第1章 総則',
      '①電源を切る。',
      '②弁を閉じる。',
    ]);
    expect(doc.blocks.map((b) => b.location.lines)).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('refuses a whitespace-only file as parse.empty', async () => {
    await expect(parse('　\n  \n')).rejects.toMatchObject({ code: 'parse.empty' });
  });

  it('reads typed bullets as list items nested by indentation, and the cover line as the title', async () => {
    const doc = await parse(
      'ポンプ点検要領\n\n準備するもの\n・保護手袋\n　・耐油性のもの\n- スパナ\n-20℃以下で保管する。\n',
    );
    expect(doc.metadata.title).toBe('ポンプ点検要領');
    expect(outline(doc.blocks)).toEqual([
      'paragraph ポンプ点検要領',
      'paragraph 準備するもの',
      'ul0 ・保護手袋',
      'ul1 ・耐油性のもの',
      'ul0 - スパナ\n-20℃以下で保管する。',
    ]);
  });
});
