import { InvalidInput } from '../../errors/index.js';

export class UnsupportedFilter extends InvalidInput {
  constructor(filter: unknown) {
    super(
      'catalog.unsupported-filter',
      `unsupported catalog filter ${JSON.stringify(filter)}: supported are objects with one of keyword, mediaType, id (a string or a list of strings)`,
      { filter },
    );
  }
}

export class InvalidContinuationToken extends InvalidInput {
  constructor() {
    super('catalog.invalid-continuation-token', 'the continuation token is not one this catalog issued');
  }
}
