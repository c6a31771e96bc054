import { MusubiError } from '../../errors/index.js';

/** The kuromoji dictionary shipped with the package could not be found or read. */
export class MorphologyUnavailable extends MusubiError {
  constructor(dicPath: string, cause: unknown) {
    super(
      'text.morphology-unavailable',
      'unavailable',
      `kuromoji dictionary could not be loaded from ${dicPath}`,
      {
        dicPath,
      },
      { cause },
    );
  }
}
