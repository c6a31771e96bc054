import { InvalidInput } from '../../errors/index.js';

/** A policy that does not parse, named by the JSON path of the first offending member. */
export class InvalidPolicy extends InvalidInput {
  readonly path: string;
  constructor(path: string, reason: string) {
    super('policy.invalid', path ? `${path}: ${reason}` : reason, { path });
    this.path = path;
  }
}
