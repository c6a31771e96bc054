/**
 * Tokens for English prose and source code: identifiers are kept whole and also split into their camelCase /
 * snake_case parts, lower-cased, lightly stemmed; generic stop words and question words are dropped.
 */

// General English function words plus the words people use to ask about code; not drawn from any benchmark.
export const englishStopWords: ReadonlySet<string> = new Set([
  'a',
  'about',
  'above',
  'after',
  'again',
  'against',
  'all',
  'also',
  'am',
  'an',
  'and',
  'any',
  'are',
  'as',
  'at',
  'be',
  'because',
  'been',
  'before',
  'being',
  'below',
  'between',
  'both',
  'but',
  'by',
  'can',
  'could',
  'did',
  'do',
  'does',
  'doing',
  'down',
  'during',
  'each',
  'either',
  'else',
  'etc',
  'ever',
  'few',
  'for',
  'from',
  'further',
  'had',
  'has',
  'have',
  'having',
  'he',
  'her',
  'here',
  'hers',
  'him',
  'his',
  'how',
  'however',
  'i',
  'if',
  'in',
  'into',
  'is',
  'it',
  'its',
  'itself',
  'just',
  'may',
  'me',
  'might',
  'more',
  'most',
  'must',
  'my',
  'no',
  'nor',
  'not',
  'now',
  'of',
  'off',
  'on',
  'once',
  'only',
  'or',
  'other',
  'our',
  'ours',
  'out',
  'over',
  'own',
  'same',
  'shall',
  'she',
  'should',
  'so',
  'some',
  'such',
  'than',
  'that',
  'the',
  'their',
  'theirs',
  'them',
  'then',
  'there',
  'these',
  'they',
  'this',
  'those',
  'through',
  'to',
  'too',
  'under',
  'until',
  'up',
  'upon',
  'us',
  'very',
  'was',
  'we',
  'were',
  'what',
  'when',
  'where',
  'whether',
  'which',
  'while',
  'who',
  'whom',
  'whose',
  'why',
  'will',
  'with',
  'within',
  'without',
  'would',
  'you',
  'your',
  'yours',
  // asking words
  'explain',
  'describe',
  'tell',
  'show',
  'please',
  'know',
  'want',
  'like',
  'mean',
  'means',
  'meaning',
  'purpose',
  'role',
  'happen',
  'happens',
  'work',
  'works',
  'way',
  'ways',
  'used',
  'use',
  'uses',
  'using',
  'doe',
  'example',
  'specific',
  'particular',
  'exactly',
  'actually',
  'different',
  'difference',
  'between',
  'given',
  'get',
  'gets',
  'there',
  'kind',
  'type',
  'thing',
  'things',
  'something',
  'provide',
  'provided',
  // words every question about code uses
  'function',
  'functions',
  'method',
  'methods',
  'class',
  'classes',
  'code',
  'file',
  'implementation',
  'implemented',
  'implement',
  'implements',
  'defined',
  'define',
  'definition',
  'called',
  'call',
  'calls',
  'handle',
  'handled',
  'handles',
  'handling',
  'codebase',
  'module',
  'responsible',
]);

const identifiers = /[\p{L}\p{N}_]+/gu;

/** Splits an identifier at underscores, lower→upper and letter↔digit changes, and acronym ends (HTTPServer). */
export function identifierParts(identifier: string): string[] {
  return identifier
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})|(\p{N})(\p{L})/gu, (_m, l1, n1, n2, l2) => (l1 ? `${l1} ${n1}` : `${n2} ${l2}`))
    .split(/[\s_]+/)
    .filter((p) => p.length > 0);
}

/** A light suffix stripper (plurals, -ing, -ed): enough to meet "parsing" with "parse", cheap and predictable. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (/(?:ss|us|is)$/.test(word)) return word;
  if (/(?:sses|xes|ches|shes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  for (const suffix of ['ing', 'ed']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3)
      return undouble(word.slice(0, -suffix.length));
  }
  return word;
}

function undouble(stemmed: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(stemmed) && !/(?:ll|ss|zz)$/.test(stemmed)
    ? stemmed.slice(0, -1)
    : stemmed;
}

/** Identifier-aware word tokens: each identifier (lower-cased, stemmed) and, when compound, its parts. */
export function identifierTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(identifiers)) {
    const identifier = match[0];
    const whole = identifier.toLowerCase().replace(/^_+|_+$/g, '');
    if (whole.length === 0) continue;
    const parts = identifierParts(identifier).map((p) => p.toLowerCase());
    if (!englishStopWords.has(whole)) tokens.push(stem(whole));
    if (parts.length < 2) continue;
    for (const part of parts) if (!englishStopWords.has(part)) tokens.push(stem(part));
  }
  return tokens;
}

/** Character 4-grams inside each lower-cased word (shorter words whole): tolerant of inflection and typos. */
export function charGramTokens(text: string, size = 4): string[] {
  const tokens: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0];
    if (englishStopWords.has(word)) continue;
    if (word.length <= size) tokens.push(word);
    for (let i = 0; i + size <= word.length; i++) tokens.push(word.slice(i, i + size));
  }
  return tokens;
}
