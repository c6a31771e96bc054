import { describe, expect, it } from 'vitest';
import { pumpManual } from '../../../test/refinery-chunk/fixtures.js';
import type { Block, Document } from '../document/index.js';
import { chunkContent, midSentenceCuts } from './chunk.js';
import { InvalidBudget } from './errors.js';
import { chunkByStructure } from './structure.js';

function documentOf(blocks: Block[], title = '保守要領書'): Document {
  return {
    source: { uri: 'docs/a.md', format: 'markdown', sha256: 'f'.repeat(64), bytes: 1 },
    metadata: { title },
    blocks,
  };
}

function paragraph(
  id: string,
  text: string,
  headingPath: string[] = ['概要'],
  span?: [number, number],
): Block {
  return { kind: 'paragraph', id, text, headingPath, location: span ? { span } : {} };
}

describe('chunkByStructure', () => {
  it('rejects impossible budgets up front with a typed InvalidInput', () => {
    const doc = pumpManual();
    expect(() => chunkByStructure(doc, { size: 0 })).toThrow(InvalidBudget);
    expect(() => chunkByStructure(doc, { size: 100, overlap: 100 })).toThrow(/overlap must be smaller/);
    expect(() => chunkByStructure(doc, { size: -5 })).toThrowError(
      expect.objectContaining({ kind: 'invalid' }),
    );
    expect(() => chunkByStructure(doc, { size: 10, overlap: 20 })).toThrowError(
      expect.objectContaining({ code: 'chunk.invalid-budget' }),
    );
  });

  it('shortens a header that would take more than half the budget instead of failing', () => {
    const deep = ['第1章 総則', '1.1 適用範囲', '1.1.1 対象設備', '1.1.1.1 回転機械'];
    const doc = documentOf(
      [paragraph('b0', '本節は回転機械に適用する。', deep)],
      '工場設備保全要領書（第３版）',
    );
    const [chunk] = chunkByStructure(doc, { size: 70 });
    expect(chunk!.context).toBe('工場設備保全要領書（第３版） › … › 1.1.1.1 回転機械');
    const tiny = chunkByStructure(doc, { size: 24 });
    for (const c of tiny) {
      expect(chunkContent(c).length).toBeLessThanOrEqual(24);
      expect(c.context.length).toBeLessThanOrEqual(12);
    }
    expect(tiny.map((c) => c.text).join('')).toBe('本節は回転機械に適用する。');
  });

  it('puts title › heading path in the context and counts it against the budget', () => {
    const doc = documentOf([paragraph('b0', 'あ'.repeat(30) + '。')]);
    const [chunk] = chunkByStructure(doc, { size: 100 });
    expect(chunk!.context).toBe('保守要領書 › 概要');
    expect(chunkContent(chunk!)).toBe(`保守要領書 › 概要\n\n${'あ'.repeat(30)}。`);
    // 31 characters of text fit in 40, but not once the 11-character header and blank line are counted.
    const tight = chunkByStructure(
      documentOf([paragraph('b0', 'あ'.repeat(15) + '。' + 'い'.repeat(15) + '。')]),
      {
        size: 40,
      },
    );
    expect(tight.map((c) => c.text)).toEqual([`${'あ'.repeat(15)}。`, `${'い'.repeat(15)}。`]);
    for (const c of tight) expect(chunkContent(c).length).toBeLessThanOrEqual(40);
  });

  it('keeps a procedure with its heading and cautions when it fits, even if that leaves a chunk short', () => {
    const chunks = chunkByStructure(pumpManual(), { size: 150 });
    const procedure = chunks.filter((c) => c.kinds.includes('step'));
    expect(procedure).toHaveLength(1);
    expect(procedure[0]!.blockIds).toEqual(['b2', 'b3', 'b4', 'b5', 'b6', 'b7']);
    expect(procedure[0]!.text).toContain('①吸込弁と吐出弁を全閉にする。\n②ケーシング');
  });

  it('splits a too-long procedure only between steps, repeating the procedure heading in each context', () => {
    const chunks = chunkByStructure(pumpManual(), { size: 80 }).filter((c) => c.kinds.includes('step'));
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.context).toBe('ポンプ保守マニュアル › 第2章 分解手順');
      expect(c.cut).toBe('block');
    }
    // The last step keeps the caution that follows it.
    expect(chunks.at(-1)!.blockIds).toEqual(['b6', 'b7']);
  });

  it('keeps an intro paragraph and notes between steps inside the procedure, and splits at a restart at ①', () => {
    const path = ['オイル交換'];
    const step = (id: string, n: number, marker: string): Block => ({
      kind: 'step',
      id,
      number: n,
      marker,
      procedure: 'h',
      text: `${marker}ドレンプラグを外す。`,
      headingPath: path,
      location: {},
    });
    const blocks: Block[] = [
      paragraph('p0', '前章の説明。'.repeat(12), []),
      { kind: 'heading', id: 'h', level: 1, text: 'オイル交換', headingPath: [], location: {} },
      paragraph('intro', '次の手順で交換する：', path),
      step('s1', 1, '①'),
      paragraph('note', '※廃油は所定の容器に回収する。', path),
      step('s2', 2, '②'),
      step('s3', 1, '①'),
    ];
    // 80 holds the first procedure (75 with its header) but not the restarted one as well.
    const chunks = chunkByStructure(documentOf(blocks), { size: 80 });
    const holding = (id: string) => chunks.findIndex((c) => c.blockIds.includes(id));
    expect(new Set(['h', 'intro', 's1', 'note', 's2'].map(holding)).size).toBe(1);
    expect(holding('p0')).not.toBe(holding('h'));
    expect(holding('s3')).toBe(holding('s2') + 1);
    const procedure = chunks[holding('s1')]!;
    expect(procedure.text).toBe(
      'オイル交換\n\n次の手順で交換する：\n\n①ドレンプラグを外す。\n\n※廃油は所定の容器に回収する。\n\n②ドレンプラグを外す。',
    );
  });

  it('moves a paragraph ending in a colon on with the table it introduces', () => {
    const table: Block = {
      kind: 'table',
      id: 't',
      text: '',
      rows: [
        [{ text: '項目' }, { text: '値' }],
        ...Array.from({ length: 4 }, (_, i) => [{ text: `軸${i}` }, { text: `${i}` }]),
      ],
      headerRows: 1,
      headerColumns: 0,
      headingPath: ['概要'],
      location: {},
    };
    const blocks = [
      paragraph('p0', '本節の前置き。'.repeat(5)),
      paragraph('p1', '基準値を次の表に示す：'),
      table,
    ];
    const chunks = chunkByStructure(documentOf(blocks), { size: 110 });
    expect(chunks.map((c) => c.blockIds)).toEqual([['p0'], ['p1', 't']]);
  });

  it('names a procedure heading from another section in the context of its split parts', () => {
    const heading: Block = {
      kind: 'heading',
      id: 'b0',
      level: 2,
      text: '交換手順',
      headingPath: [],
      location: {},
    };
    const steps: Block[] = [1, 2, 3].map((n) => ({
      kind: 'step',
      id: `b${n}`,
      number: n,
      marker: `(${n})`,
      procedure: 'b0',
      text: `(${n})${'ボルトを外す。'.repeat(4)}`,
      headingPath: ['別節'],
      location: {},
    }));
    const chunks = chunkByStructure(
      documentOf([heading, paragraph('bx', '前文。', ['交換手順']), ...steps]),
      {
        size: 70,
      },
    ).filter((c) => c.kinds.includes('step'));
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.context).toBe('保守要領書 › 別節 › 交換手順');
  });

  it('splits a long table between rows and repeats the header row and caption in every part', () => {
    const chunks = chunkByStructure(pumpManual(), { size: 110 }).filter((c) => c.kinds.includes('table'));
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.context).toBe('ポンプ保守マニュアル › 第3章 点検基準 › 表1 点検基準');
      expect(c.text.replace(/^第3章 点検基準\n\n/, '')).toMatch(
        /^\| 点検項目 \| 基準値 \| 周期 \|\n\| --- \| --- \| --- \|\n\| /,
      );
    }
    // The merged 周期 cell (毎月, two rows) is repeated in both rows even when they land in different parts.
    expect(chunks.map((c) => c.text).join('\n')).toContain('| 軸受温度 | 70℃以下 | 毎月 |');
  });

  it('splits a long paragraph only at sentence ends and narrows each part’s span', () => {
    const text = '弁を閉じる。'.repeat(10);
    const chunks = chunkByStructure(documentOf([paragraph('b0', text, ['概要'], [100, 100 + text.length])]), {
      size: 40,
    });
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    for (const c of chunks) {
      expect(c.text).toMatch(/^(弁を閉じる。)+$/);
      expect(c.cut).toBe('sentence');
    }
    expect(chunks[0]!.location.span).toEqual([100, 100 + chunks[0]!.text.length]);
    expect(chunks.at(-1)!.location.span![1]).toBe(100 + text.length);
  });

  it('cuts inside a sentence only when the sentence alone exceeds the budget, and reports it', () => {
    const long = `${'長い文、'.repeat(20)}終わり。`;
    const chunks = chunkByStructure(documentOf([paragraph('b0', `短い文。${long}`)]), { size: 60 });
    expect(chunks[0]!.text.startsWith('短い文。')).toBe(true);
    expect(chunks.map((c) => c.text).join('')).toBe(`短い文。${long}`);
    expect(midSentenceCuts(chunks).clause).toBeGreaterThan(0);
    const fine = chunkByStructure(documentOf([paragraph('b0', '短い文。'.repeat(30))]), { size: 60 });
    expect(midSentenceCuts(fine)).toEqual({ line: 0, clause: 0, character: 0 });
  });

  it('breaks an over-long run of text without 。 at line ends before clauses, and reports it as a line cut', () => {
    const text = Array.from({ length: 12 }, (_, i) => `項目${i}、規格値、測定値`).join('\n');
    const chunks = chunkByStructure(documentOf([paragraph('b0', text)]), { size: 60 });
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    for (const c of chunks.slice(0, -1)) expect(c.text.endsWith('\n')).toBe(true);
    expect(midSentenceCuts(chunks)).toEqual({ line: chunks.length, clause: 0, character: 0 });
  });

  it('never cuts a surrogate pair when it must cut characters', () => {
    const text = '𠮷'.repeat(40);
    const chunks = chunkByStructure(documentOf([paragraph('b0', text)], 'T'), { size: 20 });
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    for (const c of chunks) expect(c.text).toMatch(/^(𠮷)+$/u);
  });

  it('gives the same ids to an unchanged file and different ids when the file bytes change', () => {
    const a = chunkByStructure(pumpManual(), { size: 120 });
    const b = chunkByStructure(pumpManual(), { size: 120 });
    expect(b.map((c) => c.id)).toEqual(a.map((c) => c.id));
    expect(a[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const changed = { ...pumpManual(), source: { ...pumpManual().source, sha256: 'b'.repeat(64) } };
    expect(chunkByStructure(changed, { size: 120 })[0]!.id).not.toBe(a[0]!.id);
  });

  it('merges locations: page range, span, sheets and ranges from the blocks', () => {
    const blocks: Block[] = [
      { kind: 'paragraph', id: 'b0', text: '一。', headingPath: [], location: { page: 3, span: [0, 2] } },
      { kind: 'paragraph', id: 'b1', text: '二。', headingPath: [], location: { page: 5, span: [4, 6] } },
      {
        kind: 'table',
        id: 'b2',
        text: 'x',
        rows: [[{ text: 'x' }]],
        headerRows: 0,
        headerColumns: 0,
        headingPath: [],
        location: { sheet: '点検表', range: 'A1:A1' },
      },
    ];
    const [chunk] = chunkByStructure(documentOf(blocks), { size: 200 });
    expect(chunk!.location).toEqual({ pages: [3, 5], span: [0, 6], sheets: ['点検表'], ranges: ['A1'] });
    expect(chunk!.kinds).toEqual(['paragraph', 'table']);
    expect(chunk!.source).toEqual({ uri: 'docs/a.md', sha256: 'f'.repeat(64) });
  });

  it('narrows a split sheet table’s range to the rows of each part', () => {
    const table: Block = {
      kind: 'table',
      id: 't',
      text: '',
      rows: [
        [
          { text: '設備', header: true },
          { text: '周期', header: true },
        ],
        ...Array.from({ length: 9 }, (_, i) => [{ text: `ポンプ${i + 1}号機` }, { text: '毎月' }]),
      ],
      headerRows: 1,
      headerColumns: 0,
      headingPath: [],
      location: { sheet: '点検表', range: 'B3:C12' },
    };
    const chunks = chunkByStructure(documentOf([table], '点検計画'), { size: 100 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0]!.location.sheets).toEqual(['点検表']);
    expect(chunks[0]!.location.ranges![0]).toMatch(/^B4:C\d+$/);
    expect(chunks.at(-1)!.location.ranges![0]).toMatch(/^B\d+:C12$/);
    const rows = chunks.map((c) =>
      c.location
        .ranges![0]!.match(/(\d+):C(\d+)/)!
        .slice(1)
        .map(Number),
    );
    for (let i = 1; i < rows.length; i++) expect(rows[i]![0]).toBe(rows[i - 1]![1]! + 1);
  });

  it('folds a bare chapter heading into its first subsection instead of emitting it alone', () => {
    const blocks: Block[] = [
      { kind: 'heading', id: 'b0', level: 1, text: '第1章', headingPath: [], location: {} },
      { kind: 'heading', id: 'b1', level: 2, text: '1.1 目的', headingPath: ['第1章'], location: {} },
      paragraph('b2', '本書の目的を示す。', ['第1章', '1.1 目的']),
    ];
    const chunks = chunkByStructure(documentOf(blocks), { size: 200 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.text).toBe('第1章\n\n1.1 目的\n\n本書の目的を示す。');
    expect(chunks[0]!.headingPath).toEqual(['第1章', '1.1 目的']);
  });

  it("packs short sections under one parent into a chunk under the parent's header while they fit", () => {
    const h = (id: string, text: string, path: string[]): Block => ({
      kind: 'heading',
      id,
      level: path.length + 1,
      text,
      headingPath: path,
      location: {},
    });
    const under = ['3.1 動物種', '3.1.1 動物種の選択'];
    const blocks: Block[] = [
      h('b0', '3.1 動物種', []),
      h('b1', '3.1.1 動物種の選択', ['3.1 動物種']),
      paragraph('b2', '種および系統の選択にあたっては、次の情報を考慮する。', [
        '3.1 動物種',
        '3.1.1 動物種の選択',
      ]),
      h('b3', '(1) 薬理作用', under),
      h('b4', '(2) 反復投与毒性', under),
      paragraph('b5', '3, 5', [...under, '(2) 反復投与毒性']),
      h('b6', '3.1.2 動物数', ['3.1 動物種']),
      paragraph('b7', '雌雄各々について、1群50匹以上とする。', ['3.1 動物種', '3.1.2 動物数']),
      h('b8', '3.2 用量', []),
      paragraph('b9', 'あ'.repeat(150) + '。', ['3.2 用量']),
    ];
    const chunks = chunkByStructure(documentOf(blocks), { size: 200 });
    expect(chunks.map((c) => c.blockIds)).toEqual([
      ['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7'],
      ['b8', 'b9'],
    ]);
    expect(chunks[0]!.headingPath).toEqual(['3.1 動物種']);
    // Each packed section says where it starts in the text and what it is under.
    const text = chunks[0]!.text;
    expect(
      chunks[0]!.sections?.map((sec) => [text.slice(sec.start).split('\n')[0], sec.headingPath.at(-1)]),
    ).toEqual([
      // The bare 3.1 title is folded into its first subsection.
      ['3.1 動物種', '3.1.1 動物種の選択'],
      ['(1) 薬理作用', '(1) 薬理作用'],
      ['(2) 反復投与毒性', '(2) 反復投与毒性'],
      ['3.1.2 動物数', '3.1.2 動物数'],
    ]);
    expect(chunks[1]!.sections).toBeUndefined();
    expect(chunks[0]!.context).toBe('保守要領書 › 3.1 動物種');
    expect(chunks.some((c) => c.kinds.every((k) => k === 'heading'))).toBe(false);
    // With less room, the sections part where they must, each under its own header.
    const tight = chunkByStructure(documentOf(blocks), { size: 90 });
    expect(tight.length).toBeGreaterThan(2);
    for (const c of tight) expect(chunkContent(c).length).toBeLessThanOrEqual(90);
  });

  it('returns no chunks for a document whose blocks hold no text', () => {
    const empty = documentOf([
      paragraph('b0', '  '),
      { kind: 'figure', id: 'b1', text: '', headingPath: [], location: {} },
    ]);
    expect(chunkByStructure(empty, { size: 100 })).toEqual([]);
  });

  it('uses the file name as the title when the document has none', () => {
    const doc = { ...documentOf([paragraph('b0', '本文。', [])]), metadata: {} };
    expect(chunkByStructure(doc, { size: 100 })[0]!.context).toBe('a.md');
  });
});
