import type { Readable } from 'node:stream';
import type { ByteRange } from './range.js';

/**
 * Where an asset's bytes come from. A source is a plugin keyed by the asset's private data address `type`
 * (`HttpData`, `File`, or one an application registers, e.g. a refined corpus): `dataspace/` never imports
 * the refinery or the applications, they register a source instead.
 */
export interface DataSource {
  /** The data address `type` this source serves. */
  readonly type: string;
  /**
   * Checks an address (throws an `InvalidInput` naming the member); the data plane calls it before each open,
   * and the management API may call it when an asset is created.
   */
  validate(address: SourceAddress): void;
  /**
   * Opens the bytes for one access; the body is a stream (never buffered whole). Backend failures throw
   * `sourceFailed('bad-gateway' | 'unavailable' | 'timeout', …)` (502/503/504); a body that fails midway
   * errors the stream (the consumer's connection is then cut).
   */
  open(address: SourceAddress, request: SourceRequest): Promise<SourceResponse>;
}

/** An asset's private data address as stored (`type` plus source-specific members). */
export type SourceAddress = Readonly<Record<string, unknown>> & { readonly type: string };

export interface SourceRequest {
  /**
   * A single byte range asked for by the consumer (RFC 9110 `Range: bytes=start-end`, or `bytes=-suffix` for
   * the last `suffix` bytes). A source that cannot satisfy it throws `RangeNotSatisfiable`; one that cannot
   * do ranges at all answers 200 with the whole body (the RFC allows ignoring Range).
   */
  readonly range?: ByteRange;
  /** Whether the consumer accepts gzip. A source answers gzip only without a range. */
  readonly acceptGzip: boolean;
  /** A HEAD request: the headers are what count; the body is destroyed unread. */
  readonly head?: boolean;
  readonly signal: AbortSignal;
}

export interface SourceResponse {
  /** 200, or 206 when the range was honoured. */
  readonly status: 200 | 206;
  readonly body: Readable;
  readonly contentType?: string;
  /** Bytes the body will carry, when known. */
  readonly contentLength?: number;
  /** For 206: `bytes start-end/total`. */
  readonly contentRange?: string;
  readonly contentEncoding?: 'gzip';
  readonly etag?: string;
  readonly lastModified?: string;
  /** A body that is one file read whole, start to end (the File source's 200s): see `WholeFileRead`. */
  readonly wholeFile?: WholeFileRead;
}

/**
 * Lets the data plane reuse the content digest of a file it served before instead of hashing the body again,
 * and offer the digest it did compute for later pulls. The file's identity is checked after the last read, so a
 * file that changed while it was read never gets a remembered digest claimed for it.
 */
export interface WholeFileRead {
  /** sha256 (hex) remembered for this very version of the file; the body need not be hashed. */
  readonly knownSha256?: string;
  /**
   * Settles once the body ended or was cut (never rejects): true only when it was read to the end and the file
   * kept its identity from open to the last read.
   */
  readonly unchanged: Promise<boolean>;
  /**
   * The digest the plane computed over `bytes` of the body; kept only for a whole, unchanged, settled read.
   * Settles once that is decided (never rejects).
   */
  remember(sha256: string, bytes: number): Promise<void>;
}

/** Sources by type; the node registers the built-in ones, applications add theirs. */
export class SourceRegistry {
  readonly #sources = new Map<string, DataSource>();

  register(source: DataSource): this {
    this.#sources.set(source.type, source);
    return this;
  }

  get(type: string): DataSource | undefined {
    return this.#sources.get(type);
  }

  get types(): readonly string[] {
    return [...this.#sources.keys()];
  }
}
