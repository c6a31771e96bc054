import { describe, expect, it } from 'vitest';
import { findGutter, type Placed, readingOrder } from './reading-order.js';

const line = (text: string, x0: number, top: number, x1: number): Placed => ({
  text,
  x0,
  x1,
  top,
  bottom: top + 10,
});
const column = (prefix: string, x0: number, x1: number, n: number, from = 100): Placed[] =>
  Array.from({ length: n }, (_, i) => line(`${prefix}${i}行目の本文です。`, x0, from + i * 16, x1));

describe('readingOrder', () => {
  it('reads a full-width title, then the whole left column, then the right column', () => {
    const title = line('保全作業の基本', 150, 60, 450);
    const lines = [title, ...column('右', 315, 545, 8), ...column('左', 50, 280, 8)];
    const order = readingOrder(lines, 595).map((o) => o.line.text[0]);
    expect(order).toEqual(['保', ...Array(8).fill('左'), ...Array(8).fill('右')]);
  });

  it('starts a new band below a full-width line that crosses the gutter', () => {
    const lines = [
      ...column('上左', 50, 280, 5),
      ...column('上右', 315, 545, 5),
      line('図1 全幅の図の説明文がここに入ります', 50, 190, 545),
      ...column('下左', 50, 280, 5, 210),
      ...column('下右', 315, 545, 5, 210),
    ];
    const order = readingOrder(lines, 595).map((o) => o.line.text.slice(0, 2));
    expect(order).toEqual([
      ...Array(5).fill('上左'),
      ...Array(5).fill('上右'),
      '図1',
      ...Array(5).fill('下左'),
      ...Array(5).fill('下右'),
    ]);
  });
});

describe('readingOrder on a page without a gutter of its own', () => {
  // As gaiyo.pdf's slides: full-width bullets, then the notes of two figures side by side, line by line.
  const page = 842;
  const bullets = Array.from({ length: 12 }, (_, i) =>
    line(`●全幅の箇条書き${i}です。`, 40, 60 + i * 16, 800),
  );
  const notes = [...column('左注', 40, 400, 6, 270), ...column('右注', 430, 800, 6, 270)];

  it('reads a two-column part below full-width lines one column at a time', () => {
    const order = readingOrder([...bullets, ...notes], page).map((o) => o.line.text.slice(0, 2));
    expect(order).toEqual([...Array(12).fill('●全'), ...Array(6).fill('左注'), ...Array(6).fill('右注')]);
  });

  it('leaves a one-column page and a form in the order of their lines', () => {
    const form = Array.from({ length: 10 }, (_, i) => [
      line(`項目${i}`, 60, 300 + i * 16, 110),
      line(`値${i}`, 320, 300 + i * 16, 360),
    ]).flat();
    const lines = [...bullets, ...form];
    const order = readingOrder(lines, page).map((o) => o.line.text);
    expect(order).toEqual([...lines].sort((a, b) => a.top - b.top || a.x0 - b.x0).map((l) => l.text));
  });
});

describe('readingOrder on slides with boxes side by side', () => {
  const slide = 780;
  const box = (prefix: string, x0: number, x1: number, n: number, from: number, pitch = 17): Placed[] =>
    Array.from({ length: n }, (_, i) => ({
      text: `${prefix}${i}の説明文です`,
      x0,
      x1,
      top: from + i * pitch,
      bottom: from + i * pitch + 14,
    }));

  it('reads three boxes across one box at a time, each with its own column', () => {
    // gaiyo.pdf p. 6: three case studies under full-width bullets, lines at the same pitch in every box.
    const bullets = Array.from({ length: 4 }, (_, i) =>
      line(`• 全幅の箇条書き${i}です。`, 23, 55 + i * 20, 755),
    );
    const lines = [
      ...bullets,
      ...box('一', 23, 290, 12, 242),
      ...box('二', 314, 519, 12, 242),
      ...box('三', 548, 766, 12, 242),
    ];
    const order = readingOrder(lines, slide);
    expect(order.map((o) => o.line.text[0])).toEqual([
      ...Array(4).fill('•'),
      ...Array(12).fill('一'),
      ...Array(12).fill('二'),
      ...Array(12).fill('三'),
    ]);
    expect(new Set(order.slice(4).map((o) => o.column)).size).toBe(3);
  });

  it('reads a column of prose before the narrower boxes beside it', () => {
    // gaiyo.pdf p. 13: bullets down the left, two small boxes side by side on the right.
    const lines = [
      ...box('左', 26, 362, 22, 120, 17),
      // Set at their own pitch, off the prose's rows.
      ...box('上', 415, 560, 5, 400.5, 17),
      ...box('下', 605, 759, 5, 400.5, 17),
    ];
    const order = readingOrder(lines, slide).map((o) => o.line.text[0]);
    expect(order).toEqual([...Array(22).fill('左'), ...Array(5).fill('上'), ...Array(5).fill('下')]);
  });

  it('reads two charts side by side one at a time, each under its caption', () => {
    // gaiyo.pdf p. 19: two figures of short axis labels and values, a caption over each.
    const chart = (caption: string, x0: number) => [
      line(caption, x0 + 100, 168, x0 + 240),
      ...Array.from({ length: 10 }, (_, i) => line(`${(10 - i) * 1000}`, x0, 190 + i * 14, x0 + 24)),
      ...Array.from({ length: 5 }, (_, i) => line(`${40 + i}.${i}`, x0 + 160, 195 + i * 25, x0 + 178)),
    ];
    const left = chart('図１就業者数の推移', 17);
    const right = chart('図３若年就業者数の推移', 404);
    const order = readingOrder([...left, ...right], slide).map((o) => o.line.text);
    expect(order).toEqual([
      ...[...left].sort((a, b) => a.top - b.top || a.x0 - b.x0).map((l) => l.text),
      ...[...right].sort((a, b) => a.top - b.top || a.x0 - b.x0).map((l) => l.text),
    ]);
  });

  it('reads charts side by side under a line of text that is not beside them, splitting at the widest gap', () => {
    // The left chart's last labels reach past 30 % of the page: the gutter is the wide gap after them.
    const chart = (caption: string, x0: number) => [
      line(caption, x0 + 90, 138, x0 + 200),
      ...Array.from({ length: 4 }, (_, i) =>
        line(`${i + 1},${i}00`, x0 + 40 + i * 60, 190 + (i % 2) * 30, x0 + 65 + i * 60),
      ),
      ...Array.from({ length: 4 }, (_, i) => line(`${2021 + i}`, x0 + 40 + i * 60, 290, x0 + 62 + i * 60)),
    ];
    const intro = line('点検件数は増え、故障件数は減った。', 23, 68, 200);
    const left = chart('図１　点検件数の推移', 17);
    const right = chart('図２　故障件数の推移', 404);
    const order = readingOrder([intro, ...left, ...right], slide).map((o) => o.line.text);
    const sorted = (ls: Placed[]) => [...ls].sort((a, b) => a.top - b.top || a.x0 - b.x0).map((l) => l.text);
    expect(order).toEqual([intro.text, ...sorted(left), ...sorted(right)]);
  });

  it('reads labels spaced down the left across to what they label (a flow chart)', () => {
    // 110329-1a.pdf p. 63: each stage of a flow chart beside its bullets.
    const stages = ['発生', '対応', '調査', '届出', '防止'].map((s, i) =>
      line(`労働災害の${s}の段階`, 94, 276 + i * 70, 226),
    );
    const bullets = stages.flatMap((s, i) =>
      [0, 1, 2].map((k) => line(`・${i}段階目の作業${k}`, 249, s.top - 6 + k * 16, 370)),
    );
    const order = readingOrder([...stages, ...bullets], 595).map((o) => o.line.text);
    expect(order).toEqual(
      [...stages, ...bullets].sort((a, b) => a.top - b.top || a.x0 - b.x0).map((l) => l.text),
    );
  });
});

describe('findGutter', () => {
  it('finds the gap between two text columns', () => {
    const gutter = findGutter([...column('左', 50, 280, 8), ...column('右', 315, 545, 8)], 595);
    expect(gutter).toBeGreaterThan(280);
    expect(gutter).toBeLessThan(315);
  });

  it('sees one column on a single-column page', () => {
    expect(findGutter(column('本', 60, 530, 20), 595)).toBeUndefined();
  });

  it('does not mistake short labels beside values (a form) for two columns', () => {
    const form = Array.from({ length: 10 }, (_, i) => [
      line(`項目${i}`, 60, 100 + i * 16, 110),
      line(`値${i}`, 320, 100 + i * 16, 360),
    ]).flat();
    expect(findGutter(form, 595)).toBeUndefined();
  });
});

describe('readingOrder: a number beside its text', () => {
  it('reads a row number set a fraction of a point lower before the text to its right', () => {
    const lines = [
      { text: 'アミノエーテル型の抗ヒスタミン剤', x0: 93.8, x1: 537.8, top: 142.2, bottom: 152.5 },
      { text: '2', x0: 63.8, x1: 70.8, top: 142.25, bottom: 152.55 },
      { text: 'エストラジオール', x0: 93.8, x1: 539.9, top: 160.2, bottom: 170.5 },
      { text: '3', x0: 63.8, x1: 70.8, top: 160.21, bottom: 170.5 },
    ];
    expect(readingOrder(lines, 595).map((o) => o.line.text)).toEqual([
      '2',
      'アミノエーテル型の抗ヒスタミン剤',
      '3',
      'エストラジオール',
    ]);
  });
});
