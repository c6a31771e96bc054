import { MusubiError } from '../../errors/index.js';

/** A provider answered, but not in the protocol's shape: a misconfigured URL or an incompatible server. */
export class ProviderProtocolError extends MusubiError {
  constructor(endpoint: string, why: string) {
    super('provider.bad-response', 'unavailable', `${endpoint} did not answer as expected: ${why}`, {
      endpoint,
    });
  }
}
