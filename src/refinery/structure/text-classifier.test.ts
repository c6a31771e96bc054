import { describe, expect, it } from 'vitest';
import { bulletOf, createTextClassifier } from './text-classifier.js';

const at = {};

describe('createTextClassifier', () => {
  it('reads a bare "N." run as steps under a procedure heading and as headings elsewhere', () => {
    const c = createTextClassifier({ headings: true });
    const kinds = ['1. 概要', '2. 作業手順', '1. 電源を切る', '2. 弁を閉じる'].map(
      (t) => c.block(t, at).kind,
    );
    expect(kinds).toEqual(['heading', 'heading', 'step', 'step']);
  });

  it('tells the next chapter from the next step when a bare number continues both', () => {
    const c = createTextClassifier({ headings: true });
    const lines = [
      '1. 概要',
      '2. 作業手順',
      '1. 電源を切る',
      '2. 弁を閉じる',
      '3. 記録',
      '1. 結果を記入する',
    ];
    expect(lines.map((t) => c.block(t, at).kind)).toEqual([
      'heading',
      'heading',
      'step',
      'step',
      'heading',
      'step',
    ]);
    const d = createTextClassifier({ headings: true });
    const more = ['1. 概要', '2. 作業手順', '1. 電源を切る', '2. 弁を閉じる', '3. カバーを外す'];
    expect(more.map((t) => d.block(t, at).kind)).toEqual(['heading', 'heading', 'step', 'step', 'step']);
  });

  it('never emits headings when markup owns them', () => {
    const c = createTextClassifier({ headings: false });
    expect(c.block('第1章 総則', at).kind).toBe('paragraph');
  });

  it('starts steps again after a heading reported by the parser', () => {
    const c = createTextClassifier({ headings: false });
    c.heading('点検手順');
    expect(c.block('1. 外観を確認する', at)).toMatchObject({ kind: 'step', number: 1 });
    expect(c.block('2. 異音を確認する', at)).toMatchObject({ kind: 'step', number: 2 });
  });

  it('keeps the text as found, marker included', () => {
    const c = createTextClassifier({ headings: false });
    expect(c.block('③ボルトを外す。\n　対角順に緩める。  ', at)).toEqual({
      kind: 'step',
      number: 3,
      marker: '③',
      text: '③ボルトを外す。\n　対角順に緩める。',
      location: at,
    });
  });
});

describe('bulletOf', () => {
  it('recognises typed bullets and nests them by indentation (全角 space = 2 columns)', () => {
    expect(bulletOf('・保護手袋')).toEqual({ depth: 0, textStart: 1 });
    expect(bulletOf('　・耐油性')).toEqual({ depth: 1, textStart: 2 });
    expect(bulletOf('● 予備品')).toEqual({ depth: 0, textStart: 2 });
  });

  it('does not read a minus sign or an asterisk glued to text as a bullet', () => {
    expect(bulletOf('-20℃以下')).toBeUndefined();
    expect(bulletOf('*印の項目')).toBeUndefined();
    expect(bulletOf('本文')).toBeUndefined();
  });
});
