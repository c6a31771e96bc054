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
