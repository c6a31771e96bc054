import { describe, expect, it } from 'vitest';
import { charGramTokens, identifierParts, identifierTokens, stem } from './english.js';

describe('English and code tokens', () => {
  it('splits camelCase, acronyms, digits and snake_case', () => {
    expect(identifierParts('parseHTTPResponse2')).toEqual(['parse', 'HTTP', 'Response', '2']);
    expect(identifierParts('max_retry_count')).toEqual(['max', 'retry', 'count']);
  });

  it('keeps the whole identifier as well as its parts', () => {
    expect(identifierTokens('DiffExecutor')).toEqual(['diffexecutor', 'diff', 'executor']);
  });

  it('drops stop words and question words', () => {
    expect(identifierTokens('What is the purpose of the retry loop?')).toEqual(['retry', 'loop']);
  });

  it('stems plurals and -ing/-ed lightly', () => {
    expect(['queries', 'parsers', 'running', 'mapped', 'class', 'status'].map(stem)).toEqual([
      'query',
      'parser',
      'run',
      'map',
      'class',
      'status',
    ]);
  });

  it('makes character 4-grams inside words', () => {
    expect(charGramTokens('Fuzzer ok')).toEqual(['fuzz', 'uzze', 'zzer', 'ok']);
  });
});
