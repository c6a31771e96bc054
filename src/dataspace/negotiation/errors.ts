import { InvalidInput, MusubiError, NotFound } from '../../errors/index.js';
import { ProcessChanged } from '../process/errors.js';

/** Unknown, or belonging to another counterparty or participant: the same answer for both. */
export class NegotiationNotFound extends NotFound {
  constructor(id: string) {
    super('negotiation', id);
  }
}

export class AgreementNotFound extends NotFound {
  constructor(id: string) {
    super('agreement', id);
  }
}

/** Someone else changed the negotiation between our read and our write; the caller retries or reports. */
export class NegotiationChanged extends ProcessChanged {
  constructor(id: string) {
    super('negotiation.changed', `negotiation ${JSON.stringify(id)} changed concurrently; try again`, { id });
  }
}

/** The requested offer is unknown, not visible to the requester, or does not match the offer as published. */
export class OfferNotAgreeable extends InvalidInput {
  constructor(offerId: string, why: string) {
    super('negotiation.offer-not-agreeable', `offer ${JSON.stringify(offerId)} cannot be requested: ${why}`, {
      offerId,
    });
  }
}

/** A provider's agreement that is not what was negotiated (another target, rules dropped or added). */
export class AgreementMismatch extends InvalidInput {
  constructor(id: string, why: string) {
    super(
      'negotiation.agreement-mismatch',
      `agreement for negotiation ${JSON.stringify(id)} refused: ${why}`,
      { id },
    );
  }
}

/** A message whose pids contradict the negotiation it is addressed to. */
export class PidMismatch extends InvalidInput {
  constructor(field: string, expected: string | null, got: unknown) {
    super('negotiation.pid-mismatch', `${field} ${JSON.stringify(got)} does not match this negotiation`, {
      field,
      expected,
    });
  }
}

/** The counterparty does not speak DSP 2025-1, or could not be asked. */
export class PeerUnsupported extends InvalidInput {
  constructor(address: string, why: string) {
    super('negotiation.peer-unsupported', `counterparty at ${address} cannot be negotiated with: ${why}`, {
      address,
    });
  }
}

/**
 * The provider answered 401/403: it does not accept this participant now (a credential revoked or expired,
 * another data space). A peer is never told why; the provider's operator sees the reason code.
 */
export class PeerRefused extends InvalidInput {
  constructor(address: string, what: string, status: number) {
    super(
      'negotiation.peer-refused',
      `counterparty at ${address} refused ${what} (HTTP ${status}): it does not accept this participant's credentials now`,
      { address, status },
    );
  }
}

export class NegotiationTerminal extends MusubiError {
  constructor(id: string, state: string) {
    super('negotiation.terminal', 'invalid', `negotiation ${JSON.stringify(id)} is already ${state}`, {
      id,
      state,
    });
  }
}

/** A counter-offer the provider could not read as one: another dataset, or no rule at all. */
export class CounterOfferInvalid extends InvalidInput {
  constructor(negotiationId: string, why: string) {
    super('negotiation.counter-offer-invalid', `this counter-offer cannot be sent: ${why}`, {
      negotiationId,
    });
  }
}
