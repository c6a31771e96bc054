import { Conflict, MusubiError, NotFound } from '../../../errors/index.js';

/** No EDR for this transfer: not ours, not a pull we consume, or the provider never started it. */
export class EdrNotFound extends NotFound {
  constructor(transferId: string) {
    super('edr', transferId);
  }
}

/** The transfer is not STARTED (suspended, completed, terminated): nothing may be pulled now. */
export class EdrTransferNotStarted extends Conflict {
  constructor(transferId: string, state: string) {
    super('edr.transfer-not-started', `transfer ${JSON.stringify(transferId)} is ${state}, not STARTED`, {
      transferId,
      state,
    });
  }
}

/** The provider refused to refresh (revoked, transfer ended there): the EDR will never work again. */
export class EdrDead extends Conflict {
  constructor(transferId: string, reasonCode: string, reason: string | null) {
    super(
      'edr.dead',
      `the data access of transfer ${JSON.stringify(transferId)} ended: ${reasonCode}${reason ? ` (${reason})` : ''}`,
      { transferId, reasonCode },
    );
  }
}

/** The access token expired and the provider's refresh endpoint could not be reached or failed: try later. */
export class EdrRefreshUnavailable extends MusubiError {
  constructor(transferId: string, why: string) {
    super(
      'edr.refresh-unavailable',
      'unavailable',
      `cannot refresh the data access of ${transferId}: ${why}`,
      {
        transferId,
      },
    );
  }
}

export class EdrSealBroken extends MusubiError {
  constructor() {
    super(
      'edr.seal-broken',
      'internal',
      'sealed EDR tokens cannot be opened: wrong node secret or damaged data',
    );
  }
}
