import { InvalidInput, MusubiError } from '../../errors/index.js';

/** Budget options that no chunk could ever satisfy (size ≤ 0, overlap ≥ size, a header that fills the budget). */
export class InvalidBudget extends InvalidInput {
  constructor(reason: string, fields: Record<string, unknown> = {}) {
    super('chunk.invalid-budget', `impossible chunk budget: ${reason}`, fields);
  }
}

/** The injected completion function failed while writing a chunk's situating context. */
export class ContextUnavailable extends MusubiError {
  constructor(chunkId: string, cause: unknown) {
    super(
      'chunk.context-unavailable',
      'unavailable',
      `could not write context for chunk ${chunkId}`,
      { chunkId },
      {
        cause,
      },
    );
  }
}
