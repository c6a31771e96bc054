import { InvalidInput } from '../../errors/index.js';
import type { Role } from '../negotiation/negotiation.js';

/** The DSP 2025-1 transfer process state machine as data (see negotiation.ts for the shape). */
export const transferStates = ['REQUESTED', 'STARTED', 'SUSPENDED', 'COMPLETED', 'TERMINATED'] as const;
export type TransferState = (typeof transferStates)[number];

export type TransferMessage =
  | 'TransferRequestMessage'
  | 'TransferStartMessage'
  | 'TransferSuspensionMessage'
  | 'TransferCompletionMessage'
  | 'TransferTerminationMessage';

interface Step {
  readonly from: TransferState | 'NEW';
  readonly message: TransferMessage;
  readonly sender: Role;
  readonly to: TransferState;
}

const both = ['provider', 'consumer'] as const;

export const transferSteps: readonly Step[] = [
  { from: 'NEW', message: 'TransferRequestMessage', sender: 'consumer', to: 'REQUESTED' },
  { from: 'REQUESTED', message: 'TransferStartMessage', sender: 'provider', to: 'STARTED' },
  // Resuming: the provider restarts, or the consumer does when it was the one that suspended.
  ...both.map((sender) => ({
    from: 'SUSPENDED' as const,
    message: 'TransferStartMessage' as const,
    sender,
    to: 'STARTED' as const,
  })),
  ...both.map((sender) => ({
    from: 'STARTED' as const,
    message: 'TransferSuspensionMessage' as const,
    sender,
    to: 'SUSPENDED' as const,
  })),
  ...both.map((sender) => ({
    from: 'STARTED' as const,
    message: 'TransferCompletionMessage' as const,
    sender,
    to: 'COMPLETED' as const,
  })),
  ...(['REQUESTED', 'STARTED', 'SUSPENDED'] as const).flatMap((from) =>
    both.map((sender) => ({
      from,
      message: 'TransferTerminationMessage' as const,
      sender,
      to: 'TERMINATED' as const,
    })),
  ),
];

export class InvalidTransferTransition extends InvalidInput {
  constructor(from: TransferState | 'NEW', message: TransferMessage, sender: Role) {
    super(
      'transfer.invalid-transition',
      `a ${sender} may not send ${message} to a transfer in state ${from}`,
      {
        from,
        message,
        sender,
      },
    );
  }
}

export function nextTransferState(
  from: TransferState | 'NEW',
  message: TransferMessage,
  sender: Role,
): TransferState {
  const step = transferSteps.find((s) => s.from === from && s.message === message && s.sender === sender);
  if (!step) throw new InvalidTransferTransition(from, message, sender);
  return step.to;
}

export function isTerminalTransfer(state: TransferState): boolean {
  return state === 'COMPLETED' || state === 'TERMINATED';
}
