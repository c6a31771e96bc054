import { describe, expect, it } from 'vitest';
import { byKind, outline, parseFixture } from './fixture.js';

describe('PPTX parser', () => {
  it('reads slides in presentation order, titles as headings, bullets, auto-numbered steps, cautions and speaker notes', async () => {
    const doc = await parseFixture('small.pptx');
    expect(outline(doc.blocks)).toEqual([
      'h1 分解点検の流れ',
      'ul0 電源を遮断する',
      'ul1 表示札を掛ける',
      'step 1 ボルトを外す',
      'caution:caution 注意：作業は二人で行うこと。',
      'paragraph 所要時間は約30分。',
      'caution:note 注記：実機の写真を示す。',
      'h1 点検記録',
      'table 2h 3r',
      // 「m」 in a run set in Symbol shows μ
      'paragraph 表面粗さ 0.8 μm以下',
    ]);
    expect(doc.metadata.pages).toBe(2);
  });

  it('records the slide number as the page and links the step to its slide heading', async () => {
    const doc = await parseFixture('small.pptx');
    expect(doc.blocks.map((b) => b.location.page)).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 2, 2]);
    const [step] = byKind(doc.blocks, 'step');
    expect(step).toMatchObject({
      marker: '①',
      procedure: doc.blocks[0]!.id,
      headingPath: ['分解点検の流れ'],
    });
  });

  it('keeps gridSpan/rowSpan merges and drops the merged-away cells', async () => {
    const [table] = byKind((await parseFixture('small.pptx')).blocks, 'table');
    expect(table!.rows).toEqual([
      [
        { text: '項目', rowSpan: 2, header: true },
        { text: '測定値', colSpan: 2, header: true },
      ],
      [
        { text: '基準', header: true },
        { text: '実測', header: true },
      ],
      [{ text: '振動' }, { text: '2.8 mm/s 以下' }, { text: '1.9 mm/s' }],
    ]);
  });
});
