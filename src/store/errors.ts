import { MusubiError } from '../errors/index.js';

export class StoreUnwritable extends MusubiError {
  constructor(dir: string, reason: string) {
    super('store.unwritable', 'invalid', `store directory ${dir} is not writable (${reason})`, { dir });
  }
}

export class StoreCorrupt extends MusubiError {
  constructor(file: string) {
    super(
      'store.corrupt',
      'invalid',
      `database file ${file} is not a valid SQLite database (corrupt or another file)`,
      {
        file,
      },
    );
  }
}

export class StoreUnreachable extends MusubiError {
  constructor(target: string, reason: string) {
    super('store.unreachable', 'unavailable', `database ${target} cannot be reached (${reason})`, { target });
  }
}
