/** Messages between the pool and its worker threads: plain data only (structured clone). */
import type { Document, SourceInfo } from '../../document/index.js';
import type { SerialisedError } from './errors.js';

/** A parser outside the built-in registry, loaded by module URL and export name (plugins, test doubles). */
export interface ParserModule {
  readonly module: string;
  readonly export: string;
}

export interface ParseRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly source: SourceInfo;
  /** Set when the format is not served by the built-in registry. */
  readonly parser?: ParserModule;
}

export type ParseReply =
  | { readonly id: number; readonly started: true }
  | { readonly id: number; readonly ok: true; readonly document: Document }
  | { readonly id: number; readonly ok: false; readonly error: SerialisedError };
