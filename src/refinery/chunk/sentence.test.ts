import { describe, expect, it } from 'vitest';
import { clauses, sentences } from './sentence.js';

describe('sentences', () => {
  it('splits Japanese after 。！？ with no spaces between sentences, keeping closing brackets', () => {
    expect(sentences('弁を閉じる。圧力を抜く！「停止した。」と記録する？以上')).toEqual([
      '弁を閉じる。',
      '圧力を抜く！',
      '「停止した。」',
      'と記録する？',
      '以上',
    ]);
  });

  it('splits Latin text only where . ! ? are followed by whitespace, which stays with its sentence', () => {
    expect(sentences('Torque is 3.5 N·m. Check file.txt now!  Done?\nNext')).toEqual([
      'Torque is 3.5 N·m. ',
      'Check file.txt now!  ',
      'Done?\n',
      'Next',
    ]);
  });

  it('treats 全角 punctuation and half-width text mixed in one paragraph', () => {
    expect(sentences('ＰＵＭＰ－１を停止。Then stop P-2. 完了')).toEqual([
      'ＰＵＭＰ－１を停止。',
      'Then stop P-2. ',
      '完了',
    ]);
  });

  it('returns pieces that concatenate back to the input', () => {
    const text = '①電源を切る。。\n② Open the valve... then wait.終わり';
    expect(sentences(text).join('')).toBe(text);
  });
});

describe('clauses', () => {
  it('breaks after 、 and ， in Japanese and after , and spaces in Latin text', () => {
    expect(clauses('吸込弁を閉じ、吐出弁を閉じ，電源を切る。')).toEqual([
      '吸込弁を閉じ、',
      '吐出弁を閉じ，',
      '電源を切る。',
    ]);
    expect(clauses('close it, then wait')).toEqual(['close ', 'it, ', 'then ', 'wait']);
  });
});
