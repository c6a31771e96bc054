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
