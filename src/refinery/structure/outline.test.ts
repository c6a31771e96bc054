import { describe, expect, it } from 'vitest';
import { type LineRole, type OutlineItem, outlineRoles } from './outline.js';

interface Spec {
  readonly size?: number;
  readonly bold?: boolean;
  readonly x0?: number;
  /** Right end; default: short lines stop early, long ones reach the 520 pt margin. */
  readonly x1?: number;
  /** Vertical gap above the line, in points (default: ordinary line spacing). */
  readonly gap?: number;
  readonly tag?: number;
  readonly page?: number;
  /** The size was measured off a scan. */
  readonly measured?: boolean;
}

const body = { bodySize: 12, bodyBold: false };

/** Lines laid out top to bottom on one column; `[text, spec]` or just the text at body size. */
function layout(lines: readonly (string | readonly [string, Spec])[]): OutlineItem[] {
  let y = 60;
  let page = 1;
  return lines.map((l) => {
    const [raw, spec] = typeof l === 'string' ? [l, {} as Spec] : l;
    const size = spec.size ?? 12;
    if (spec.page !== undefined && spec.page !== page) {
      page = spec.page;
      y = 60;
    }
    y += spec.gap ?? 6;
    const top = y;
    y += size;
    const chars = [...raw].length;
    const x0 = spec.x0 ?? 70;
    const x1 = spec.x1 ?? Math.min(520, x0 + chars * size);
    return {
      page,
      column: 0,
      line: {
        // As the PDF parser repairs spacing: no space left between two non-ASCII characters.
        text: raw.replace(/(?<=[^ -~])[ \u3000]+(?=[^ -~])/g, ''),
        raw,
        size,
        bold: spec.bold ?? false,
        x0,
        x1,
        top,
        bottom: top + size,
        ...(spec.tag === undefined ? {} : { tagLevel: spec.tag }),
        ...(spec.measured === true ? { measured: true } : {}),
      },
    };
  });
}

/** `[text, role]` for each line that has a role. */
function roles(items: readonly OutlineItem[]): [string, string][] {
  return outlineRoles(items, body).flatMap((r: LineRole | undefined, i) => {
    if (r === undefined) return [];
    const what =
      r.kind === 'heading'
        ? `h${r.level}${r.lines > 1 ? `×${r.lines}` : ''}`
        : r.kind === 'step'
          ? `s${r.number}`
          : r.kind;
    return [[items[i]!.line.text, what]];
  });
}

describe('outlineRoles: levels', () => {
  it('puts 14 pt bold chapters under the 20 pt title and a body-sized tagged section under its chapter', () => {
    const items = layout([
      ['ポンプ点検手順書', { size: 20, bold: true, tag: 1 }],
      ['目 次', { size: 14, bold: true, x0: 250, gap: 20 }],
      ['第1章　概要', { size: 14, bold: true, gap: 20 }],
      '本手順書は、冷却水ポンプの定期点検の方法を定める。',
      ['第2章　作業手順', { size: 14, bold: true, gap: 20 }],
      '① ポンプの電源を切り、ロックアウトする。',
      '② 吐出弁と吸込弁を閉じる。',
      ['第4章　保管', { size: 14, bold: true, page: 2 }],
      '取り外した部品は所定の棚に保管する。',
      ['保管場所について', { tag: 2, gap: 20 }],
      '保管場所は施錠できる倉庫とする。',
    ]);
    expect(roles(items)).toEqual([
      ['ポンプ点検手順書', 'h1'],
      ['目次', 'h2'],
      ['第1章概要', 'h2'],
      ['第2章作業手順', 'h2'],
      ['①ポンプの電源を切り、ロックアウトする。', 's1'],
      ['②吐出弁と吸込弁を閉じる。', 's2'],
      ['第4章保管', 'h2'],
      ['保管場所について', 'h3'],
    ]);
  });

  it('reads body-sized numbered sections from their numbering, and titles listed in the 目次', () => {
    const explanation =
      '遠隔操作を行う機器は、火災等の防止対策としてヒューズなどの安全機能を原則使用すること。';
    const items = layout([
      ['ガイドライン', { size: 22, bold: true }],
      ['目次', { size: 14, gap: 30 }],
      '１．本ガイドラインの背景..................1',
      '（１）想定される被害の考え方..............2',
      '（別紙）概念図における用語の解釈..........5',
      '用語の定義................................7',
      ['１．本ガイドラインの背景', { page: 2 }],
      ['（１）想定される被害の考え方', { gap: 16 }],
      [explanation, { x1: 520 }],
      ['（２）直接発生する被害', { gap: 16 }],
      ['（別紙）概念図における用語の解釈', { page: 3 }],
      ['１．遠隔操作の禁止', { gap: 20 }],
      [explanation, { x0: 92, x1: 520 }],
      ['２．安全機能の分離・分割', { gap: 20 }],
      [explanation, { x0: 92, x1: 520 }],
      ['用語の定義', { page: 4 }],
    ]);
    expect(roles(items)).toEqual([
      ['ガイドライン', 'h1'],
      ['目次', 'h2'],
      ['１．本ガイドラインの背景..................1', 'text'],
      ['（１）想定される被害の考え方..............2', 'text'],
      ['（別紙）概念図における用語の解釈..........5', 'text'],
      ['用語の定義................................7', 'text'],
      // 目次 holds only its entries: the first section is its sibling, not its child.
      ['１．本ガイドラインの背景', 'h2'],
      ['（１）想定される被害の考え方', 'h3'],
      ['（２）直接発生する被害', 'h3'],
      // An unnumbered title set like the sections is their sibling; numbering restarting under it nests.
      ['（別紙）概念図における用語の解釈', 'h2'],
      ['１．遠隔操作の禁止', 'h3'],
      ['２．安全機能の分離・分割', 'h3'],
      ['用語の定義', 'h2'],
    ]);
  });

  it('nests hyphen-numbered sections under the numbered section, and leaves a numbered definition as text', () => {
    const text = '製品中の微生物は、次の基準に適合するものであること。ただし、乳児に供する製品に限る。';
    const items = layout([
      ['３．品質', { gap: 20 }],
      [text, { x1: 520 }],
      ['3-1 ナトリウム', { gap: 16 }],
      [text, { x1: 520 }],
      ['3-2 摂食時の物性', { gap: 16 }],
      ['2-1 この規格において「ベビーフード」とは、乳児の発育に伴い栄養補給を行うものをいう', { x1: 520 }],
      ['４．賞味期間', { gap: 20 }],
      [text, { x1: 520 }],
    ]);
    expect(roles(items)).toEqual([
      ['３．品質', 'h1'],
      ['3-1 ナトリウム', 'h2'],
      ['3-2 摂食時の物性', 'h2'],
      ['2-1 この規格において「ベビーフード」とは、乳児の発育に伴い栄養補給を行うものをいう', 'text'],
      ['４．賞味期間', 'h1'],
    ]);
  });

  it('continues a numbered sequence whose sizes differ by a point, as sizes measured off a scan do', () => {
    const text = '製品の賞味期間は表1の期間を上限とし、容器包装の形態ごとに定める。';
    const items = layout([
      ['ベビーフード自主規格', { size: 22 }],
      ['１．適用の範囲', { size: 12.5, gap: 20 }],
      [text, { x1: 520 }],
      // a line misread as a large title between the sections
      ['容器包装製造形態', { size: 16, gap: 20 }],
      [text, { x1: 520 }],
      ['２．定義', { size: 12, gap: 20 }],
      [text, { x1: 520 }],
    ]);
    expect(roles(items)).toEqual([
      ['ベビーフード自主規格', 'h1'],
      ['１．適用の範囲', 'h2'],
      ['容器包装製造形態', 'h2'],
      ['２．定義', 'h2'],
    ]);
  });

  it('nests scanned headings by their numbering when their measured sizes differ by less than a quarter', () => {
    const text = '「食品衛生検査指針：微生物編」の試験法を準用する。';
    // As OCR measured foodkaku5's page 8: every title is set at 10.5 pt, but a short one spread to a width
    // (「２）固　さ」) or with a bracket measures a point or two larger.
    const scanned = (size: number): Spec => ({ size, gap: 10, measured: true });
    const lines: (readonly [string, Spec])[] = [
      ['Ⅱ．ベビーフードの製品試験法', { size: 16, gap: 20, measured: true }],
      ['１．栄養成分等の分析方法', scanned(10.5)],
      ['１－１ 栄養成分', scanned(10.5)],
      ['１） アルファー化度', scanned(10.5)],
      [text, { x1: 520, measured: true }],
      ['２） 固　さ', scanned(12.5)],
      [text, { x1: 520, measured: true }],
      ['２．微生物の試験方法', scanned(10.5)],
      ['２－１ ドライタイプベビーフード', scanned(11.5)],
    ];
    expect(roles(layout(lines))).toEqual([
      ['Ⅱ．ベビーフードの製品試験法', 'h1'],
      ['１．栄養成分等の分析方法', 'h2'],
      ['１－１栄養成分', 'h3'],
      ['１）アルファー化度', 'h4'],
      ['２）固さ', 'h4'],
      ['２．微生物の試験方法', 'h2'],
      ['２－１ドライタイプベビーフード', 'h3'],
    ]);
    // Read from a text layer, the same sizes are the file's own: the larger 「２）固さ」 is not under 「１．」.
    const typeset = lines.map(([t, spec]): readonly [string, Spec] => [t, { ...spec, measured: false }]);
    expect(roles(layout(typeset))).toContainEqual(['２）固さ', 'h2']);
  });

  it('gives a title printed again over the text the level of the first, joins a wrapped large title, skips labels and dates', () => {
    const items = layout([
      ['（別紙）', { size: 14, x0: 474 }],
      ['電気用品の IoT 化等による', { size: 22, bold: true, gap: 100 }],
      ['安全確保の在り方に関するガイドライン', { size: 22, bold: true, gap: 8 }],
      ['令和３年４月', { size: 18, bold: true, gap: 200 }],
      ['電気用品の IoT 化等による', { size: 14, page: 2 }],
      ['安全確保の在り方に関するガイドライン', { size: 14, gap: 6 }],
      ['目次', { size: 14, gap: 30 }],
    ]);
    expect(roles(items)).toEqual([
      ['電気用品の IoT 化等による', 'h1×2'],
      ['電気用品の IoT 化等による', 'h1×2'],
      ['目次', 'h2'],
    ]);
  });
});

describe('outlineRoles: headings, steps and references', () => {
  it('takes "１ 総則" numbering as headings when numbered siblings follow, a lone "1 6－…" row as text', () => {
    const items = layout([
      ['化粧品基準', { size: 14, x0: 263 }],
      ['１ 総則', { gap: 20 }],
      [
        '化粧品の原料は、それに含有される不純物等も含め、感染のおそれがある物を含む等その使用によって',
        { x0: 95 },
      ],
      '２ 防腐剤、紫外線吸収剤及びタール色素以外の成分の配合の禁止',
      ['化粧品は、医薬品の成分を配合してはならない。', { x0: 95 }],
      ['５ 化粧品に配合されるグリセリンは、当該成分100g中ジエチレングリコール', { x1: 520 }],
      ['以下のものでなければならない。', { x0: 83 }],
      ['別表第1', { page: 2 }],
      ['1 6－アセトキシ－2,4－ジメチル－m－ジオキサン', { x0: 64 }],
      ['別表第2', { page: 3 }],
      '１ すべての化粧品に配合の制限がある成分',
      ['２ 化粧品の種類又は使用目的により配合の制限がある成分', { gap: 80 }],
    ]);
    expect(roles(items)).toEqual([
      ['化粧品基準', 'h1'],
      ['１総則', 'h2'],
      ['２防腐剤、紫外線吸収剤及びタール色素以外の成分の配合の禁止', 'h2'],
      ['別表第1', 'h2'],
      ['別表第2', 'h2'],
      ['１すべての化粧品に配合の制限がある成分', 'h3'],
      ['２化粧品の種類又は使用目的により配合の制限がある成分', 'h3'],
    ]);
  });

  it('keeps numbered instructions under a procedure heading as steps, and a title-like (N) elsewhere as a heading', () => {
    const items = layout([
      ['第1章　作業手順', { size: 14, bold: true }],
      '(1) 電源を切る',
      '(2) 弁を閉じる',
      ['第2章　リスク評価の考え方', { size: 14, bold: true, gap: 20 }],
      ['（１）想定される被害の考え方', { gap: 12 }],
      ['対象製品を設計するに際しては、製品に発生する被害に加え、間接的な被害がある。', { x1: 520 }],
      ['（２）電源を切り、ロックアウトする。', { gap: 12 }],
    ]);
    expect(roles(items)).toEqual([
      ['第1章作業手順', 'h1'],
      ['(1) 電源を切る', 's1'],
      ['(2) 弁を閉じる', 's2'],
      ['第2章リスク評価の考え方', 'h1'],
      ['（１）想定される被害の考え方', 'h2'],
      ['（２）電源を切り、ロックアウトする。', 's2'],
    ]);
  });

  it('heads a section with ① over an explanation outside a procedure, and keeps a run of short ① items steps', () => {
    const explanation =
      '日本経済を持続的な成長軌道に乗せていくためには、下請などの中小企業の取引条件を改善していく';
    const items = layout([
      ['（１）ガイドライン策定の背景', { gap: 20 }],
      ['① 中小企業の活性化のための下請適正取引等の推進の必要性', { gap: 16 }],
      [explanation, { x0: 118, x1: 520 }],
      ['② 食品製造業者・小売業者間における適正取引の推進', { gap: 16 }],
      [explanation, { x0: 118, x1: 520 }],
      ['（２）点検の記録', { gap: 20 }],
      '① 点検日時を記入する',
      '② 異常の有無を記入する',
    ]);
    expect(roles(items)).toEqual([
      ['（１）ガイドライン策定の背景', 'h1'],
      ['①中小企業の活性化のための下請適正取引等の推進の必要性', 'h2'],
      ['②食品製造業者・小売業者間における適正取引の推進', 'h2'],
      ['（２）点検の記録', 'h1'],
      ['①点検日時を記入する', 's1'],
      ['②異常の有無を記入する', 's2'],
    ]);
  });

  it('heads a section with ① in the left column over bullets that cross the gutter (a slide)', () => {
    const items = layout([
      ['新たな価値を生み出す基盤づくり①', { size: 20, bold: true, gap: 10 }],
      ['①DX等成長分野を中心とした人材育成', { bold: true, x1: 284, gap: 12 }],
      ['• 数理・データサイエンス・AI教育のモデルカリキュラムを全国へ普及させる', { x1: 520 }],
      ['② 研修を受ける', { gap: 20 }],
    ]).map((item, i) => (i === 2 ? { ...item, column: -1 } : item));
    expect(roles(items)).toEqual([
      ['新たな価値を生み出す基盤づくり①', 'h1'],
      ['①DX等成長分野を中心とした人材育成', 'h2'],
      ['②研修を受ける', 's2'],
    ]);
  });

  it('heads a section with a bold body-sized line, but not with bold labels set smaller than the body (a chart)', () => {
    const items = layout([
      ['設備保全の現状', { bold: true, gap: 20 }],
      ['保全計画を策定した事業所の割合は、前年より増加した。', { x1: 520 }],
      ['会社の指示による社外研修', { size: 8, bold: true, gap: 12 }],
      ['77.4％', { size: 8 }],
      ['社内での研修の実施', { size: 8, bold: true }],
      ['64.7％', { size: 8 }],
    ]);
    expect(roles(items)).toEqual([['設備保全の現状', 'h1']]);
  });

  it('reads the wrapped lines of a large paragraph or bullet as text, not titles (a slide set in 16 pt)', () => {
    const items = layout([
      ['事例１ブリヂストン', { size: 16, bold: true, gap: 20 }],
      ['• 「創って売る」「使う」段階の価値創造にデ', { size: 16, x1: 520 }],
      ['ジタルを活用。創って売る段階では、開発・', { size: 16, x0: 93, x1: 520 }],
      ['生産現場で培った膨大な知見・技術（リア', { size: 16, x0: 93, x1: 515 }],
      // The item's next sentence, hung under its text after a full stop.
      ['• 工場用ボイラの国内トップ企業。', { size: 16, x1: 330 }],
      ['メンテナンスのサブスクモデルにより、営業利', { size: 16, x0: 93, x1: 520 }],
      ['益の半分をメンテナンス事業が占める', { size: 16, x0: 93, x1: 400 }],
      // A large title under a finished sentence is a title still.
      ['導入の効果', { size: 16, gap: 20 }],
    ]);
    expect(roles(items)).toEqual([
      ['事例１ブリヂストン', 'h1'],
      ['導入の効果', 'h2'],
    ]);
  });

  it('reads a long large line that runs on into the next as the first line of a paragraph', () => {
    const items = layout([
      ['２．４ガイドラインの位置づけについて', { size: 18, bold: true, gap: 20 }],
      [
        '道路運送車両法に基づく道路運送車両の保安基準の細目を定める告示第41条第2項第5号に',
        { size: 16, x0: 84, x1: 750 },
      ],
      [
        'おいては、排出ガス低減装置の機能を著しく低下させる制御は、原動機の始動時に行われるも',
        { size: 16, x1: 740 },
      ],
      ['のは許容していない。', { size: 16, x1: 300 }],
      // A box's title that reaches the box's edge, over the box's first bullet.
      ['企業の能力開発を支援し、能力開発の基盤を整備していく', { size: 16, bold: true, gap: 20, x1: 740 }],
      ['• 訓練経費や訓練期間中の賃金の一部等を助成する。', { size: 16, x1: 740 }],
    ]);
    expect(roles(items)).toEqual([
      ['２．４ガイドラインの位置づけについて', 'h1'],
      ['企業の能力開発を支援し、能力開発の基盤を整備していく', 'h2'],
    ]);
  });

  it("judges size against a page's own body when most of its text is set larger (slides), but not a cover's title", () => {
    const prose = '製造機能の全体最適に向けては、経営戦略の遂行を可能とするデジタル戦略を描く。';
    const items = layout([
      ['ものづくり白書の概要', { size: 24, gap: 40 }],
      ['令和６年６月', { size: 14 }],
      ['人材育成の現状', { size: 20, gap: 20, page: 2 }],
      ...Array.from({ length: 8 }, (): [string, Spec] => [prose, { size: 16, x1: 520, gap: 12 }]),
      ['数理・データサイエンス教育の推進', { size: 16, x1: 330, gap: 12 }],
    ]);
    expect(roles(items)).toEqual([
      ['ものづくり白書の概要', 'h1'],
      ['人材育成の現状', 'h2'],
    ]);
  });

  it('heads a cover with its title, not with its date or the ministries that publish it', () => {
    const items = layout([
      ['2024年版ものづくり白書', { size: 36, bold: true, gap: 90 }],
      ['（令和５年度ものづくり基盤技術の振興施策）', { size: 28, bold: true, gap: 4 }],
      ['概要', { size: 36, bold: true, gap: 4 }],
      ['令和６年５月', { size: 24, bold: true, gap: 40 }],
      ['経済産業省厚生労働省文部科学省', { size: 24, bold: true }],
      ['製造業の業況', { size: 20, bold: true, page: 3 }],
      ['製造業の営業利益は前年より増加した。', { x1: 520 }],
    ]);
    expect(roles(items)).toEqual([
      ['2024年版ものづくり白書', 'h1'],
      ['概要', 'h1'],
      ['製造業の業況', 'h2'],
    ]);
  });

  it('joins a bold title that leaves its bracket open to the line it wraps onto', () => {
    const items = layout([
      ['「経済施策を一体的に講ずることによる安全保障', { bold: true, x1: 372, gap: 20 }],
      ['の確保の推進に関する法律施行令」を改正', { bold: true, x0: 79, x1: 352 }],
      ['特定重要物資の指定を追加した。', { x1: 300, gap: 10 }],
      ['設備の概要', { bold: true, gap: 20 }],
      ['保全計画', { bold: true }],
    ]);
    expect(roles(items)).toEqual([
      ['「経済施策を一体的に講ずることによる安全保障', 'h1×2'],
      ['設備の概要', 'h1'],
      ['保全計画', 'h1'],
    ]);
  });

  it('gives a cross-reference that happens to start a line ("（１）のとおり") no role of its own', () => {
    const items = layout([
      ['・アップデートする際の機器の運転継続は使用者にとって重要である。７．', { x1: 520 }],
      ['（１）のとおり、製品設計において通信回線と機能安全との分離を強く推奨している', { x0: 115 }],
    ]);
    expect(roles(items)).toEqual([]);
  });

  it('joins a numbered title that runs on to the line hung under its text, and nothing else', () => {
    const items = layout([
      ['第３節　ものづくり企業における能力開発の', { x1: 300 }],
      ['取組と効果', { x0: 118 }],
      ['第４節　ものづくり人材の確保', { gap: 8 }],
      ['3. 高用量選択基準に関する解', { x1: 520 }],
      ['説', { x0: 90 }],
      // Body text indented under a finished title is the section's text, not more title.
      ['4. 高用量の選択', { gap: 8 }],
      ['本章では高用量の選択について述べる。', { x0: 90 }],
    ]);
    expect(roles(items)).toEqual([
      ['第３節ものづくり企業における能力開発の', 'h1×2'],
      ['第４節ものづくり人材の確保', 'h1'],
      ['3. 高用量選択基準に関する解', 'h2×2'],
      ['4. 高用量の選択', 'h2'],
    ]);
  });

  it('heads a part named by itself (はじめに, 参考文献) at the level of the chapters, with nothing under it', () => {
    const items = layout([
      ['はじめに', { x0: 276, gap: 30 }],
      ['本書は、リユース部品の利用方法をまとめたものである。', { gap: 30, x1: 520 }],
      ['1．リユース部品を利用するメリット', { gap: 20 }],
      ['1.1 環境に優しい', { gap: 12 }],
      '部品を再使用すれば、新品の製造に要する資源を使わずに済む。',
      ['参考文献', { gap: 20 }],
      '自動車リサイクル部品協議会（2013）',
    ]);
    expect(roles(items)).toEqual([
      ['はじめに', 'h1'],
      ['1．リユース部品を利用するメリット', 'h1'],
      ['1.1 環境に優しい', 'h2'],
      ['参考文献', 'h1'],
    ]);
  });

  it('keeps a chapter title listed in the 目次 among the entries, not as a heading', () => {
    const items = layout([
      ['目次', { size: 14, gap: 20 }],
      '第１章　適正取引推進ガイドラインの概要について',
      '１．策定の背景と目的..........................1',
      '２．ガイドラインの内容........................4',
      '第２章　適正取引推進上の問題について',
      '１．前提が異なる場合の同一単価による発注......7',
      ['第１章　適正取引推進ガイドラインの概要について', { page: 2 }],
      '本章では、ガイドラインの背景と内容を述べる。',
    ]);
    expect(roles(items)).toEqual([
      ['目次', 'h1'],
      ['第１章適正取引推進ガイドラインの概要について', 'text'],
      ['１．策定の背景と目的..........................1', 'text'],
      ['２．ガイドラインの内容........................4', 'text'],
      ['第２章適正取引推進上の問題について', 'text'],
      ['１．前提が異なる場合の同一単価による発注......7', 'text'],
      ['第１章適正取引推進ガイドラインの概要について', 'h1'],
    ]);
  });

  it('marks cautions and 目次 entries', () => {
    const items = layout([
      '注意　ケーシングは高温になっている場合がある。',
      '第1章 概要 ........ 3',
      '3.1.1 リユース部品の必要性....- 6 -',
    ]);
    expect(outlineRoles(items, body)).toEqual([
      { kind: 'caution', level: 'caution', label: '注意' },
      { kind: 'text' },
      { kind: 'text' },
    ]);
  });
});
