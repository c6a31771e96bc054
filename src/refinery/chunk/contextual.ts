import { createHash } from 'node:crypto';
import type { Document } from '../document/index.js';
import type { Chunk } from './chunk.js';
import { ContextUnavailable } from './errors.js';
import { renderTable } from './table.js';

/**
 * Optional LLM-written situating context (Anthropic's "Contextual Retrieval"): a sentence or two, written
 * with the whole document in view, that says where a chunk sits, prepended when the chunk is embedded or
 * indexed. Everything else works without it; the model is reached only through the injected `complete`.
 */

/** Bump when the prompt changes, so cached contexts written by the old prompt are not reused. */
export const CONTEXT_PROMPT_VERSION = 'situate-v1';

/** A content-addressed store of generated contexts (memory, a table, files …). */
export interface ContextCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export interface ContextualiseOptions {
  /** One prompt in, the model's answer out (an OpenAI-compatible chat endpoint behind it). */
  readonly complete: (prompt: string) => Promise<string>;
  readonly cache?: ContextCache;
  /** Documents longer than this many characters are shown as a window around the chunk. Default 60 000. */
  readonly maxDocumentChars?: number;
  /** Completions in flight at once. Default 4. */
  readonly concurrency?: number;
}

export function memoryContextCache(): ContextCache {
  const entries = new Map<string, string>();
  return {
    get: async (key) => entries.get(key),
    set: async (key, value) => {
      entries.set(key, value);
    },
  };
}

/** The document as plain text, blocks one per paragraph, tables as pipe rows. */
export function documentText(doc: Document): string {
  return doc.blocks
    .map((b) => (b.kind === 'table' ? [...renderTable(b).header, ...renderTable(b).body].join('\n') : b.text))
    .join('\n\n');
}

function documentWindow(text: string, chunk: Chunk, max: number): string {
  if (text.length <= max) return text;
  const at = Math.max(0, text.indexOf(chunk.text.slice(0, 200)));
  const start = Math.min(Math.max(0, at - Math.floor(max / 2)), text.length - max);
  return `…${text.slice(start, start + max)}…`;
}

export function situatePrompt(documentTitle: string, document: string, chunk: Chunk): string {
  return [
    `Document: ${documentTitle}`,
    '<document>',
    document,
    '</document>',
    'Passage taken from this document:',
    '<passage>',
    chunk.text,
    '</passage>',
    'In one or two sentences, in the language of the document, say where this passage sits in the document',
    'and what it is about, so that a search for it can find it. Reply with those sentences only.',
  ].join('\n');
}

/** Cache key: content hash of (document bytes, chunk text and header, prompt version). */
export function contextCacheKey(doc: Document, chunk: Chunk): string {
  return createHash('sha256')
    .update([doc.source.sha256, chunk.context, chunk.text, CONTEXT_PROMPT_VERSION].join('\u0000'))
    .digest('hex');
}

/** The chunks with `situatedContext` filled in, from the cache where possible. Order is preserved. */
export async function contextualise(
  chunks: readonly Chunk[],
  doc: Document,
  options: ContextualiseOptions,
): Promise<Chunk[]> {
  const { complete, cache, maxDocumentChars = 60_000, concurrency = 4 } = options;
  const text = documentText(doc);
  const title = doc.metadata.title ?? doc.source.uri;
  const out: Chunk[] = [...chunks];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const i = next++;
      const chunk = chunks[i]!;
      const key = contextCacheKey(doc, chunk);
      let context = await cache?.get(key);
      if (context === undefined) {
        const prompt = situatePrompt(title, documentWindow(text, chunk, maxDocumentChars), chunk);
        context = (
          await complete(prompt).catch((e: unknown) => Promise.reject(new ContextUnavailable(chunk.id, e)))
        )
          .trim()
          .replace(/\s*\n\s*/g, ' ');
        await cache?.set(key, context);
      }
      out[i] = { ...chunk, situatedContext: context };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, chunks.length)) }, worker));
  return out;
}
