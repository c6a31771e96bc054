import { Conflict, InvalidInput, MusubiError } from '../../errors/index.js';

/** A footprint request that cannot take the step asked (answer before linking, reject an answered one…). */
export class RequestStateConflict extends Conflict {
  constructor(id: string, status: string, step: string) {
    super('footprint.request-state', `request ${id} is ${status}: cannot ${step}`, { id, status });
  }
}

/** A received footprint that does not check out; nothing is stored from it. */
export class AnswerRejected extends InvalidInput {
  constructor(reason: string) {
    super('footprint.answer-rejected', `received footprint rejected: ${reason}`);
  }
}

/** The peer could not be reached or refused what the exchange needs. */
export class ExchangeFailed extends MusubiError {
  /** The peer's HTTP status, when it answered. */
  readonly status: number | undefined;
  constructor(peer: string, reason: string, status?: number) {
    super('footprint.exchange-failed', 'unavailable', `footprint exchange with ${peer} failed: ${reason}`, {
      peer,
    });
    this.status = status;
  }
}

/** An exchange call under an agreement for something else than the footprint exchange. */
export class NotTheExchange extends MusubiError {
  constructor() {
    super('footprint.not-exchange', 'unauthorized', 'the token is not for a footprint exchange agreement');
  }
}
