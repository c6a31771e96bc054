export {
  AgreementNotFound,
  CounterOfferInvalid,
  NegotiationChanged,
  NegotiationNotFound,
  NegotiationTerminal,
  OfferNotAgreeable,
  PeerRefused,
  PeerUnsupported,
  PidMismatch,
} from './errors.js';
export {
  InvalidNegotiationTransition,
  isTerminalNegotiation,
  type NegotiationMessage,
  type NegotiationState,
  negotiationStates,
  negotiationSteps,
  nextNegotiationState,
  type Role,
} from './negotiation.js';
export {
  type Decide,
  type DecisionPoint,
  type Incoming,
  type NegotiationDeps,
  type NegotiationService,
  negotiationAnswer,
  negotiationService,
  type OfferLookup,
  type Reaction,
} from './service.js';
export {
  type CounterProposal,
  counterOffer,
  deadlineFor,
  offerMismatch,
  waitsOnPeer,
} from './steps.js';
export {
  findAgreement,
  findByIdempotencyKey,
  findFinalizedAgreement,
  findNegotiation,
  listAgreements,
  listNegotiations,
  type Negotiation,
  type NegotiationFilter,
  type StoredAgreement,
} from './store.js';
