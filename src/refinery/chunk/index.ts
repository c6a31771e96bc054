export { type Budget, characters, type Measure, resolveBudget } from './budget.js';
export { type Chunk, type ChunkCut, type ChunkLocation, chunkContent, midSentenceCuts } from './chunk.js';
export {
  CONTEXT_PROMPT_VERSION,
  type ContextCache,
  type ContextualiseOptions,
  contextCacheKey,
  contextualise,
  documentText,
  memoryContextCache,
  situatePrompt,
} from './contextual.js';
export { ContextUnavailable, InvalidBudget } from './errors.js';
export { clauses, sentences } from './sentence.js';
export { chunkByStructure, documentTitle } from './structure.js';
export { pipeRow, type RenderedTable, renderTable, tableGrid, textColumns } from './table.js';
