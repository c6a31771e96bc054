import { type Chunk, chunkContent } from '../chunk/index.js';

/**
 * One JSON line per chunk, shaped so that the same record loads as both
 * - a LangChain `Document` (`new Document(record)` reads `pageContent`, `metadata`, `id`), and
 * - a LlamaIndex `TextNode` (`TextNode(**record)` / `new TextNode(record)` read `id_`, `text`, `metadata`,
 *   `start_char_idx`, `end_char_idx`, `excluded_embed_metadata_keys`, `excluded_llm_metadata_keys`).
 * Each library ignores the other's fields. `pageContent` and `text` are the same string: the context header,
 * any LLM-written context, then the chunk text — what should be embedded and indexed. The display text is
 * `text.slice(metadata.text_start)`. Metadata is flat (strings, numbers, string arrays) so that vector stores
 * that reject nested values accept it, except LangChain's conventional `loc.lines`.
 */
export interface ChunkRecord {
  readonly id: string;
  readonly id_: string;
  readonly pageContent: string;
  readonly text: string;
  readonly metadata: ChunkRecordMetadata;
  /** LlamaIndex: offsets into the source text, when the chunk's blocks recorded a span. */
  readonly start_char_idx?: number;
  readonly end_char_idx?: number;
  /** LlamaIndex: metadata that would only add noise to embeddings or prompts (the context is already in text). */
  readonly excluded_embed_metadata_keys: readonly string[];
  readonly excluded_llm_metadata_keys: readonly string[];
}

export interface ChunkRecordMetadata {
  readonly source: string;
  readonly sha256: string;
  readonly chunk_index: number;
  readonly context: string;
  readonly heading_path: readonly string[];
  readonly block_ids: readonly string[];
  readonly kinds: readonly string[];
  /** Where the chunk's own text starts inside `pageContent` / `text`. */
  readonly text_start: number;
  readonly cut: string;
  readonly situated_context?: string;
  readonly page_start?: number;
  readonly page_end?: number;
  readonly span_start?: number;
  readonly span_end?: number;
  readonly sheets?: readonly string[];
  readonly ranges?: readonly string[];
  /** LangChain's splitters record source lines here. */
  readonly loc?: { readonly lines: { readonly from: number; readonly to: number } };
}

export function chunkRecord(chunk: Chunk): ChunkRecord {
  const content = chunkContent(chunk);
  const { pages, span, lines, sheets, ranges } = chunk.location;
  const metadata: ChunkRecordMetadata = {
    source: chunk.source.uri,
    sha256: chunk.source.sha256,
    chunk_index: chunk.index,
    context: chunk.context,
    heading_path: chunk.headingPath,
    block_ids: chunk.blockIds,
    kinds: chunk.kinds,
    text_start: content.length - chunk.text.length,
    cut: chunk.cut,
    ...(chunk.situatedContext ? { situated_context: chunk.situatedContext } : {}),
    ...(pages ? { page_start: pages[0], page_end: pages[1] } : {}),
    ...(span ? { span_start: span[0], span_end: span[1] } : {}),
    ...(sheets ? { sheets } : {}),
    ...(ranges ? { ranges } : {}),
    ...(lines ? { loc: { lines: { from: lines[0], to: lines[1] } } } : {}),
  };
  const excluded = Object.keys(metadata);
  return {
    id: chunk.id,
    id_: chunk.id,
    pageContent: content,
    text: content,
    metadata,
    ...(span ? { start_char_idx: span[0], end_char_idx: span[1] } : {}),
    excluded_embed_metadata_keys: excluded,
    excluded_llm_metadata_keys: excluded.filter((key) => key !== 'source'),
  };
}

/** JSON Lines: one `ChunkRecord` per line, each line ending in a newline. */
export function toJsonl(chunks: readonly Chunk[]): string {
  return chunks.map((chunk) => `${JSON.stringify(chunkRecord(chunk))}\n`).join('');
}
