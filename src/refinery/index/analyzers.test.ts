import { describe, expect, it } from 'vitest';
import { loadMorphology } from '../text/index.js';
import { japaneseAnalyzer } from './analyzers.js';

describe('japaneseAnalyzer', () => {
  it('stems English words and drops English function words in the morph view, keeping the exact word for bigrams', async () => {
    const analyzer = japaneseAnalyzer(await loadMorphology());
    const unit = analyzer.unit('The valves were replaced. バルブのシールを交換する。');
    expect(unit['morph']).toEqual(expect.arrayContaining(['valve', 'replac', 'バルブ', 'シール', '交換']));
    expect(unit['morph']).not.toContain('the');
    expect(unit['morph']).not.toContain('were');
    expect(unit['bigram']).toEqual(expect.arrayContaining(['valves', 'replaced', 'バル', 'ルブ']));
    // A query in the singular meets the plural page on the morph view.
    expect(analyzer.query('How is a valve replaced?')['morph']).toEqual(['valve', 'replac']);
  });

  it('leaves Japanese base forms and Latin abbreviations inside Japanese as they were', async () => {
    const analyzer = japaneseAnalyzer(await loadMorphology());
    const morph = analyzer.unit('IoT機器のALM手法を用いた。')['morph'];
    expect(morph).toEqual(expect.arrayContaining(['iot', '機器', 'alm', '手法', '用いる']));
  });
});
