/** Messages between the pool and its worker threads: plain data only (structured clone). */
import type { Document, SourceInfo } from '../../document/index.js';
import type { SerialisedError } from './errors.js';

/** A parser outside the built-in registry, loaded by module URL and export name (plugins, test doubles). */
export interface ParserModule {
  readonly module: string;
  readonly export: string;
}

/**
 * Work run on the parsed Document inside the worker before it is sent back (chunking, tokenising), so the
 * caller's thread only stores: a module export `(document, options) => result`, result as plain data.
 */
export interface AfterParse {
  readonly module: string;
  readonly export: string;
  readonly options?: unknown;
}

export interface ParseRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly source: SourceInfo;
  /** Set when the format is not served by the built-in registry. */
  readonly parser?: ParserModule;
  readonly after?: AfterParse;
}

export type ParseReply =
  | { readonly id: number; readonly started: true }
  | { readonly id: number; readonly ok: true; readonly document: Document; readonly extra?: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SerialisedError };
