export {
  InvalidTransferTransition,
  isTerminalTransfer,
  nextTransferState,
  type TransferMessage,
  type TransferState,
  transferStates,
  transferSteps,
} from './transfer.js';
