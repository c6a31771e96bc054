import { InvalidInput } from '../../errors/index.js';

/** An index name must be a plain SQL identifier because it prefixes table names. */
export class InvalidIndexName extends InvalidInput {
  constructor(name: string) {
    super('index.invalid-name', `index name ${JSON.stringify(name)} must match [a-z][a-z0-9_]*`, { name });
  }
}

/** Two units in one `add` (or across calls) share an id but claim different documents or positions. */
export class DuplicateUnit extends InvalidInput {
  constructor(unitId: string) {
    super('index.duplicate-unit', `unit ${JSON.stringify(unitId)} is already indexed`, { unitId });
  }
}
