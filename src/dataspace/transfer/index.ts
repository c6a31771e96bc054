export {
  AgreementNotUsable,
  ProviderAddressUnknown,
  PushTargetMissing,
  TransferChanged,
  TransferNotFound,
  TransferPidMismatch,
  UnsupportedFormat,
} from './errors.js';
export {
  type Incoming,
  type NewTransfer,
  type PullTokens,
  type TransferAction,
  type TransferDeps,
  type TransferReact,
  type TransferService,
  transferAnswer,
  transferService,
} from './service.js';
export { deadlineFor, httpEndpointType, transferFormats, waitsOnPeer } from './steps.js';
export {
  findTransfer,
  listTransfers,
  type Transfer,
  type TransferQuery,
  transferForAccessToken,
} from './store.js';
export {
  InvalidTransferTransition,
  isTerminalTransfer,
  nextTransferState,
  type TransferMessage,
  type TransferState,
  transferStates,
  transferSteps,
} from './transfer.js';
