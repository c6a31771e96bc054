import { describe, expect, it } from 'vitest';
import { classifyLine, isProcedureLead, isProcedureTitle } from './line.js';

describe('classifyLine: steps', () => {
  it.each([
    ['①電源スイッチを切る。', 1, '①', '電源スイッチを切る。'],
    ['⑳ 最終確認を行う', 20, '⑳', '最終確認を行う'],
    ['㉑ 記録する', 21, '㉑', '記録する'],
    ['⑴ カバーを外す', 1, '⑴', 'カバーを外す'],
    ['⒇ 終了', 20, '⒇', '終了'],
    ['(3) ボルトを締める', 3, '(3)', 'ボルトを締める'],
    ['（１２）　ボルトを締める', 12, '（１２）', 'ボルトを締める'],
    ['2) 油量を確認する', 2, '2)', '油量を確認する'],
    ['手順1 電源を切る', 1, '手順1', '電源を切る'],
    ['手順１：電源を切る', 1, '手順１：', '電源を切る'],
    ['手順三 ふたを閉める', 3, '手順三', 'ふたを閉める'],
    ['Step 4: Close the lid', 4, 'Step 4:', 'Close the lid'],
    ['STEP2 点検する', 2, 'STEP2', '点検する'],
  ])('reads %s as step %i', (raw, number, marker, text) => {
    expect(classifyLine(raw)).toMatchObject({ kind: 'step', number, marker, text });
  });

  it('reads 1. as a step when the text is a sentence', () => {
    expect(classifyLine('1. 電源スイッチを「切」にする。')).toMatchObject({
      kind: 'step',
      number: 1,
      marker: '1.',
    });
  });

  it('reads full-width １． as a step inside a procedure', () => {
    expect(classifyLine('１．電源を切る', { inProcedure: true })).toMatchObject({
      kind: 'step',
      number: 1,
      marker: '１．',
      text: '電源を切る',
    });
  });

  it('reads a short unpunctuated 1. line outside a procedure as a heading', () => {
    expect(classifyLine('1. 概要')).toMatchObject({ kind: 'heading', level: 1, text: '概要' });
  });

  it('reports offsets into the raw line, indentation included', () => {
    const raw = '　　②　ナットを外す';
    const c = classifyLine(raw);
    expect(c).toMatchObject({ kind: 'step', number: 2, markerStart: 2 });
    expect(raw.slice(c!.textStart)).toBe('ナットを外す');
  });
});

describe('classifyLine: cautions', () => {
  it.each([
    ['【危険】高電圧部に触れないこと。', 'danger', '危険', '高電圧部に触れないこと。'],
    ['警告：回転部に手を入れない', 'warning', '警告', '回転部に手を入れない'],
    ['注意　保護手袋を着用すること', 'caution', '注意', '保護手袋を着用すること'],
    ['［注意］保護手袋を着用すること', 'caution', '注意', '保護手袋を着用すること'],
    ['注記: 工具は付属品を使用する', 'note', '注記', '工具は付属品を使用する'],
    ['NOTE: Use the supplied tool', 'note', 'NOTE', 'Use the supplied tool'],
    ['WARNING Hot surface', 'warning', 'WARNING', 'Hot surface'],
    ['DANGER', 'danger', 'DANGER', ''],
    ['⚠ 注意：高温注意', 'caution', '注意', '高温注意'],
    ['【重要】必ず確認する', 'note', '重要', '必ず確認する'],
  ])('reads %s as a %s caution', (raw, level, label, text) => {
    expect(classifyLine(raw)).toMatchObject({ kind: 'caution', level, label, text });
  });

  it.each(['注意深く作業する。', '警告灯が点灯した場合は停止する。', '重要な部品を交換する。'])(
    'does not read the word inside a sentence as a caution: %s',
    (raw) => {
      expect(classifyLine(raw)).toBeNull();
    },
  );
});

describe('classifyLine: headings', () => {
  it.each([
    ['第1章 総則', 1, '総則'],
    ['第２節　点検項目', 2, '点検項目'],
    ['第十二章 付則', 1, '付則'],
    ['第3項 記録', 3, '記録'],
    ['1.1 適用範囲', 2, '適用範囲'],
    ['２．３．１　分解手順', 3, '分解手順'],
    ['A. 付録', 1, '付録'],
    ['【作業手順】', 2, '作業手順'],
  ])('reads %s as a level-%i heading', (raw, level, text) => {
    expect(classifyLine(raw)).toMatchObject({ kind: 'heading', level, text });
  });

  it('does not read a decimal number in a sentence as a heading', () => {
    expect(classifyLine('1.5倍の力で締める。')).toBeNull();
  });

  it('returns null for plain text and blank lines', () => {
    expect(classifyLine('本書は保守点検の要領を定める。')).toBeNull();
    expect(classifyLine('　　')).toBeNull();
  });
});

describe('isProcedureTitle', () => {
  it('recognises procedure-like titles in Japanese and English', () => {
    expect(isProcedureTitle('3. 作業手順')).toBe(true);
    expect(isProcedureTitle('Procedure')).toBe(true);
    expect(isProcedureTitle('概要')).toBe(false);
  });
});

describe('isProcedureLead', () => {
  it('recognises short sentences that introduce steps', () => {
    expect(isProcedureLead('次の手順で点検する。')).toBe(true);
    expect(isProcedureLead('点検手順（この順に実施）：')).toBe(true);
    expect(isProcedureLead('Proceed as follows:')).toBe(true);
    expect(isProcedureLead('本書は冷却ポンプの保守について定める。')).toBe(false);
  });
});

describe('classifyLine: appendices and cross-references', () => {
  it('reads 別表第1 and 別紙２ as top-level headings', () => {
    expect(classifyLine('別表第1')).toMatchObject({ kind: 'heading', level: 1, marker: '別表第1' });
    expect(classifyLine('別紙２　用語集')).toMatchObject({ kind: 'heading', level: 1, text: '用語集' });
  });

  it('gives no role to a marker followed by a particle or closing punctuation (a reference, not an item)', () => {
    for (const line of [
      '（１）のとおり、製品設計において通信回線の分離を推奨している',
      '第２章で述べたとおり、点検は停止中に行う。',
      '別表第1に掲げる物を配合してはならない。',
      '第２項）、「不当な経済上の利益の収受等」に該当するおそれ',
      '第３章に示す手順で交換する。',
      '（１）と（２）を比較する',
      '第２章も同様とする。',
      '（２）については後述する。',
      '第１章とは異なり、',
      '第２部からなる２部構成。',
    ])
      expect(classifyLine(line), line).toBeNull();
  });

  it('reads N.N.N followed by its title with no space as a heading, but not a decimal', () => {
    expect(classifyLine('3.1.6用量設定')).toMatchObject({ kind: 'heading', level: 3, text: '用量設定' });
    expect(classifyLine('1.5倍に増加した')).toBeNull();
    expect(classifyLine('10.2.5%')).toBeNull();
  });

  it('reads a title that starts with a word written in hiragana (はじめに, ものづくり) as a heading', () => {
    expect(classifyLine('第1章　はじめに')).toMatchObject({ kind: 'heading', level: 1, text: 'はじめに' });
    expect(classifyLine('1. はじめに')).toMatchObject({ kind: 'heading', text: 'はじめに' });
    expect(classifyLine('第１節　ものづくり人材の雇用と就業動向')).toMatchObject({
      kind: 'heading',
      level: 2,
    });
    expect(classifyLine('（３）とりまとめ')).not.toBeNull();
  });

  it('takes 操作 as a procedure title only as the subject, not inside 遠隔操作を行う…', () => {
    expect(isProcedureTitle('3. 操作')).toBe(true);
    expect(isProcedureTitle('操作方法')).toBe(true);
    expect(isProcedureTitle('６．遠隔操作を行う機器の分類の考え方について')).toBe(false);
  });
});

describe('classifyLine: hyphen-numbered sections', () => {
  it.each([
    ['1-1 目的', 2, '1-1', '目的'],
    ['２－３　点検手順', 2, '２－３', '点検手順'],
    ['3-2-1 締付けトルク', 3, '3-2-1', '締付けトルク'],
    // how OCR reads 3-2
    ['3一2摂食時の物性', 2, '3一2', '摂食時の物性'],
  ])('reads %s as a level %i heading', (raw, level, marker, text) => {
    expect(classifyLine(raw)).toMatchObject({ kind: 'heading', level, marker, text });
  });

  it.each([['4-6月期の売上'], ['3-5日以内に提出する'], ['10-12時は停止'], ['4501-OR Oリング'], ['2-3']])(
    'does not read %s as one',
    (raw) => {
      expect(classifyLine(raw)?.kind).not.toBe('heading');
    },
  );
});
