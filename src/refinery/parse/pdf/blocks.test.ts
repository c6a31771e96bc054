import { describe, expect, it } from 'vitest';
import { draftsOf, type FlowItem } from './blocks.js';
import type { Line } from './lines.js';
import { typographyOf } from './style.js';

const size = 10.5;
const line = (text: string, x0: number, top: number, x1: number): Line => ({
  text,
  raw: text,
  x0,
  x1,
  top,
  bottom: top + size,
  baseline: top + size,
  size,
  bold: false,
  runs: [],
});
const flow = (column: number, l: Line): FlowItem => ({ kind: 'line', page: 1, column, line: l });
/** The text of each block drafted from the lines. */
const texts = (items: FlowItem[]) =>
  draftsOf(items, typographyOf(items.map((i) => (i as { line: Line }).line))).map((d) =>
    'text' in d ? d.text : '',
  );

describe('draftsOf: paragraphs over a two-column band', () => {
  // As 110329-1a.pdf page 8 lays it out: a full-width paragraph (crossing the gutter) whose last line is
  // short enough to sit in the left column, then two boxes side by side.
  const lines = [
    flow(
      -1,
      line(
        '安全衛生管理・活動を怠り、労働災害が発生すると、以下のようなさまざまな処罰・負担',
        100,
        153.8,
        524.6,
      ),
    ),
    flow(0, line('が発生する可能性があります。', 89.5, 171.8, 236.5)),
    flow(0, line('被災者・遺族から、損害賠償を請求されることがあります。', 65.1, 211.2, 211.1)),
    flow(1, line('判例：プレス加工の作業に従事していた女性パートタイマーに、', 245.3, 193.5, 462.8)),
  ];

  it('joins the short last line of a full-width paragraph that sits in the left column', () => {
    expect(texts(lines)).toEqual([
      '安全衛生管理・活動を怠り、労働災害が発生すると、以下のようなさまざまな処罰・負担が発生する可能性があります。',
      '被災者・遺族から、損害賠償を請求されることがあります。',
      '判例：プレス加工の作業に従事していた女性パートタイマーに、',
    ]);
  });

  it('does not join a finished full-width sentence or a caption across the gutter to the left column below it', () => {
    const finished = [
      flow(-1, line('図1 全幅の図の説明文がここに入ります。', 100, 153.8, 524.6)),
      flow(0, line('左の段の本文はここから始まります', 89.5, 171.8, 236.5)),
      flow(-1, line('表 2 点検項目と判定基準の一覧', 89.5, 200, 300)),
      flow(0, line('左の段の本文の続きです', 89.5, 214, 236.5)),
    ];
    expect(texts(finished)).toEqual([
      '図1 全幅の図の説明文がここに入ります。',
      '左の段の本文はここから始まります',
      '表 2 点検項目と判定基準の一覧',
      '左の段の本文の続きです',
    ]);
  });
});

describe('draftsOf: documents with 1.5 or double line spacing (行間)', () => {
  // As index-11.pdf page 2: 10.6 pt text on a 20.7 pt pitch, paragraphs indented by one character.
  const pitch = 20.7;
  const prose = [
    ['このマニュアルは令和4年度JASの活用・制定推進調査委託事業として、一般社団法人', 95.6, 510.5],
    ['日本農林規格協会（JAS協会）が作成し、農林水産省が監修したものです。', 85.1, 441],
    ['本事業は、日本の農業・食品産業の競争力の強化を図り、食料供給の基盤を維持・強化す', 95.7, 510.6],
    ['るために、日本農林規格（JAS）の制定・普及を進めることを目的とし、消費者や事業者の', 85.1, 510.5],
    ['多様化・高度化したニーズに対応した新しいJASの制定に寄与することに加え、多くの事', 85.1, 510.6],
    ['業者に既存のJASに関心を持っていただき、広く活用してもらうことを目指します。', 85.1, 485.8],
  ] as const;
  const at = (rows: readonly (readonly [string, number, number])[]) =>
    rows.map(([text, x0, x1], i) => flow(0, { ...line(text, x0, 196.7 + i * pitch, x1), size: 10.6 }));

  it('joins wrapped lines and starts a paragraph at each indented line after a sentence', () => {
    expect(texts(at(prose))).toEqual([
      'このマニュアルは令和4年度JASの活用・制定推進調査委託事業として、一般社団法人日本農林規格協会（JAS協会）が作成し、農林水産省が監修したものです。',
      '本事業は、日本の農業・食品産業の競争力の強化を図り、食料供給の基盤を維持・強化するために、日本農林規格（JAS）の制定・普及を進めることを目的とし、消費者や事業者の多様化・高度化したニーズに対応した新しいJASの制定に寄与することに加え、多くの事業者に既存のJASに関心を持っていただき、広く活用してもらうことを目指します。',
    ]);
  });

  it('keeps short labels spaced like lines apart', () => {
    const labels = [
      ['（参画業者数：１４０）', 85.1, 200],
      ['SPNグループ', 85.1, 160],
      ['（参画業者数：７４）', 85.1, 190],
      ['一般社団法人ARN', 85.1, 180],
      ['（参画業者数：１４）', 85.1, 190],
      ['部友会（参画業者数：３３）', 85.1, 230],
    ] as const;
    expect(texts(at(labels))).toHaveLength(6);
  });
});

describe('draftsOf: 目次 entries', () => {
  it('joins an entry wrapped onto a hung line, keeps every other entry and a chapter title apart', () => {
    const gap = 18;
    const rows: [string, number, number][] = [
      ['第１章　適正取引推進ガイドラインの概要について', 70, 300],
      ['１．適正取引推進ガイドライン策定の背景と目的..........1', 92, 510],
      ['（１）下請かけこみ寺事業について....................36', 92, 510],
      ['（４）「下請中小企業振興法第３条第１項の規定に基づく振興基準」の', 92, 470],
      ['改正、「下請代金の支払手段について」の見直し..........39', 128, 510],
      ['（５）営業秘密の取扱について..........................40', 92, 510],
    ];
    const items = rows.map(([text, x0, x1], i) => flow(0, line(text, x0, 100 + i * gap, x1)));
    expect(texts(items)).toEqual([
      '第１章　適正取引推進ガイドラインの概要について',
      '１．適正取引推進ガイドライン策定の背景と目的..........1',
      '（１）下請かけこみ寺事業について....................36',
      '（４）「下請中小企業振興法第３条第１項の規定に基づく振興基準」の改正、「下請代金の支払手段について」の見直し..........39',
      '（５）営業秘密の取扱について..........................40',
    ]);
  });
});

describe('draftsOf: a list numbered in a column of its own', () => {
  it('joins each number to the text on its row, never to the line above it', () => {
    // As keshouhin-standard.pdf p. 3 (別表第1) sets it: the numbers at 63.8, the names at 93.8.
    const items = [
      flow(0, line('1', 63.8, 124.1, 70.8)),
      flow(0, line('6－アセトキシ－2,4－ジメチル－m－ジオキサン', 93.8, 124.1, 358.3)),
      flow(0, line('2', 63.8, 142.2, 70.8)),
      flow(
        0,
        line(
          'アミノエーテル型の抗ヒスタミン剤（ジフェンヒドラミン等）以外の抗ヒスタミン剤',
          93.8,
          142.2,
          537.8,
        ),
      ),
      flow(0, line('3', 63.8, 160.2, 70.8)),
      flow(
        0,
        line(
          'エストラジオール、エストロン又はエチニルエストラジオール以外のホルモン及び',
          93.8,
          160.2,
          539.9,
        ),
      ),
      flow(0, line('その誘導体', 93.8, 178.2, 153.8)),
    ];
    expect(texts(items)).toEqual([
      '1 6－アセトキシ－2,4－ジメチル－m－ジオキサン',
      '2 アミノエーテル型の抗ヒスタミン剤（ジフェンヒドラミン等）以外の抗ヒスタミン剤',
      '3 エストラジオール、エストロン又はエチニルエストラジオール以外のホルモン及びその誘導体',
    ]);
  });
});

describe('draftsOf: a date', () => {
  it('keeps a date a block of its own, apart from the publisher set under it', () => {
    // iot_guideline.pdf p. 2: the title page's date, then the ministry.
    const items = [
      flow(0, line('令和３年４月', 260, 400, 323)),
      flow(0, line('経済産業省', 265, 416, 318)),
      flow(0, line('本ガイドラインは、製品の安全確保の在り方を', 70, 460, 520)),
      flow(0, line('示すものである。', 70, 476, 160)),
    ];
    expect(texts(items)).toEqual([
      '令和３年４月',
      '経済産業省',
      '本ガイドラインは、製品の安全確保の在り方を示すものである。',
    ]);
  });
});

describe('draftsOf: a chart under its caption', () => {
  it("gathers the chart's labels into one figure block and ends it at its note or at text", () => {
    // gaiyo.pdf p. 20: a caption, then the chart's values and legend one short line each.
    const items = [
      flow(0, line('図１計画的なOJTを実施した事業所の割合の推移', 60, 160, 300)),
      flow(0, line('(%)', 40, 180, 52)),
      flow(0, line('65.4', 90, 190, 108)),
      flow(0, line('全産業/正社員', 200, 200, 262)),
      flow(0, line('製造業/正社員', 200, 216, 262)),
      flow(0, line('29.0', 90, 240, 108)),
      flow(0, line('資料：厚生労働省「能力開発基本調査」', 40, 280, 300)),
      flow(
        0,
        line(
          '製造業における人材育成の問題は、６割以上の事業所が指導する人材の不足を挙げている。',
          40,
          320,
          520,
        ),
      ),
    ];
    const drafts = draftsOf(items, typographyOf(items.map((i) => (i as { line: Line }).line)));
    expect(drafts.map((d) => [d.kind, 'text' in d ? d.text : ''])).toEqual([
      ['paragraph', '図１計画的なOJTを実施した事業所の割合の推移'],
      ['figure', '(%) | 65.4 | 全産業/正社員 | 製造業/正社員 | 29.0'],
      ['paragraph', '資料：厚生労働省「能力開発基本調査」'],
      ['paragraph', '製造業における人材育成の問題は、６割以上の事業所が指導する人材の不足を挙げている。'],
    ]);
  });

  it('joins a phrase wrapped inside the figure, and leaves short lines without a caption alone', () => {
    const bubble = [
      flow(0, line('図３ 災害防止の呼びかけ', 60, 100, 200)),
      flow(0, line('必要に応じて外部', 100, 130, 184)),
      flow(0, line('機関も活用しま', 104, 143, 178)),
      flow(0, line('しょう', 120, 156, 150)),
    ];
    expect(texts(bubble)).toEqual(['図３ 災害防止の呼びかけ', '必要に応じて外部機関も活用しましょう']);
    const plain = [flow(0, line('リユース部品', 100, 130, 160)), flow(0, line('新品部品', 300, 130, 340))];
    expect(texts(plain)).toEqual(['リユース部品', '新品部品']);
  });
});
