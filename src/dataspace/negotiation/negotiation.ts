import { InvalidInput } from '../../errors/index.js';

/**
 * The DSP 2025-1 contract negotiation state machine as data: which message, sent by which role, moves a
 * negotiation from which state to which. Both roles apply the same table — the provider to messages it
 * receives from the consumer and to those it sends, and vice versa — so the two sides cannot disagree.
 */
export const negotiationStates = [
  'REQUESTED',
  'OFFERED',
  'ACCEPTED',
  'AGREED',
  'VERIFIED',
  'FINALIZED',
  'TERMINATED',
] as const;
export type NegotiationState = (typeof negotiationStates)[number];
export type Role = 'provider' | 'consumer';

export type NegotiationMessage =
  | 'ContractRequestMessage'
  | 'ContractOfferMessage'
  | 'ContractNegotiationEventMessage:ACCEPTED'
  | 'ContractAgreementMessage'
  | 'ContractAgreementVerificationMessage'
  | 'ContractNegotiationEventMessage:FINALIZED'
  | 'ContractNegotiationTerminationMessage';

interface Step {
  readonly from: NegotiationState | 'NEW';
  readonly message: NegotiationMessage;
  readonly sender: Role;
  readonly to: NegotiationState;
}

const nonTerminal = ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED'] as const;

export const negotiationSteps: readonly Step[] = [
  { from: 'NEW', message: 'ContractRequestMessage', sender: 'consumer', to: 'REQUESTED' },
  { from: 'NEW', message: 'ContractOfferMessage', sender: 'provider', to: 'OFFERED' },
  { from: 'OFFERED', message: 'ContractRequestMessage', sender: 'consumer', to: 'REQUESTED' },
  { from: 'REQUESTED', message: 'ContractOfferMessage', sender: 'provider', to: 'OFFERED' },
  {
    from: 'OFFERED',
    message: 'ContractNegotiationEventMessage:ACCEPTED',
    sender: 'consumer',
    to: 'ACCEPTED',
  },
  { from: 'REQUESTED', message: 'ContractAgreementMessage', sender: 'provider', to: 'AGREED' },
  { from: 'ACCEPTED', message: 'ContractAgreementMessage', sender: 'provider', to: 'AGREED' },
  { from: 'AGREED', message: 'ContractAgreementVerificationMessage', sender: 'consumer', to: 'VERIFIED' },
  {
    from: 'VERIFIED',
    message: 'ContractNegotiationEventMessage:FINALIZED',
    sender: 'provider',
    to: 'FINALIZED',
  },
  ...nonTerminal.flatMap((from) =>
    (['provider', 'consumer'] as const).map((sender) => ({
      from,
      message: 'ContractNegotiationTerminationMessage' as const,
      sender,
      to: 'TERMINATED' as const,
    })),
  ),
];

export class InvalidNegotiationTransition extends InvalidInput {
  constructor(from: NegotiationState | 'NEW', message: NegotiationMessage, sender: Role) {
    super(
      'negotiation.invalid-transition',
      `a ${sender} may not send ${message} to a negotiation in state ${from}`,
      { from, message, sender },
    );
  }
}

/** The state a message moves the negotiation to, or an error that changes nothing. */
export function nextNegotiationState(
  from: NegotiationState | 'NEW',
  message: NegotiationMessage,
  sender: Role,
): NegotiationState {
  const step = negotiationSteps.find((s) => s.from === from && s.message === message && s.sender === sender);
  if (!step) throw new InvalidNegotiationTransition(from, message, sender);
  return step.to;
}

export function isTerminalNegotiation(state: NegotiationState): boolean {
  return state === 'FINALIZED' || state === 'TERMINATED';
}
