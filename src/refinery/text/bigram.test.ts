import { describe, expect, it } from 'vitest';
import { bigramTokens } from './bigram.js';
import { normalise } from './normalise.js';

describe('bigramTokens', () => {
  it('cuts Japanese runs into overlapping character bigrams', () => {
    expect(bigramTokens('保守点検')).toEqual(['保守', '守点', '点検']);
  });

  it('keeps Latin and digit runs whole and splits at punctuation', () => {
    expect(bigramTokens('iot機器、2023年')).toEqual(['iot', '機器', '2023', '年']);
  });

  it('bridges a line break inside a Japanese sentence', () => {
    expect(bigramTokens('意識等\nを把握')).toEqual(['意識', '識等', '等を', 'を把', '把握']);
  });

  it('gives the same tokens for full-width and half-width spellings once normalised', () => {
    expect(bigramTokens(normalise('ＩｏＴ機器'))).toEqual(bigramTokens(normalise('IoT機器')));
  });
});
