export { bigramTokens } from './bigram.js';
export { stripQuestionBoilerplate } from './boilerplate.js';
export { charGramTokens, englishStopWords, identifierParts, identifierTokens, stem } from './english.js';
export { MorphologyUnavailable } from './errors.js';
export { loadMorphology, type MorphTokenizer } from './morphology.js';
export { isCjkChar, joinCjkLines, normalise } from './normalise.js';
export { numberTokens, westernYears } from './numbers.js';
