/** Errors a parser raises for input it cannot read. Stable codes; messages say what to do. */
import { InvalidInput } from '../../errors/index.js';

/** The file's format is not one Musubi parses (or needs a converter that is not installed). */
export class UnsupportedFormat extends InvalidInput {
  constructor(message: string, fields: Record<string, unknown> = {}) {
    super('parse.unsupported', message, fields);
  }
}

/** The file has no bytes (or only whitespace where content is required). */
export class EmptyFile extends InvalidInput {
  constructor(uri: string) {
    super('parse.empty', `empty file: ${uri}`, { uri });
  }
}

/** The container is damaged: not a readable zip, or a required part is missing or malformed. */
export class CorruptFile extends InvalidInput {
  constructor(uri: string, reason: string, options?: { cause?: unknown }) {
    super('parse.corrupt', `corrupt file ${uri}: ${reason}`, { uri, reason }, options);
  }
}

/** An archive would inflate beyond the configured limits (a zip bomb, or simply too large). */
export class ArchiveTooLarge extends InvalidInput {
  constructor(uri: string, reason: string, fields: Record<string, unknown> = {}) {
    super('parse.too-large', `refusing ${uri}: ${reason}`, { uri, reason, ...fields });
  }
}

/** The text is in none of the encodings tried. */
export class UndecodableText extends InvalidInput {
  constructor(uri: string, tried: readonly string[]) {
    super(
      'parse.encoding',
      `cannot decode ${uri} as text (tried ${tried.join(', ')}); save it as UTF-8 and try again`,
      { uri, tried },
    );
  }
}

/** LibreOffice was found but could not convert a legacy file. */
export class ConversionFailed extends InvalidInput {
  constructor(uri: string, reason: string, options?: { cause?: unknown }) {
    super(
      'parse.conversion-failed',
      `LibreOffice could not convert ${uri}: ${reason}`,
      { uri, reason },
      options,
    );
  }
}
