import { describe, expect, it } from 'vitest';
import { parseHtml } from '../../src/refinery/parse/index.js';
import { byKind, fixtureText, outline, parseFixture } from './fixture.js';

const source = { uri: 'x.html', format: 'html', sha256: '', bytes: 0 };
const parse = (text: string) => parseHtml(new TextEncoder().encode(text), source);

describe('HTML parser', () => {
  it('reads headings, ① paragraphs as steps, a caution box, ol steps under 組立手順, table, figure and code', async () => {
    const doc = await parseFixture('procedure.html');
    expect(outline(doc.blocks)).toEqual([
      'h1 冷却ポンプ P-101 保守手順書',
      'paragraph 本書は冷却ポンプの分解点検の要領を定める。',
      'h2 1. 作業手順',
      'caution:caution 注意：作業前に必ず電源を遮断し、表示札を掛けること。',
      'step 1 ①制御盤のブレーカーを「切」にする。',
      'step 2 ②吐出弁と吸込弁を閉じる。',
      'step 3 ③ケーシングのボルトを外す。',
      'h2 2. 組立手順',
      'step 1 インペラを取り付ける。',
      'step 2 ボルトを対角順に締める。',
      'ul1 締付トルク：45 N·m',
      'h2 3. 点検記録',
      'table 2h 4r',
      'figure 図1 ポンプ外観',
      'code musubi refine manual.html',
    ]);
    expect(doc.metadata.title).toBe('冷却ポンプ P-101 保守手順書');
  });

  it('drops scripts and styles', async () => {
    const doc = await parseFixture('procedure.html');
    expect(doc.blocks.some((b) => b.text.includes('drop me') || b.text.includes('color'))).toBe(false);
  });

  it('keeps rowspan/colspan on anchor cells, the two header rows and the caption', async () => {
    const [table] = byKind((await parseFixture('procedure.html')).blocks, 'table');
    expect(table!.caption).toBe('表1 点検記録');
    expect(table!.headerRows).toBe(2);
    expect(table!.rows[0]).toEqual([
      { text: '設備', rowSpan: 2, header: true },
      { text: '点検項目', rowSpan: 2, header: true },
      { text: '測定値', colSpan: 2, header: true },
    ]);
    expect(table!.rows[1]!.map((c) => c.text)).toEqual(['基準', '実測']);
    expect(table!.rows[2]!.map((c) => c.text)).toEqual(['P-101', '振動', '2.8 mm/s 以下', '1.9 mm/s']);
  });

  it('records element spans that slice back to the source, with lines', async () => {
    const text = fixtureText('procedure.html');
    const doc = await parseFixture('procedure.html');
    const step = byKind(doc.blocks, 'step')[0]!;
    expect(text.slice(...(step.location.span as [number, number]))).toBe(
      '<p>①制御盤のブレーカーを「切」にする。</p>',
    );
    expect(step.location.lines).toEqual([15, 15]);
    const paragraph = doc.blocks[1]!;
    expect(paragraph.location.lines).toEqual([11, 12]);
  });

  it('joins source line breaks inside Japanese text without adding spaces, and keeps <br> as a newline', async () => {
    const doc = await parse('<p>電源を\n遮断する。<br>表示札を掛ける。</p><p>Turn the\npower off.</p>');
    expect(doc.blocks.map((b) => b.text)).toEqual([
      '電源を遮断する。\n表示札を掛ける。',
      'Turn the power off.',
    ]);
  });

  it('drops ruby readings and turns loose text in a div into a paragraph', async () => {
    const doc = await parse('<div><ruby>軸受<rt>じくうけ</rt></ruby>を点検する。</div>');
    expect(outline(doc.blocks)).toEqual(['paragraph 軸受を点検する。']);
  });

  it('reads an ol nested under a 手順 item as steps and a 注意 li as a caution', async () => {
    const doc = await parse(
      '<h2>概要</h2><ul><li>点検手順：<ol><li>停止する。</li><li>記録する。</li></ol></li><li>注意：素手で触れない。</li></ul>',
    );
    expect(outline(doc.blocks)).toEqual([
      'h2 概要',
      'ul0 点検手順：',
      'step 1 停止する。',
      'step 2 記録する。',
      'caution:caution 注意：素手で触れない。',
    ]);
  });

  it('decodes a Shift_JIS page from an old intranet', async () => {
    const doc = await parseFixture('notice-sjis.html');
    expect(doc.metadata).toMatchObject({ encoding: 'shift_jis', title: '点検のお知らせ' });
    expect(outline(doc.blocks)).toEqual(['h1 点検のお知らせ', 'step 1 ①電源を切る。']);
  });
});
