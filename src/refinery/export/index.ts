export { type BlockNode, blockTree, type DocumentTree, toJson } from './json.js';
export { type ChunkRecord, type ChunkRecordMetadata, chunkRecord, toJsonl } from './jsonl.js';
export { blockMarkdown, toMarkdown } from './markdown.js';
