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

export class PeerCatalogRefused extends InvalidInput {
  constructor(url: string, status: number, reason: string) {
    super('catalog.peer-refused', `the counterparty's catalog at ${url} answered ${status}: ${reason}`, {
      url,
      status,
    });
  }
}

export class PeerUnsupported extends InvalidInput {
  constructor(address: string, why: string) {
    super('catalog.peer-unsupported', `counterparty at ${address} has no usable DSP 2025-1 catalog: ${why}`, {
      address,
    });
  }
}
