import { describe, expect, it } from 'vitest';
import { stripQuestionBoilerplate } from './boilerplate.js';
import { normalise } from './normalise.js';

describe('stripQuestionBoilerplate', () => {
  it('removes Japanese request and question phrases but keeps the topic', () => {
    const q = stripQuestionBoilerplate(normalise('ポンプの点検手順について教えてください。'));
    expect(q.replace(/\s+/g, '')).toBe('ポンプの点検手順。');
  });

  it('removes interrogatives and question endings', () => {
    const q = stripQuestionBoilerplate(normalise('どのような場合に停止しますか？'));
    expect(q.replace(/\s+/g, '')).toBe('場合に停止し');
  });

  it('removes English request phrases', () => {
    expect(stripQuestionBoilerplate('can you tell me the pump pressure').trim()).toBe('the pump pressure');
  });
});
