import { InvalidInput, NotFound } from '../../errors/index.js';
import { ProcessChanged } from '../process/errors.js';

/** Unknown, or belonging to another counterparty or participant: the same answer for both. */
export class TransferNotFound extends NotFound {
  constructor(id: string) {
    super('transfer', id);
  }
}

/** Someone else changed the transfer between our read and our write; the caller retries or reports. */
export class TransferChanged extends ProcessChanged {
  constructor(id: string) {
    super('transfer.changed', `transfer ${JSON.stringify(id)} changed concurrently; try again`, { id });
  }
}

/** No FINALIZED agreement of that id with this counterparty (or not ours): one answer for all of these. */
export class AgreementNotUsable extends InvalidInput {
  constructor(agreementId: string) {
    super(
      'transfer.agreement-not-usable',
      `agreement ${JSON.stringify(agreementId)} is not a finalized agreement with this counterparty`,
      { agreementId },
    );
  }
}

export class UnsupportedFormat extends InvalidInput {
  constructor(format: string, supported: readonly string[]) {
    super(
      'transfer.unsupported-format',
      `format ${JSON.stringify(format)} is not supported (use ${supported.join(' or ')})`,
      { format, supported },
    );
  }
}

/** A push transfer needs to know where to push: the request's dataAddress. */
export class PushTargetMissing extends InvalidInput {
  constructor() {
    super('transfer.push-target-missing', 'a push transfer request must carry the dataAddress to push to');
  }
}

/** A message whose pids contradict the transfer it is addressed to. */
export class TransferPidMismatch extends InvalidInput {
  constructor(field: string, got: unknown) {
    super('transfer.pid-mismatch', `${field} ${JSON.stringify(got)} does not match this transfer`, { field });
  }
}

/** We hold an agreement as consumer, but not the provider's DSP address to ask for a transfer. */
export class ProviderAddressUnknown extends InvalidInput {
  constructor(agreementId: string) {
    super(
      'transfer.provider-address-unknown',
      `no provider address is known for agreement ${JSON.stringify(agreementId)}; pass providerAddress`,
      { agreementId },
    );
  }
}
