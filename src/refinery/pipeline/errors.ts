import { InvalidInput, MusubiError } from '../../errors/index.js';

/** A file larger than the configured limit; refused from its size alone, never read. */
export class FileTooLarge extends InvalidInput {
  constructor(uri: string, bytes: number, maxBytes: number) {
    super('refine.too-large', `${uri} is ${bytes} bytes, above the ${maxBytes}-byte limit`, {
      uri,
      bytes,
      maxBytes,
    });
  }
}

/** The parser found no text at all. */
export class NoText extends InvalidInput {
  constructor(uri: string) {
    super('refine.no-text', `${uri} contains no text`, { uri });
  }
}

/** A path given on the command line does not exist. */
export class PathMissing extends InvalidInput {
  constructor(path: string) {
    super('refine.path-missing', `no such file or folder: ${path}`, { path });
  }
}

/** Some files could not be refined; the rest were. Raised after the summary so the exit code says so. */
export class RefineIncomplete extends MusubiError {
  constructor(failed: number, total: number) {
    super('refine.incomplete', 'invalid', `${failed} of ${total} files could not be refined (see above)`, {
      failed,
      total,
    });
  }
}

/** Invalid refine options (a non-positive limit). */
export class InvalidRefineOptions extends InvalidInput {
  constructor(message: string, fields: Record<string, unknown> = {}) {
    super('refine.invalid-options', message, fields);
  }
}

/** A deferred analyzer was asked to tokenise before its dictionary was loaded (a bug in the caller). */
export class AnalyzerNotLoaded extends MusubiError {
  constructor() {
    super(
      'refine.analyzer-not-loaded',
      'internal',
      'the Japanese dictionary was used before it was loaded',
      {},
    );
  }
}
