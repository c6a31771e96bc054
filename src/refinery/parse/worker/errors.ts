import { InvalidInput, type MusubiError } from '../../../errors/index.js';

/** The parser ran past its time budget; the worker was terminated. */
export class ParseTimeout extends InvalidInput {
  constructor(uri: string, timeoutMs: number) {
    super('parse.timeout', `${uri}: parsing took longer than ${timeoutMs} ms and was stopped`, {
      uri,
      timeoutMs,
    });
  }
}

/** The parser needed more heap than the worker is allowed; the worker was terminated. */
export class ParseOutOfMemory extends InvalidInput {
  constructor(uri: string, maxOldGenerationSizeMb: number) {
    super(
      'parse.out-of-memory',
      `${uri}: parsing needed more than ${maxOldGenerationSizeMb} MB of heap and was stopped`,
      { uri, maxOldGenerationSizeMb },
    );
  }
}

/** The worker died for another reason (a crash in native code, an uncaught error outside the parser). */
export class ParseWorkerFailed extends InvalidInput {
  constructor(uri: string, reason: string) {
    super('parse.worker-failed', `${uri}: the parse worker stopped: ${reason}`, { uri, reason });
  }
}

/** A MusubiError as it crosses the thread boundary (classes do not survive structured clone). */
export interface SerialisedError {
  readonly name: string;
  readonly code?: string;
  readonly kind?: MusubiError['kind'];
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}
